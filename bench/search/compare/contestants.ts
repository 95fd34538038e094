import { parseExtensions, parseQuery, type SearchQueryInput, SearchQuerySchema, type SearchResponse } from '#contracts';
import type pg from 'pg';
import { type ConnectedPeer, request } from '../run/clients.js';
import { type ApiKeyAuth, apiKeyHeaders, searchUrl } from '../run/transports.js';
import { type TopPage } from './stats.js';

/** What every contestant answers: enough to time it, page it and compare its top results. */
export interface Answer {
  count: number;
  nextCursor: string | null;
  top: TopPage;
}

export interface Contestant {
  name: string;
  search(input: SearchQueryInput): Promise<Answer>;
}

interface ResultLike {
  sha256: string;
  sourceCount: number;
}

function answer(results: ResultLike[], nextCursor: string | null): Answer {
  return { count: results.length, nextCursor, top: { hashes: results.map((r) => r.sha256), sourceCounts: new Map(results.map((r) => [r.sha256, r.sourceCount])) } };
}

/** `search` with an acknowledgement over Socket.IO, spread over the connected peers. */
export function socketContestant(name: string, peers: ConnectedPeer[]): Contestant {
  let turn = 0;
  return {
    name,
    async search(input) {
      const response: SearchResponse = await request(peers[turn++ % peers.length]!.socket, 'search', input);
      return answer(response.results, response.nextCursor);
    },
  };
}

/** GET with keep-alive (fetch's pool): the server's REST search, or the reference index. */
export function httpContestant(name: string, url: (input: SearchQueryInput) => string, headers: Record<string, string> = {}): Contestant {
  return {
    name,
    async search(input) {
      const response = await fetch(url(input), { headers });
      const text = await response.text();
      if (!response.ok) throw new Error(`HTTP ${response.status} ${text.slice(0, 200)}`);
      const body = JSON.parse(text) as { results: ResultLike[]; nextCursor: string | null };
      return answer(body.results, body.nextCursor);
    },
  };
}

export function restContestant(name: string, baseUrl: string, auth: ApiKeyAuth): Contestant {
  return httpContestant(name, (input) => searchUrl(baseUrl, input), apiKeyHeaders(auth));
}

export function referenceContestant(name: string, baseUrl: string): Contestant {
  return httpContestant(name, (input) => searchUrl(baseUrl, input).replace('/api/v1/search', '/search'));
}

/**
 * PostgreSQL full-text search as one would write it without Peerdex: a tsvector of the name's
 * words ('simple' configuration: no stemming, no stop words) under a GIN index, every query word
 * as a prefix (`radio:* & creep:*`), exclusions as `!live:*`; whole-word matches (the same query
 * without `:*`) first, then sources, then hash, grouped by content in SQL. Sources are the online
 * sessions with a matching file of the content (counting every file of the hash would add a
 * lookup per content, which plain full-text search does not do). Offsets as cursors.
 */
export function ftsContestant(name: string, pool: pg.Pool): Contestant {
  return {
    name,
    async search(input) {
      const query = SearchQuerySchema.parse(input);
      const parsed = parseQuery(query.q);
      if (!parsed.ok) throw new Error(parsed.message);
      const sql = ftsQuery(query, parsed.query);
      const { rows } = await pool.query<{ sha256: string; source_count: number }>(sql.text, sql.values);
      const more = rows.length > query.limit;
      const offset = query.cursor ? Number(query.cursor) : 0;
      return answer(
        rows.slice(0, query.limit).map((row) => ({ sha256: row.sha256, sourceCount: row.source_count })),
        more ? String(offset + query.limit) : null,
      );
    },
  };
}

export function ftsQuery(query: ReturnType<typeof SearchQuerySchema.parse>, words: { include: string[]; exclude: string[] }): { text: string; values: unknown[] } {
  const not = words.exclude.map((word) => ` & !${word}:*`).join('');
  const values: unknown[] = [words.include.map((word) => `${word}:*`).join(' & ') + not, words.include.join(' & ') + not];
  const filters: string[] = [];
  const extensions = parseExtensions(query.ext);
  if (extensions.length > 0) filters.push(`f.ext = ANY($${values.push(extensions)})`);
  if (query.type) filters.push(`f.type = $${values.push(query.type)}::"FileType"`);
  if (query.minSize !== undefined) filters.push(`f.size >= $${values.push(query.minSize)}`);
  if (query.maxSize !== undefined) filters.push(`f.size <= $${values.push(query.maxSize)}`);
  const limit = values.push(query.limit + 1);
  const offset = values.push(query.cursor ? Number(query.cursor) : 0);
  return {
    text: `SELECT f.sha256, bool_or(t.tsv @@ to_tsquery('simple', $2)) AS whole, least(count(DISTINCT s.id), 25)::int AS source_count
      FROM ${FTS_TABLE} t
      JOIN shared_files f ON f.id = t.id
      JOIN share_lists l ON l.id = f.list_id AND l.generation = f.generation
      JOIN peer_sessions s ON s.id = l.session_id AND s.last_seen_at > now() - interval '30 seconds'
      WHERE t.tsv @@ to_tsquery('simple', $1)${filters.map((filter) => ` AND ${filter}`).join('')}
      GROUP BY f.sha256
      ORDER BY whole DESC, source_count DESC, f.sha256
      LIMIT $${limit} OFFSET $${offset}`,
    values,
  };
}

export const FTS_TABLE = 'bench_fts';

/**
 * The full-text table beside the directory: (id of shared_files, tsvector of its words) with a
 * GIN index. Built once per seeded corpus (about a minute at 1M files); rebuilt when the seeded
 * files changed. Returns whether it was (re)built.
 */
export async function prepareFts(pool: pg.Pool, seededFiles: number): Promise<boolean> {
  const { rows } = await pool.query<{ rows: string | null }>(`SELECT CASE WHEN to_regclass($1) IS NULL THEN NULL ELSE (SELECT count(*) FROM ${FTS_TABLE}) END AS rows`, [FTS_TABLE]).catch(async () => ({ rows: [{ rows: null }] }));
  if (rows[0]!.rows !== null && Number(rows[0]!.rows) === seededFiles) return false;
  await pool.query(`DROP TABLE IF EXISTS ${FTS_TABLE}`);
  await pool.query(`CREATE TABLE ${FTS_TABLE} AS SELECT f.id, to_tsvector('simple', array_to_string(f.words, ' ')) AS tsv
    FROM shared_files f JOIN share_lists l ON l.id = f.list_id JOIN peer_sessions s ON s.id = l.session_id WHERE s.node_id = 'bench'`);
  await pool.query(`ALTER TABLE ${FTS_TABLE} ADD PRIMARY KEY (id)`);
  await pool.query(`CREATE INDEX ${FTS_TABLE}_tsv ON ${FTS_TABLE} USING gin (tsv)`);
  await pool.query(`VACUUM (ANALYZE) ${FTS_TABLE}`);
  return true;
}
