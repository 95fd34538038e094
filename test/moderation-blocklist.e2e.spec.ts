import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { defaultMigrationsDir, migrate, readMigrations } from '../apps/server/src/database/migrator.js';
import { startTestServer, type TestServer } from './support/app.js';
import { createEmptyDatabase, withClient } from './support/database.js';
import { httpClient, type HttpClient } from './support/http.js';
import { ADMIN, API, randomSha256, signIn, TEST_ENV, type Account } from './moderation-fixtures.js';
import { withNote } from './support/with-note.js';

describe('the blocklist holds each entry once', () => {
  let server: TestServer;
  let http: HttpClient;
  let admin: Account;

  beforeAll(async () => {
    server = await startTestServer(TEST_ENV);
    http = httpClient(server.baseUrl);
    admin = await signIn(http, ADMIN.username, ADMIN.password);
  });
  afterAll(() => server.close());

  const block = (body: Record<string, string>) => http.post(`${API}/admin/blocklist`, body, { token: admin.token });
  const rowsWithPattern = (pattern: string) => server.prisma.blocklistEntry.count({ where: { pattern: { equals: pattern, mode: 'insensitive' } } });

  it('refuses a pattern already on the list, ignoring case and surrounding spaces, with 409', async () => {
    expect((await block({ pattern: '*crack*.exe', reason: 'cracks' })).status).toBe(201);
    for (const again of ['*crack*.exe', '*CRACK*.EXE', '  *Crack*.exe  ']) {
      const response = await block({ pattern: again, reason: 'again' });
      withNote(`${JSON.stringify(again)}: ${JSON.stringify(response.body)}`, () => expect(response.status).toBe(409));
      expect(response.body.message).toMatch(/pattern is on the blocklist already/);
    }
    expect(await rowsWithPattern('*crack*.exe')).toBe(1);
    // A substring and a glob are different entries, even with the same letters.
    expect((await block({ pattern: 'crack', reason: 'substring' })).status).toBe(201);
  });

  it('lets only one of two identical entries added at the same moment in', async () => {
    const [first, second] = await Promise.all([block({ pattern: 'keygen', reason: 'one' }), block({ pattern: 'KEYGEN', reason: 'two' })]);
    withNote(JSON.stringify([first.body, second.body]), () => expect([first.status, second.status].sort()).toEqual([201, 409]));
    expect(await rowsWithPattern('keygen')).toBe(1);

    const sha256 = randomSha256();
    const both = await Promise.all([block({ sha256, reason: 'one' }), block({ sha256: sha256.toUpperCase(), reason: 'two' })]);
    withNote(JSON.stringify(both.map((response) => response.body)), () => expect(both.map((response) => response.status).sort()).toEqual([201, 409]));
    expect(both.find((response) => response.status === 409)!.body.message).toMatch(/hash is on the blocklist already/);
  });

  it('takes a pattern again once its entry is removed', async () => {
    const created = await block({ pattern: 'warez', reason: 'first' });
    expect((await http.delete(`${API}/admin/blocklist/${created.body.id}`, { token: admin.token })).status).toBe(204);
    expect((await block({ pattern: 'Warez', reason: 'second' })).status).toBe(201);
  });
});

describe('the migration that makes blocklist patterns unique', () => {
  const MIGRATION = '20261203000000_blocklist_unique_pattern';

  it('keeps the oldest of patterns added twice before it, whatever their case', async () => {
    const url = await createEmptyDatabase();
    const dir = await mkdtemp(join(tmpdir(), 'peerdex-migrations-'));
    for (const { name } of await readMigrations(defaultMigrationsDir())) {
      if (name < MIGRATION) await cp(join(defaultMigrationsDir(), name), join(dir, name), { recursive: true });
    }
    await migrate(url, { dir });

    const ids = { oldest: randomUUID(), newer: randomUUID(), newest: randomUUID(), other: randomUUID(), hash: randomUUID() };
    await withClient(url, async (client) => {
      const user = randomUUID();
      await client.query(`INSERT INTO users (id, username, username_key, password_hash) VALUES ($1, 'mod', 'mod', 'x')`, [user]);
      const add = (id: string, pattern: string | null, at: string, sha256: string | null = null) =>
        client.query(`INSERT INTO blocklist (id, sha256, pattern, reason, created_by, created_at) VALUES ($1, $2, $3, 'r', $4, $5)`, [id, sha256, pattern, user, at]);
      await add(ids.newer, '*.EXE', '2026-01-02T00:00:00Z');
      await add(ids.oldest, '*.exe', '2026-01-01T00:00:00Z');
      await add(ids.newest, '*.Exe', '2026-01-03T00:00:00Z');
      await add(ids.other, 'crack', '2026-01-02T00:00:00Z');
      await add(ids.hash, null, '2026-01-02T00:00:00Z', 'a'.repeat(64));
    });

    await cp(join(defaultMigrationsDir(), MIGRATION), join(dir, MIGRATION), { recursive: true });
    expect((await migrate(url, { dir })).applied).toEqual([MIGRATION]);
    const kept = await withClient(url, async (client) => (await client.query(`SELECT id FROM blocklist ORDER BY id`)).rows.map((row: { id: string }) => row.id));
    expect(kept).toEqual([ids.oldest, ids.other, ids.hash].sort());
  });
});
