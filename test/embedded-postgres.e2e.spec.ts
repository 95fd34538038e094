import { watch } from 'node:fs';
import { chmod, lstat, mkdtemp, readlink, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from '@jest/globals';
import { startEmbeddedPostgres } from '../apps/server/src/database/embedded-postgres.js';
import { httpClient } from './support/http.js';
import { startServerProcess } from './support/server-process.js';
import { withNote } from './support/with-note.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function scratchDir(mode: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'peerdex-embedded-'));
  await chmod(dir, mode);
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

describe('embedded PostgreSQL', () => {
  it('initialises the cluster without writing its password to a file others can read', async () => {
    const seen: Array<{ name: string; mode?: number }> = [];
    // The embedded-postgres package used to write /tmp/pg-password-<id> (0644) for initdb.
    const watcher = watch(tmpdir(), (_event, name) => {
      if (!name?.startsWith('pg-password-')) return;
      const entry: { name: string; mode?: number } = { name };
      seen.push(entry);
      stat(join(tmpdir(), name)).then((stats) => (entry.mode = stats.mode & 0o777), () => undefined);
    });
    const dir = await scratchDir(0o755);
    const password = 'a-password-only-this-test-knows';
    const cluster = await startEmbeddedPostgres({ dataDir: join(dir, 'postgres'), port: 0, password, database: 'app', log: () => undefined });
    cleanups.push(() => cluster.stop());
    watcher.close();

    expect(seen).toEqual([]);
    expect(await canConnect(cluster.url)).toBe(true);
    const wrong = new URL(cluster.url);
    wrong.password = 'not-the-password';
    expect(await canConnect(wrong.toString())).toBe(false);
  });

  const isRoot = process.getuid?.() === 0;
  (isRoot ? it : it.skip)(
    `runs as root from a data dir inside a private (0700) folder${isRoot ? '' : ' (skipped: needs root)'}`,
    async () => {
      // Like a clone under /root: PostgreSQL's own user cannot traverse the parent folder.
      const home = await scratchDir(0o700);
      const dataDir = join(home, 'clone', '.data');
      const env = { PEERDEX_DATA_DIR: dataDir, DATABASE_URL: '', JWT_SECRET: 'x'.repeat(40), ADMIN_PASSWORD: 'admin-password' };
      const server = await startServerProcess(env);
      let relocated: string | undefined;
      try {
        expect((await httpClient(server.baseUrl).get('/health/ready')).body.status).toBe('pass');
        // The cluster lives where PostgreSQL's user can reach it, and the data dir points there.
        const link = join(dataDir, 'postgres');
        expect((await lstat(link)).isSymbolicLink()).toBe(true);
        relocated = await readlink(link);
        cleanups.push(() => rm(join(relocated!, '..'), { recursive: true, force: true }));
        expect(basename(join(relocated, '..'))).toMatch(/^clone-[0-9a-f]{12}$/);
        withNote(server.output(), () => expect(server.output()).toMatch(/cannot reach .* keeping the cluster in/));
      } finally {
        expect(await server.stop()).toBe(0);
      }
      // The next start finds the same cluster (and its data) again.
      const again = await startServerProcess(env);
      try {
        const login = await httpClient(again.baseUrl).post('/api/v1/auth/login', { username: 'admin', password: 'admin-password' });
        expect(login.status).toBe(200);
        expect(again.output()).toMatch(/0 applied now/);
      } finally {
        expect(await again.stop()).toBe(0);
      }
    },
  );
});
