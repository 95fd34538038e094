import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { currentProcess, isRunning, type ProcessIdentity } from './process-identity.js';

interface NodeRecord extends ProcessIdentity {
  nodeId: string;
  /** a hash of the database the node used (databaseIdentity) */
  database: string;
}

export interface NodeRegistration {
  /** nodes of this machine that used the same database and died without ending their sessions */
  deadNodeIds: string[];
  /** a clean shutdown removes the node's record */
  leave(): Promise<void>;
}

/**
 * Each server process records itself in <data dir>/nodes/ while it runs. A process killed with
 * SIGKILL (or crashed) leaves its record behind; the next server started on that data dir finds
 * it, so that the dead node's sessions are ended at once instead of being counted as online
 * ("ghost" sources) until their lease runs out.
 */
export async function registerNode(dataDir: string, nodeId: string, databaseIdentity: string): Promise<NodeRegistration> {
  const dir = join(dataDir, 'nodes');
  await mkdir(dir, { recursive: true });
  const database = createHash('sha256').update(databaseIdentity).digest('hex').slice(0, 16);
  const deadNodeIds: string[] = [];
  for (const name of await readdir(dir)) {
    const file = join(dir, name);
    const record = await readFile(file, 'utf8').then((text) => JSON.parse(text) as NodeRecord, () => undefined);
    if (!record) await rm(file, { force: true });
    else if (record.database === database && !isRunning(record)) {
      deadNodeIds.push(record.nodeId);
      await rm(file, { force: true });
    }
  }
  const file = join(dir, `${process.pid}-${randomBytes(4).toString('hex')}.json`);
  const record: NodeRecord = { ...currentProcess(), nodeId, database };
  await writeFile(file, JSON.stringify(record), { mode: 0o600 });
  return { deadNodeIds, leave: () => rm(file, { force: true }) };
}

/**
 * What identifies a database across restarts: its host, port and name, or for the embedded one
 * (a new port at each start) the cluster's folder. Never the password.
 */
export function databaseIdentity(databaseUrl: string, embeddedClusterDir?: string): string {
  if (embeddedClusterDir) return `embedded:${embeddedClusterDir}`;
  const url = new URL(databaseUrl);
  return `${url.hostname}:${url.port || 5432}${url.pathname}`;
}
