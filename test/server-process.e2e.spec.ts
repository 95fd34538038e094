import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase } from './support/database.js';
import { httpClient } from './support/http.js';
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
