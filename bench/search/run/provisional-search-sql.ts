import { parseExtensions, parseQuery, type SearchQuery } from '#contracts';
import { type SearchSql } from './search-sql.js';

/**
 * PROVISIONAL: NOT THE SERVER'S SQL. A straightforward search over the schema, written only so
 * that the raw-SQL baseline and the harness can run before the server's search lands. Figures
 * measured with it say how this query performs, nothing about the server's engine. Replace it
 * with the server's builder (see search-sql.ts).
 *
 * Every include word must match a file word whole or as a prefix (a key range of file_words,
 * whose "C" collation makes a prefix one range); excluded words are checked against the file's
 * own words; results group by content, exact-word matches first, then by number of sources.
 */
/**
 * Sessions are touched every few seconds, so the planner's statistics on last_seen_at always lag
 * behind: "last_seen_at > now() - 30 s" looks like it matches almost no row and the planner starts
 * from peer_sessions. "IS TRUE" hides the column from the estimate (default selectivity).
 */
const LIVE = `(s.last_seen_at > now() - interval '30 seconds') IS TRUE`;

export function provisionalSearchSql(query: SearchQuery): SearchSql {
  const parsed = parseQuery(query.q);
  if (!parsed.ok) throw new Error(parsed.message);
  const values: unknown[] = [];
  const param = (value: unknown) => `$${values.push(value)}`;
  const conditions: string[] = [];
  for (const word of parsed.query.include) {
    conditions.push(`f.id IN (SELECT file_id FROM file_words WHERE word >= ${param(word)} AND word < ${param(prefixEnd(word))})`);
  }
  for (const word of parsed.query.exclude) {
    conditions.push(`NOT EXISTS (SELECT 1 FROM unnest(f.words) AS w WHERE w >= ${param(word)} AND w < ${param(prefixEnd(word))})`);
  }
  const extensions = parseExtensions(query.ext);
  if (extensions.length > 0) conditions.push(`f.ext = ANY (${param(extensions)}::text[])`);
  if (query.type) conditions.push(`f.type = ${param(query.type)}::"FileType"`);
  if (query.minSize !== undefined) conditions.push(`f.size >= ${param(query.minSize)}`);
  if (query.maxSize !== undefined) conditions.push(`f.size <= ${param(query.maxSize)}`);
  const include = param(parsed.query.include);
  const after = query.cursor ? decodeCursor(query.cursor) : undefined;
  const cursorCondition = after
    ? `WHERE (NOT g.exact, -g.source_count, g.sha256) > (${param(!after.exact)}::boolean, ${param(-after.sourceCount)}::bigint, ${param(after.sha256)})`
    : '';
  const text = `
    WITH matched AS (
      SELECT f.sha256, f.name, f.size, f.ext, f.type, f.piece_root, f.words, s.id AS session_id
      FROM shared_files f
      JOIN share_lists l ON l.id = f.list_id AND l.generation = f.generation
      JOIN peer_sessions s ON s.id = l.session_id
      WHERE ${LIVE} AND ${conditions.join(' AND ')}
    ), grouped AS (
      SELECT sha256, min(name) AS name, max(size) AS size, min(ext) AS ext, min(type::text) AS type, max(piece_root) AS piece_root,
             count(DISTINCT session_id) AS source_count, bool_or(words @> ${include}::text[]) AS exact
      FROM matched GROUP BY sha256
    )
    SELECT g.*, (
      SELECT json_agg(json_build_object('sessionId', src.id, 'username', src.username, 'firewalled', src.firewalled))
      FROM (
        SELECT s.id, u.username, s.firewalled
        FROM shared_files f
        JOIN share_lists l ON l.id = f.list_id AND l.generation = f.generation
        JOIN peer_sessions s ON s.id = l.session_id
        JOIN users u ON u.id = s.user_id
        WHERE f.sha256 = g.sha256 AND ${LIVE}
        GROUP BY s.id, u.username, s.firewalled
        LIMIT 10
      ) src
    ) AS sources
    FROM grouped g ${cursorCondition}
    ORDER BY NOT g.exact, g.source_count DESC, g.sha256
    LIMIT ${param(query.limit + 1)}`;
  return { text, values };
}

/** The cursor this provisional query understands: the sort key of the last row of a page. */
export function provisionalNextCursor(rows: Array<Record<string, unknown>>, query: SearchQuery): string | null {
  if (rows.length <= query.limit) return null;
  const last = rows[query.limit - 1]!;
  return Buffer.from(JSON.stringify({ exact: last.exact, sourceCount: Number(last.source_count), sha256: last.sha256 })).toString('base64url');
}

function decodeCursor(cursor: string): { exact: boolean; sourceCount: number; sha256: string } {
  return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
}

/** The smallest string above every string starting with `prefix`, in byte ("C") order. */
export function prefixEnd(prefix: string): string {
  const codePoints = [...prefix];
  const last = codePoints.pop()!.codePointAt(0)!;
  const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
  return codePoints.join('') + String.fromCodePoint(next);
}
