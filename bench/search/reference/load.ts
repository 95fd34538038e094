import type pg from 'pg';
import { type ReferenceIndex, ReferenceIndexBuilder } from './reference-index.js';

/** The protocol's lease: a session seen within it is online. */
export const ONLINE_LEASE_SECONDS = 30;
const BATCH = 50_000;

/**
 * Reads every visible file (the live generation of a list whose session is online now) from the
 * directory tables, in id order, a batch at a time, and builds the reference index from them.
 */
export async function loadReferenceIndex(pool: pg.Pool, onProgress: (files: number) => void = () => undefined): Promise<ReferenceIndex> {
  const builder = new ReferenceIndexBuilder();
  let after = '0';
  for (;;) {
    const { rows } = await pool.query<{ id: string; sha256: string; name: string; size: string; session: string; firewalled: boolean }>(
      `SELECT f.id, f.sha256, f.name, f.size, s.id AS session, s.firewalled
       FROM shared_files f
       JOIN share_lists l ON l.id = f.list_id AND l.generation = f.generation
       JOIN peer_sessions s ON s.id = l.session_id AND s.last_seen_at > now() - make_interval(secs => $3)
       WHERE f.id > $1 ORDER BY f.id LIMIT $2`,
      [after, BATCH, ONLINE_LEASE_SECONDS],
    );
    for (const row of rows) builder.add({ sha256: row.sha256, name: row.name, size: Number(row.size), session: row.session, firewalled: row.firewalled });
    onProgress(builder.size);
    if (rows.length < BATCH) break;
    after = rows[rows.length - 1]!.id;
  }
  return builder.build();
}
