import { readFileSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { currentProcess, isRunning, pidExists, type ProcessIdentity } from '../../bootstrap/process-identity.js';

interface OwnerRecord extends ProcessIdentity {
  startedAt: string;
}

/**
 * Makes this process the owner of the embedded cluster, recorded in `ownerFile` (in the server's
 * data dir). A cluster owned by a running server is refused; a postmaster left running by an
 * owner that is gone (the server was killed with SIGKILL, or crashed) is stopped first.
 * Returns a function that gives the ownership up.
 */
export async function claimCluster(clusterDir: string, ownerFile: string, log: (line: string) => void): Promise<() => Promise<void>> {
  const previous = await readOwner(ownerFile);
  if (previous && isRunning(previous)) {
    throw new Error(
      `The embedded PostgreSQL in ${clusterDir} is in use by a running Peerdex server (pid ${previous.pid}, started ` +
        `${previous.startedAt}). Stop that server first, or give this one another PEERDEX_DATA_DIR.`,
    );
  }
  const orphan = postmasterPid(clusterDir);
  if (orphan !== undefined && pidExists(orphan) && isPostgres(orphan, clusterDir)) {
    log(`stopping the embedded PostgreSQL (pid ${orphan}) left running by a server that is gone` + (previous ? ` (pid ${previous.pid})` : ''));
    await stopProcess(orphan);
  }
  const record: OwnerRecord = { ...currentProcess(), startedAt: new Date().toISOString() };
  await rm(ownerFile, { force: true });
  // `wx`: of two servers starting at the same moment, one wins.
  await writeFile(ownerFile, JSON.stringify(record), { mode: 0o600, flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
    throw new Error(`Another server claimed ${clusterDir} at the same moment (${error.code}); start one server per data dir`, { cause: error });
  });
  return () => rm(ownerFile, { force: true });
}

async function readOwner(file: string): Promise<OwnerRecord | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as OwnerRecord;
  } catch {
    return undefined;
  }
}

/** The first line of postmaster.pid is the postmaster's pid. */
function postmasterPid(clusterDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(clusterDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Guards against a recycled pid: it must be a postgres running on this cluster (where /proc tells). */
function isPostgres(pid: number, clusterDir: string): boolean {
  try {
    const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return commandLine[0]!.endsWith('postgres') && commandLine.includes(clusterDir);
  } catch {
    return process.platform !== 'linux';
  }
}

/** A fast shutdown (SIGINT: roll back, checkpoint, exit); an immediate one if that hangs. */
export async function stopProcess(pid: number, fastMs = 20_000): Promise<void> {
  for (const [signal, waitMs] of [['SIGINT', fastMs], ['SIGQUIT', 5_000]] as const) {
    try {
      process.kill(pid, signal);
    } catch {
      return;
    }
    const deadline = Date.now() + waitMs;
    while (Date.now() < deadline) {
      if (!pidExists(pid)) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`PostgreSQL (pid ${pid}) did not stop; stop it by hand (kill ${pid}) and start again`);
}
