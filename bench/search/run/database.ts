import type pg from 'pg';
import { SEEDED_NODE_ID } from '../corpus.js';
import { BENCH_USERNAME_PREFIX } from './clients.js';

/** What the database holds of the seeded corpus; the run refuses a database that does not match. */
export async function seededSize(pool: pg.Pool): Promise<{ files: number; sessions: number }> {
  const { rows } = await pool.query<{ files: string; sessions: string }>(
    `SELECT coalesce(sum(l.file_count), 0) AS files, count(*) AS sessions
     FROM share_lists l JOIN peer_sessions s ON s.id = l.session_id WHERE s.node_id = $1`,
    [SEEDED_NODE_ID],
  );
  return { files: Number(rows[0]!.files), sessions: Number(rows[0]!.sessions) };
}

/**
 * Removes the accounts earlier runs registered, with their lists' files and words (shared_files
 * has no foreign key, so deleting the users alone would leave rows behind in the index).
 */
export async function removeBenchUsers(pool: pg.Pool): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const lists = `SELECT l.id FROM share_lists l JOIN users u ON u.id = l.user_id WHERE starts_with(u.username_key, $1)`;
    await client.query(`DELETE FROM file_words WHERE file_id IN (SELECT f.id FROM shared_files f WHERE f.list_id IN (${lists}))`, [BENCH_USERNAME_PREFIX]);
    await client.query(`DELETE FROM shared_files WHERE list_id IN (${lists})`, [BENCH_USERNAME_PREFIX]);
    const users = await client.query(`DELETE FROM users WHERE starts_with(username_key, $1)`, [BENCH_USERNAME_PREFIX]);
    await client.query('COMMIT');
    return users.rowCount ?? 0;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}
