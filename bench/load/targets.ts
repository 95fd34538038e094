import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { registerUser } from '../search/run/clients.js';
import { startServer } from '../search/run/server.js';

/** A server the load runs against, and the access tokens its sessions use. */
export interface Target {
  name: 'baseline' | 'peerdex';
  baseUrl: string;
  /** the token of session number `index` */
  tokenFor(index: number): string;
  /** errors the server logged so far, counted by message */
  errors(): Record<string, number>;
  stop(): Promise<void>;
}

export interface PeerdexOptions {
  /** a PostgreSQL server to create a fresh database on; unset: the server's embedded PostgreSQL */
  databaseUrl: string | undefined;
  maxSessions: number;
  sessionsPerUser: number;
  /** extra server environment (admission settings under test) */
  env: Record<string, string>;
}

/** The plain Socket.IO server (baseline-server.js) as a child process. */
export function startBaseline(): Promise<Target> {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./baseline-server.js', import.meta.url))], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the baseline server exited (${code})`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      const match = /listening on (http:\/\/[\d.:]+)/.exec(chunk.toString());
      if (!match) return;
      resolve({
        name: 'baseline',
        baseUrl: match[1]!,
        tokenFor: () => 'baseline',
        errors: () => ({}),
        stop: () => new Promise((done) => (child.once('exit', () => done()), child.kill('SIGTERM'))),
      });
    });
  });
}

/**
 * The built directory server on a database of its own, with accounts for every session
 * (`sessionsPerUser` sessions share one account, within PEER_SESSIONS_PER_USER). Rate limits that
 * would stop one machine from registering and searching this much are lifted; admission is not.
 */
export async function startPeerdex(options: PeerdexOptions): Promise<Target> {
  const dataDir = await mkdtemp(join(tmpdir(), 'peerdex-load-'));
  // As root the embedded PostgreSQL runs as `postgres`, which must be able to enter the folder.
  await chmod(dataDir, 0o755);
  const database = options.databaseUrl ? await createDatabase(options.databaseUrl) : undefined;
  const server = await startServer({
    LOG_LEVEL: 'warn',
    PEERDEX_DATA_DIR: dataDir,
    ...(database ? { DATABASE_URL: database.url } : {}),
    ACCESS_TOKEN_TTL: '6h',
    PEER_SESSIONS_PER_USER: String(options.sessionsPerUser),
    AUTH_RATE_LIMIT_PER_IP: '1000000',
    AUTH_RATE_LIMIT_PER_USERNAME: '1000000',
    SEARCH_RATE_LIMIT_PER_MINUTE: '10000000',
    ...options.env,
  });
  const accounts = Math.ceil(options.maxSessions / options.sessionsPerUser);
  const tokens: string[] = [];
  for (let start = 0; start < accounts; start += 8) {
    const batch = Array.from({ length: Math.min(8, accounts - start) }, (_, n) => registerUser(server.baseUrl, `load${start + n}`));
    tokens.push(...(await Promise.all(batch)).map((user) => user.accessToken));
  }
  return {
    name: 'peerdex',
    baseUrl: server.baseUrl,
    // Consecutive sessions belong to different accounts, as a crowd's would.
    tokenFor: (index) => tokens[index % tokens.length]!,
    errors: () => loggedErrors(server.output()),
    stop: async () => {
      await server.stop();
      await database?.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** pino lines at level error (50) or above, counted by message and error message. */
function loggedErrors(output: string): Record<string, number> {
  const errors: Record<string, number> = {};
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string } };
      if ((entry.level ?? 0) < 50) continue;
      const key = `${entry.msg ?? ''}${entry.err?.message ? `: ${entry.err.message.split('\n').at(-1)!.slice(0, 160)}` : ''}`;
      errors[key] = (errors[key] ?? 0) + 1;
    } catch {
      // not a log line
    }
  }
  return errors;
}

export async function createDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `peerdex_load_${process.pid}_${Date.now()}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}
