import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase } from '../../../test/support/database.js';
import { createCorpus } from '../corpus.js';
import { SeedError, touchSeededSessions } from './database.js';
import { seedCorpus, type LoadMethod } from './seed-corpus.js';
import { verifySeed } from './verify.js';

const OPTIONS = { seed: 'seed-spec', files: 6_000, sessions: 60 };

describe.each<LoadMethod>(['copy', 'unnest'])('seeding the search corpus with %s', (method) => {
  let pool: pg.Pool;
  const corpus = createCorpus(OPTIONS);

  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: await createTestDatabase(), max: 4 });
  });
  afterAll(async () => {
    await pool.end();
  });

  it('writes rows that pass every sanity check, so every file is visible to search', async () => {
    const timings = await seedCorpus(pool, corpus, { method, reset: false });
    expect(timings).toMatchObject({ files: OPTIONS.files, sessions: OPTIONS.sessions });
    const checks = await verifySeed(pool, OPTIONS);
    expect(checks.filter((check) => !check.ok)).toEqual([]);
    expect(checks.length).toBeGreaterThanOrEqual(10);
  });

  it('refuses to seed twice without --reset, and replaces the corpus with it', async () => {
    await expect(seedCorpus(pool, corpus, { method, reset: false })).rejects.toThrow(SeedError);
    await pool.query(`INSERT INTO users (id, username, username_key, password_hash) VALUES (gen_random_uuid(), 'someone', 'someone', 'x')`);
    await seedCorpus(pool, corpus, { method, reset: true });
    expect((await verifySeed(pool, OPTIONS)).filter((check) => !check.ok)).toEqual([]);
    // Only seeded users go; ids start again at 1 after a reset.
    const { rows } = await pool.query(`SELECT (SELECT count(*) FROM users WHERE username = 'someone')::int AS kept, (SELECT min(id) FROM shared_files)::int AS first`);
    expect(rows[0]).toEqual({ kept: 1, first: 1 });
  });

  it('keeps seeded sessions visible only while they are touched', async () => {
    await pool.query(`UPDATE peer_sessions SET last_seen_at = now() - interval '1 minute'`);
    const stale = await verifySeed(pool, OPTIONS);
    expect(stale.find((check) => check.name === 'every file visible to search')?.ok).toBe(false);
    expect(await touchSeededSessions(pool)).toBe(OPTIONS.sessions);
    expect((await verifySeed(pool, OPTIONS)).every((check) => check.ok)).toBe(true);
  });
});

describe('a database the seeder cannot use', () => {
  it('is refused with a message saying to migrate it first', async () => {
    const url = await createTestDatabase();
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    try {
      await pool.query('DROP TABLE file_words');
      await expect(seedCorpus(pool, createCorpus(OPTIONS), { method: 'copy', reset: false })).rejects.toThrow(/no file_words table: apply the migrations first/);
    } finally {
      await pool.end();
    }
  });
});
