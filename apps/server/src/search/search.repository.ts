import { Injectable } from '@nestjs/common';
import { BLAMES_TO_DELIST, type FileType, type SourceView } from '#contracts';
import { PrismaService } from '../database/prisma.service.js';
import type { SqlRunner } from '../database/sql-pool.service.js';
import { Prisma } from '../generated/prisma/client.js';
import type { Candidate } from './ranking.js';

export interface CandidateQuery {
  include: string[];
  exclude: string[];
  exts: string[];
  type?: FileType;
  minSize?: number;
  maxSize?: number;
  /** rows to examine at most */
  limit: number;
  /** whether any content hash is blocklisted (when none, the per-row check is skipped) */
  blockedHashes?: boolean;
}

interface CandidateRow {
  id: bigint | string | null;
  sha256: string;
  name: string;
  size: bigint | string;
  ext: string;
  type: FileType;
  piece_root: string | null;
  session_id: string;
  exact: boolean;
}

/** What search still asks PostgreSQL directly: whether a user exists (browsing an offline one). */
@Injectable()
export class SearchRepository {
  constructor(private readonly prisma: PrismaService) {}

  async username(usernameKey: string): Promise<string | undefined> {
    const user = await this.prisma.user.findUnique({ where: { usernameKey }, select: { username: true } });
    return user?.username;
  }
}

/*
 * The SQL search that served before the in-memory index (docs/architecture.md, "Search"), kept
 * as the benchmark's reference for "today's pipeline" (bench/search): it walks file_words, which
 * the server no longer writes; the benchmark seeds it.
 */

export type { SqlRunner };

/**
 * Matching rows, whole-word matches first. The driver word's postings are read in key order, in
 * chunks, each chunk joined and filtered on its own: the plan is the same whatever the planner's
 * statistics say, and the work stops after `limit` matches or `maxPostings` postings.
 */
export async function findCandidates(run: SqlRunner, query: CandidateQuery, maxPostings: number, onlineSince: Date): Promise<Candidate[]> {
  const driver = query.include.length === 1 ? query.include[0]! : await rarestWord(run, query.include);
  const found: Candidate[] = [];
  const budget = { postings: maxPostings };
  const want = () => query.limit - found.length;
  const take = (candidate: Candidate) => (found.push(candidate), want());
  // Whole-word matches first, then files with the driver word matching the rest only as
  // prefixes, then files with longer words starting with the driver: each walk only if needed.
  for (const kind of ['exact', 'word', 'longer'] as const) {
    if (want() <= 0 || budget.postings <= 0) break;
    await collect(run, query, { kind, word: driver }, budget, onlineSince, take);
  }
  return found;
}

/**
 * The word with the fewest postings (counting each up to a cap, from the index alone): walking
 * the rarest word's postings finds the matches of "radiohead the" without reading all of "the".
 */
async function rarestWord(run: SqlRunner, words: string[]): Promise<string> {
  const rows = await run<{ word: string; postings: number }>(Prisma.sql`
    SELECT w.word, (
      SELECT count(*)::int FROM (
        SELECT 1 FROM file_words WHERE word >= w.word AND word < w.word || ${'\u{10FFFF}'} LIMIT ${RARITY_CAP}
      ) AS capped
    ) AS postings
    FROM unnest(${words}::text[]) AS w(word)`);
  // Among words that all reach the cap, the longest is the likeliest to be rare.
  return rows.reduce((rarest, row) =>
    row.postings < rarest.postings || (row.postings === rarest.postings && row.word.length > rarest.word.length) ? row : rarest,
  ).word;
}

/**
 * Walks the driver's postings in key order, chunk by chunk; `take` keeps a match and says how
 * many more are wanted (0: done).
 */
async function collect(
  run: SqlRunner,
  query: CandidateQuery,
  driver: Driver,
  budget: { postings: number },
  onlineSince: Date,
  take: (candidate: Candidate) => number,
): Promise<void> {
  let after: Posting | undefined;
  let wanted = query.limit;
  const seen = new Set<bigint>(); // a file with several longer words in the range comes once per word
  // Most postings of one word match an unfiltered search: ask for about what is still missing.
  // An intersection of whole words is mostly misses, checked cheaply in the index: read more.
  const intersecting = driver.kind === 'exact' && query.include.length > 1;
  while (budget.postings > 0) {
    const chunkSize = Math.min(POSTINGS_CHUNK, budget.postings, intersecting ? POSTINGS_CHUNK : Math.max(64, wanted * 2));
    const rows = await run<CandidateRow & { posting_word: string | null; posting_id: bigint | string | null; postings: number | null }>(
      candidatesSql(query, driver, after, chunkSize, onlineSince),
    );
    const last = rows.find((row) => row.postings !== null);
    // Postings are read newest file first; files come back in that order (exactly, for one word).
    // pg returns bigint columns as strings, Prisma as bigints: compare them as BigInt.
    const matches = rows
      .filter((row) => row.id !== null)
      .map((row) => ({ row, id: BigInt(row.id!) }))
      .sort((a, b) => (a.id > b.id ? -1 : 1));
    for (const { row, id } of matches) {
      if (seen.has(id)) continue;
      seen.add(id);
      wanted = take(toCandidate(row));
      if (wanted <= 0) return;
    }
    if (!last) return;
    budget.postings -= last.postings!;
    if (last.postings! < chunkSize) return;
    after = { word: last.posting_word!, fileId: BigInt(last.posting_id!) };
  }
}

/**
 * Online sources of each hash: how many (up to MAX_COUNTED_SOURCES), and `perHash` of them,
 * reachable ones first. The usernames are joined for the few listed sources only.
 */
export async function findSources(run: SqlRunner, hashes: string[], perHash: number, onlineSince: Date): Promise<Map<string, { count: number; sources: SourceView[] }>> {
  const result = new Map<string, { count: number; sources: SourceView[] }>();
  if (hashes.length === 0) return result;
  // Driven from the hash list (LATERAL), so each hash is an index lookup whatever the statistics.
  const rows = await run<{ sha256: string; source_count: number; session_id: string; username: string; firewalled: boolean }>(Prisma.sql`
    SELECT h.sha256, src.source_count, src.session_id, u.username, src.firewalled
    FROM unnest(${hashes}::text[]) AS h(sha256)
    CROSS JOIN LATERAL (
      SELECT sessions.*, count(*) OVER ()::int AS source_count
      FROM (
        SELECT DISTINCT ON (s.id) s.id AS session_id, s.firewalled, s.connected_at, s.user_id
        FROM shared_files f
        JOIN share_lists l ON l.id = f.list_id AND l.generation = f.generation
        JOIN peer_sessions s ON s.id = l.session_id
        WHERE f.sha256 = h.sha256 AND s.last_seen_at > ${onlineSince}
          -- blame delisting (docs/protocol.md): not blamed for this hash by BLAMES_TO_DELIST downloaders
          AND (SELECT count(*) FROM source_blames b WHERE b.session_id = s.id AND b.sha256 = h.sha256) < ${BLAMES_TO_DELIST}
        ORDER BY s.id
        LIMIT ${MAX_COUNTED_SOURCES}
      ) AS sessions
      ORDER BY sessions.firewalled, sessions.connected_at, sessions.session_id
      LIMIT ${perHash}
    ) AS src
    JOIN users u ON u.id = src.user_id`);
  for (const row of rows) {
    const entry = result.get(row.sha256) ?? { count: row.source_count, sources: [] };
    entry.sources.push({ sessionId: row.session_id, username: row.username, firewalled: row.firewalled });
    result.set(row.sha256, entry);
  }
  return result;
}

const POSTINGS_CHUNK = 2_000;
/**
 * A hash's online sources are counted up to here (a count of 25 means "25 or more"): counting
 * every source of content shared by thousands would make popular results the slowest to show.
 */
export const MAX_COUNTED_SOURCES = 25;
const RARITY_CAP = 2_000;

/**
 * "exact": the driver word's postings whose files have every other word whole (checked in the
 * word index itself, before any file row is read). "word": the driver word's postings, the other
 * words matching only as prefixes. "longer": postings of longer words that start with the driver.
 */
type Driver = { kind: 'exact' | 'word' | 'longer'; word: string };
type Posting = { word: string; fileId: bigint };

function toCandidate(row: CandidateRow): Candidate {
  return {
    sha256: row.sha256,
    name: row.name,
    size: Number(row.size),
    ext: row.ext,
    type: row.type,
    pieceRoot: row.piece_root,
    sessionId: row.session_id,
    exact: row.exact,
  };
}

/**
 * One chunk: the driver's next postings, newest files first (so a list just published is found
 * even under a very common word), in a MATERIALIZED CTE so its LIMIT bounds the index scan itself.
 * Then their files, looked up by primary key (`id = ANY(...)` keeps that plan even when statistics
 * are stale after a bulk load) and filtered in the row. The last row carries the chunk's last
 * posting and its size, so the next chunk starts after it.
 */
export function candidatesSql(query: CandidateQuery, driver: Driver, after: Posting | undefined, chunk: number, onlineSince: Date): Prisma.Sql {
  const others = query.include.filter((word) => word !== driver.word);
  const range =
    driver.kind === 'longer'
      ? Prisma.sql`word > ${driver.word} AND word < ${driver.word + '\u{10FFFF}'}`
      : Prisma.sql`word = ${driver.word}`;
  const start = after ? Prisma.sql`AND (word, file_id) < (${after.word}, ${after.fileId}::bigint)` : Prisma.empty;
  const probes =
    driver.kind === 'exact'
      ? others.map((word) => Prisma.sql`AND EXISTS (SELECT 1 FROM file_words o WHERE o.word = ${word} AND o.file_id = r.file_id)`)
      : [];
  const rowConditions =
    driver.kind === 'exact'
      ? []
      : [
          Prisma.sql`AND NOT (f.words @> ${query.include}::text[])`,
          ...(driver.kind === 'longer' ? [Prisma.sql`AND NOT (f.words @> ARRAY[${driver.word}]::text[])`] : []),
          ...others.map((word) => Prisma.sql`AND EXISTS (SELECT 1 FROM unnest(f.words) w WHERE starts_with(w, ${word}))`),
        ];
  const join = (parts: Prisma.Sql[]) => (parts.length > 0 ? Prisma.join(parts, ' ') : Prisma.empty);
  return Prisma.sql`
    WITH walked AS MATERIALIZED (
      SELECT word, file_id FROM file_words WHERE ${range} ${start} ORDER BY word DESC, file_id DESC LIMIT ${chunk}
    )
    SELECT NULL AS posting_word, NULL::bigint AS posting_id, f.id, f.sha256, f.name, f.size, f.ext, f.type::text AS type,
           f.piece_root, s.id AS session_id, ${Prisma.raw(driver.kind === 'exact' ? 'true' : 'false')} AS exact, NULL::int AS postings
    FROM shared_files f
    JOIN share_lists l ON l.id = f.list_id AND l.generation = f.generation
    JOIN peer_sessions s ON s.id = l.session_id
    WHERE f.id = ANY (ARRAY(SELECT r.file_id FROM walked r WHERE true ${join(probes)}))
      AND s.last_seen_at > ${onlineSince} ${join(rowConditions)} ${fileFilters(query)}
    UNION ALL
    (SELECT word, file_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, (SELECT count(*)::int FROM walked)
     FROM walked ORDER BY word, file_id LIMIT 1)`;
}

function fileFilters(query: CandidateQuery): Prisma.Sql {
  // Blocked files are purged and refused at publish; this catches one published in the moment
  // between a blocklist change and a node seeing it.
  const conditions: Prisma.Sql[] =
    query.blockedHashes === false ? [] : [Prisma.sql`AND NOT EXISTS (SELECT 1 FROM blocklist b WHERE b.sha256 = f.sha256)`];
  if (query.exclude.length > 0) {
    conditions.push(
      Prisma.sql`AND NOT EXISTS (SELECT 1 FROM unnest(f.words) w, unnest(${query.exclude}::text[]) x WHERE starts_with(w, x))`,
    );
  }
  if (query.exts.length > 0) conditions.push(Prisma.sql`AND f.ext = ANY(${query.exts}::text[])`);
  if (query.type) conditions.push(Prisma.sql`AND f.type = ${query.type}::"FileType"`);
  if (query.minSize !== undefined) conditions.push(Prisma.sql`AND f.size >= ${query.minSize}::bigint`);
  if (query.maxSize !== undefined) conditions.push(Prisma.sql`AND f.size <= ${query.maxSize}::bigint`);
  return conditions.length > 0 ? Prisma.join(conditions, ' ') : Prisma.empty;
}
