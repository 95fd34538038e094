import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { registerUser } from './support/accounts.js';
import { createTestDatabase } from './support/database.js';
import { httpClient } from './support/http.js';
import { connectPeer, entry } from './support/peer-socket.js';
import { expectStartFailure, startServerProcess } from './support/server-process.js';
import { withNote } from './support/with-note.js';

describe('the server as a process', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'peerdex-process-'));
    await chmod(dataDir, 0o755);
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('runs on an embedded PostgreSQL that keeps its data across restarts and stops cleanly', async () => {
    const env = { PEERDEX_DATA_DIR: dataDir, DATABASE_URL: '', ADMIN_PASSWORD: 'first-admin-password' };
    const first = await startServerProcess(env);
    const http = httpClient(first.baseUrl);
    expect((await http.get('/health')).body).toMatchObject({ status: 'pass' });
    expect((await http.post('/api/v1/auth/register', { username: 'persistent', password: 'persistent pw' })).status).toBe(201);
    expect(first.output()).toMatch(/applied migration 20261125000000_accounts/);
    expect(first.output()).not.toMatch(/persistent pw/);
    expect(await first.stop()).toBe(0);
    expect(first.output()).toMatch(/stopped/);

    const second = await startServerProcess(env);
    try {
      const login = await httpClient(second.baseUrl).post('/api/v1/auth/login', { username: 'persistent', password: 'persistent pw' });
      expect(login.status).toBe(200);
      // Migrations ran once: the second start found them applied.
      expect(second.output()).not.toMatch(/applied migration/);
      expect(second.output()).toMatch(/0 applied now, \d+ before/);
      // Tokens signed before the restart still verify: the generated secret was kept in the data dir.
      const me = await httpClient(second.baseUrl).get('/api/v1/me', { token: login.body.accessToken });
      expect(me.status).toBe(200);
    } finally {
      expect(await second.stop()).toBe(0);
    }
  });

  it('starts again after being killed: stops the PostgreSQL it left running and forgets its sessions', async () => {
    const killedDir = await mkdtemp(join(tmpdir(), 'peerdex-killed-'));
    await chmod(killedDir, 0o755);
    const env = { PEERDEX_DATA_DIR: killedDir, DATABASE_URL: '', ADMIN_PASSWORD: 'admin-password' };
    try {
      const first = await startServerProcess(env);
      const sharer = await registerUser(httpClient(first.baseUrl), 'killed-sharer');
      const peer = await connectPeer(first.baseUrl, { token: sharer.accessToken });
      await peer.ok('share:sync', { files: [entry('a/Ghost Song.mp3', 'ghost')], final: true });
      peer.close();
      first.child.kill('SIGKILL');
      await new Promise((resolve) => first.child.once('exit', resolve));

      // A second server on the same data dir while the first one lives is refused (checked below
      // on the restarted one); a dead one's PostgreSQL is stopped and the data kept.
      const second = await startServerProcess(env);
      try {
        withNote(second.output(), () => expect(second.output()).toMatch(/left running by a server that is gone/));
        const http = httpClient(second.baseUrl);
        const admin = (await http.post('/api/v1/auth/login', { username: 'admin', password: 'admin-password' })).body.accessToken;
        // The killed server's session is not counted as online (a "ghost" source) after the restart.
        const sessions = await http.get('/api/v1/admin/sessions', { token: admin });
        expect(sessions.body.items).toEqual([]);
        const search = await http.get('/api/v1/search?q=ghost', { token: admin });
        expect(search.body.results).toEqual([]);

        const refused = await expectStartFailure(env);
        expect(refused.output).toMatch(new RegExp(`in use by a running Peerdex server \\(pid ${second.child.pid}`));
      } finally {
        expect(await second.stop()).toBe(0);
      }
    } finally {
      await rm(killedDir, { recursive: true, force: true });
    }
  });

  it('generates an admin password when none is configured and prints it once', async () => {
    const server = await startServerProcess({ DATABASE_URL: await createTestDatabase(), JWT_SECRET: 'x'.repeat(40) });
    try {
      const match = /Admin login\s+admin \/ (\S+)/.exec(server.output());
      withNote(server.output(), () => expect(match).not.toBeNull());
      const login = await httpClient(server.baseUrl).post('/api/v1/auth/login', { username: 'admin', password: match![1] });
      expect(login.status).toBe(200);
      expect(login.body.user.role).toBe('admin');
    } finally {
      await server.stop();
    }
  });

  it('refuses to start when an applied migration file changed', async () => {
    const databaseUrl = await createTestDatabase();
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query(`UPDATE "_prisma_migrations" SET checksum = repeat('0', 64) WHERE migration_name = '20261125000000_accounts'`);
    await client.end();

    const failure = await expectStartFailure({ DATABASE_URL: databaseUrl, JWT_SECRET: 'x'.repeat(40) });
    expect(failure.code).toBe(1);
    expect(failure.output).toMatch(/Migration 20261125000000_accounts was modified after it was applied/);
  });

  it.each([
    ['PORT', 'not-a-port', /PORT: must be a number/],
    ['PORT', '70000', /PORT: must be at most 65535/],
    ['ACCESS_TOKEN_TTL', 'soon', /ACCESS_TOKEN_TTL: must be a duration/],
    ['DATABASE_URL', 'mysql://localhost/x', /DATABASE_URL: must be a postgresql:\/\/ URL/],
  ])('refuses to start when %s=%s, naming the variable', async (name, value, message) => {
    const failure = await expectStartFailure({ [name]: value });
    expect(failure.code).toBe(1);
    expect(failure.output).toMatch(/Invalid configuration/);
    expect(failure.output).toMatch(message);
  });
});
