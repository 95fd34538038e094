import type pg from 'pg';
import { SEEDED_NODE_ID, SEEDED_USERNAME_PREFIX } from '../corpus.js';

/** The tables a share list lives in; --reset empties them. */
export const DIRECTORY_TABLES = ['file_words', 'shared_files', 'share_lists', 'partial_sources', 'peer_sessions'] as const;

export class SeedError extends Error {}

/** Refuses a database that is not migrated, or (without reset) one that already holds a corpus. */
export async function prepareDatabase(pool: pg.Pool, reset: boolean): Promise<void> {
  const { rows } = await pool.query<{ missing: string[] }>(
    `SELECT array_agg(t) FILTER (WHERE to_regclass(t) IS NULL) AS missing FROM unnest($1::text[]) AS t`,
    [['users', ...DIRECTORY_TABLES]],
  );
  if (rows[0]!.missing?.length) {
    throw new SeedError(`the database has no ${rows[0]!.missing.join(', ')} table: apply the migrations first (DATABASE_URL=... npm run db:migrate)`);
  }
  if (reset) {
    await pool.query(`TRUNCATE ${DIRECTORY_TABLES.join(', ')} RESTART IDENTITY`);
    await pool.query(`DELETE FROM users WHERE starts_with(username_key, $1)`, [SEEDED_USERNAME_PREFIX]);
    return;
  }
  const { rows: existing } = await pool.query<{ users: boolean; files: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM users WHERE starts_with(username_key, $1)) AS users, EXISTS (SELECT 1 FROM shared_files) AS files`,
    [SEEDED_USERNAME_PREFIX],
  );
  if (existing[0]!.users || existing[0]!.files) {
    throw new SeedError('the database already holds shared files or seeded users: run again with --reset to replace them');
  }
}

/**
 * Takes `count` ids from shared_files' identity sequence, so that rows can be written with their
 * ids (COPY always writes given identity values) and the server's own inserts continue after them.
 */
export async function reserveFileIds(pool: pg.Pool, count: number): Promise<number> {
  const { rows } = await pool.query<{ first: string }>(`SELECT nextval(pg_get_serial_sequence('shared_files', 'id')) AS first`);
  const first = Number(rows[0]!.first);
  await pool.query(`SELECT setval(pg_get_serial_sequence('shared_files', 'id'), $1)`, [first + count - 1]);
  return first;
}

/**
 * VACUUM as well as ANALYZE: a fresh bulk load has no visibility map, so until autovacuum gets
 * there index-only scans of file_words would visit the heap and the first runs would be slower.
 */
export async function vacuumAnalyze(pool: pg.Pool): Promise<void> {
  await pool.query(`VACUUM (ANALYZE) users, ${DIRECTORY_TABLES.join(', ')}`);
}

/**
 * Seeded sessions have no socket: without this they go stale after the server's lease (30 s)
 * and its sweeper deletes them. Returns the number of sessions touched.
 */
export async function touchSeededSessions(pool: pg.Pool): Promise<number> {
  const result = await pool.query(`UPDATE peer_sessions SET last_seen_at = now() WHERE node_id = $1`, [SEEDED_NODE_ID]);
  return result.rowCount ?? 0;
}

/**
 * Touches the seeded sessions every `intervalMs` until stopped, never two touches at once (two
 * concurrent UPDATEs of the same rows can deadlock). Every touch rewrites 10,000 rows, and every
 * update is a new row version (last_seen_at is indexed, so none is HOT); where autovacuum is off
 * (as on the machine's PostgreSQL here) peer_sessions would bloat by millions of dead rows within
 * a run and plans over it degrade, so every `vacuumEvery` touches it is vacuumed and analyzed,
 * standing in for autovacuum.
 */
export function keepSeededSessionsAlive(
  pool: pg.Pool,
  options: { intervalMs?: number; vacuumEvery?: number; onError?: (error: Error) => void } = {},
): { stop(): Promise<void> } {
  const { intervalMs = 5_000, vacuumEvery = 6, onError = () => undefined } = options;
  let running: Promise<unknown> | undefined;
  let touches = 0;
  const tick = async () => {
    await touchSeededSessions(pool);
    if (++touches % vacuumEvery === 0) await pool.query('VACUUM (ANALYZE) peer_sessions');
  };
  const timer = setInterval(() => {
    if (running) return;
    running = tick()
      .catch(onError)
      .finally(() => (running = undefined));
  }, intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
