import { Injectable } from '@nestjs/common';
import type { FileType, SourceView } from '#contracts';
import { AppConfig } from '../config/app-config.js';
import { PrismaService } from '../database/prisma.service.js';
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
}

interface CandidateRow {
  id: bigint | null;
  sha256: string;
  name: string;
  size: bigint;
  ext: string;
  type: FileType;
  piece_root: string | null;
  session_id: string;
  exact: boolean;
}

/**
 * The search's SQL. A search walks the word index for ONE word (the driver) in key order and stops
 * after `limit` matching rows, so a very common word costs the same as a rare one; every other
 * condition is checked on the file row itself (its `words` array). Whole-word matches are fetched
 * first (driver = the exact word), prefix matches only if room is left (driver = a key range).
 */
@Injectable()
export class SearchRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
  ) {}

  candidates(query: CandidateQuery): Promise<Candidate[]> {
    return findCandidates(this.run, query, this.config.searchMaxPostings, this.onlineSince());
  }

  sources(hashes: string[], perHash: number): Promise<Map<string, { count: number; sources: SourceView[] }>> {
    return findSources(this.run, hashes, perHash, this.onlineSince());
  }

  private readonly run: SqlRunner = (sql) => this.prisma.$queryRaw(sql);

  /** What the index knows of one hash among online sessions. */
  async describeHash(sha256: string): Promise<{ size: number; pieceRoot: string | null; names: string[] } | undefined> {
    const rows = await this.prisma.$queryRaw<Array<{ size: bigint; piece_root: string | null; name: string }>>`
      SELECT DISTINCT ON (f.name) f.size, f.piece_root, f.name
      FROM shared_files f
      JOIN share_lists l ON l.id = f.list_id AND l.generation = f.generation
      JOIN peer_sessions s ON s.id = l.session_id
      WHERE f.sha256 = ${sha256} AND s.last_seen_at > ${this.onlineSince()}
      ORDER BY f.name
      LIMIT 20`;
    if (rows.length === 0) return undefined;
    return { size: Number(rows[0]!.size), pieceRoot: rows.find((row) => row.piece_root)?.piece_root ?? null, names: rows.map((row) => row.name) };
  }

  /** A page of an online user's shared files, ordered by (list, path). */
  async browse(usernameKey: string, after: { listId: string; path: string } | undefined, limit: number) {
    const afterCondition = after ? Prisma.sql`AND (l.id, f.path) > (${after.listId}::uuid, ${after.path})` : Prisma.empty;
    return this.prisma.$queryRaw<Array<{ list_id: string; session_id: string; path: string; name: string; size: bigint; sha256: string; ext: string; type: FileType }>>`
      SELECT l.id AS list_id, s.id AS session_id, f.path, f.name, f.size, f.sha256, f.ext, f.type
      FROM users u
      JOIN peer_sessions s ON s.user_id = u.id AND s.last_seen_at > ${this.onlineSince()}
      JOIN share_lists l ON l.session_id = s.id
      JOIN shared_files f ON f.list_id = l.id AND f.generation = l.generation
      WHERE u.username_key = ${usernameKey} ${afterCondition}
      ORDER BY l.id, f.path
      LIMIT ${limit}`;
  }

  async isOnline(usernameKey: string): Promise<{ username: string; online: boolean } | undefined> {
    const rows = await this.prisma.$queryRaw<Array<{ username: string; online: boolean }>>`
      SELECT u.username, EXISTS (
        SELECT 1 FROM peer_sessions s WHERE s.user_id = u.id AND s.last_seen_at > ${this.onlineSince()}
      ) AS online
      FROM users u WHERE u.username_key = ${usernameKey}`;
    return rows[0];
  }

  private onlineSince(): Date {
    return new Date(Date.now() - this.config.presenceLeaseMs);
  }

}

/** Runs one statement; the repository runs them through Prisma, the benchmark's baseline through pg. */
export type SqlRunner = <T>(sql: Prisma.Sql) => Promise<T[]>;

/**
 * Matching rows, whole-word matches first. The driver word's postings are read in key order, in
 * chunks, each chunk joined and filtered on its own: the plan is the same whatever the planner's
 * statistics say, and the work stops after `limit` matches or `maxPostings` postings.
 */
export async function findCandidates(run: SqlRunner, query: CandidateQuery, maxPostings: number, onlineSince: Date): Promise<Candidate[]> {
  const driver = query.include.length === 1 ? query.include[0]! : await rarestWord(run, query.include);
  const found: Candidate[] = [];
  const budget = { postings: maxPostings };
  await collect(run, found, query, { kind: 'exact', word: driver }, budget, onlineSince);
  if (found.length < query.limit) await collect(run, found, query, { kind: 'prefix', word: driver }, budget, onlineSince);
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
  return rows.reduce((rarest, row) => (row.postings < rarest.postings ? row : rarest)).word;
}

async function collect(run: SqlRunner, found: Candidate[], query: CandidateQuery, driver: Driver, budget: { postings: number }, onlineSince: Date): Promise<void> {
  let after: Posting | undefined;
  while (found.length < query.limit && budget.postings > 0) {
    const chunkSize = Math.min(POSTINGS_CHUNK, budget.postings);
    const rows = await run<CandidateRow & { posting_word: string | null; posting_id: bigint | null; postings: number | null }>(
      candidatesSql(query, driver, after, chunkSize, onlineSince),
    );
    const last = rows.find((row) => row.postings !== null);
    // Postings are read in key order; files come back in id order, which is the same order for
    // an exact word and close to it for a prefix range.
    const matches = rows.filter((row) => row.id !== null).sort((a, b) => (a.id! < b.id! ? -1 : 1));
    for (const row of matches) {
      if (found.length >= query.limit) break;
      found.push(toCandidate(row));
    }
    if (!last) return;
    budget.postings -= last.postings!;
    if (last.postings! < chunkSize) return;
    after = { word: last.posting_word!, fileId: last.posting_id! };
  }
}

/** Online sources of each hash: how many, and up to `perHash` of them (reachable ones first). */
export async function findSources(run: SqlRunner, hashes: string[], perHash: number, onlineSince: Date): Promise<Map<string, { count: number; sources: SourceView[] }>> {
  const result = new Map<string, { count: number; sources: SourceView[] }>();
  if (hashes.length === 0) return result;
  // Driven from the hash list (LATERAL), so each hash is an index lookup whatever the statistics.
  const rows = await run<{ sha256: string; source_count: number; session_id: string; username: string; firewalled: boolean }>(Prisma.sql`
    SELECT h.sha256, src.source_count, src.session_id, src.username, src.firewalled
    FROM unnest(${hashes}::text[]) AS h(sha256)
    CROSS JOIN LATERAL (
      SELECT sessions.*, count(*) OVER ()::int AS source_count
      FROM (
        SELECT DISTINCT ON (s.id) s.id AS session_id, s.firewalled, s.connected_at, u.username
        FROM shared_files f
        JOIN share_lists l ON l.id = f.list_id AND l.generation = f.generation
        JOIN peer_sessions s ON s.id = l.session_id
        JOIN users u ON u.id = s.user_id
        WHERE f.sha256 = h.sha256 AND s.last_seen_at > ${onlineSince}
        ORDER BY s.id
      ) AS sessions
      ORDER BY sessions.firewalled, sessions.connected_at, sessions.session_id
      LIMIT ${perHash}
    ) AS src`);
  for (const row of rows) {
    const entry = result.get(row.sha256) ?? { count: row.source_count, sources: [] };
    entry.sources.push({ sessionId: row.session_id, username: row.username, firewalled: row.firewalled });
    result.set(row.sha256, entry);
  }
  return result;
}

const POSTINGS_CHUNK = 2_000;
const RARITY_CAP = 5_000;

type Driver = { kind: 'exact' | 'prefix'; word: string };
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
 * One chunk: the driver's next postings (a MATERIALIZED CTE, so its LIMIT applies to the index
 * scan itself), then their files, looked up by primary key (`id = ANY(...)` keeps that plan even
 * when statistics are stale after a bulk load) and filtered in the row. Exact: the driver word
 * itself, every word whole (array containment). Prefix: the driver's key range (which includes the
 * word itself, since another word may be the one matching only as a prefix), minus exact matches,
 * every other word a prefix of some word of the name. The last row carries the chunk's last
 * posting and its size, so the next chunk can start after it.
 */
export function candidatesSql(query: CandidateQuery, driver: Driver, after: Posting | undefined, chunk: number, onlineSince: Date): Prisma.Sql {
  const range =
    driver.kind === 'exact'
      ? Prisma.sql`word = ${driver.word}`
      : Prisma.sql`word >= ${driver.word} AND word < ${driver.word + '\u{10FFFF}'}`;
  const start = after ? Prisma.sql`AND (word, file_id) > (${after.word}, ${after.fileId}::bigint)` : Prisma.empty;
  const others = query.include.filter((word) => word !== driver.word);
  const match =
    driver.kind === 'exact'
      ? Prisma.sql`f.words @> ${query.include}::text[]`
      : Prisma.join(
          [
            Prisma.sql`NOT (f.words @> ${query.include}::text[])`,
            ...others.map((word) => Prisma.sql`EXISTS (SELECT 1 FROM unnest(f.words) w WHERE starts_with(w, ${word}))`),
          ],
          ' AND ',
        );
  return Prisma.sql`
    WITH postings AS MATERIALIZED (
      SELECT word, file_id FROM file_words WHERE ${range} ${start} ORDER BY word, file_id LIMIT ${chunk}
    )
    SELECT NULL AS posting_word, NULL::bigint AS posting_id, f.id, f.sha256, f.name, f.size, f.ext, f.type::text AS type,
           f.piece_root, s.id AS session_id, ${Prisma.raw(driver.kind === 'exact' ? 'true' : 'false')} AS exact, NULL::int AS postings
    FROM shared_files f
    JOIN share_lists l ON l.id = f.list_id AND l.generation = f.generation
    JOIN peer_sessions s ON s.id = l.session_id
    WHERE f.id = ANY (ARRAY(SELECT file_id FROM postings))
      AND s.last_seen_at > ${onlineSince} AND ${match} ${fileFilters(query)}
    UNION ALL
    (SELECT word, file_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, (SELECT count(*)::int FROM postings)
     FROM postings ORDER BY word DESC, file_id DESC LIMIT 1)`;
}

function fileFilters(query: CandidateQuery): Prisma.Sql {
  const conditions: Prisma.Sql[] = [
    Prisma.sql`AND NOT EXISTS (SELECT 1 FROM blocklist b WHERE b.sha256 = f.sha256)`,
  ];
  if (query.exclude.length > 0) {
    conditions.push(
      Prisma.sql`AND NOT EXISTS (SELECT 1 FROM unnest(f.words) w, unnest(${query.exclude}::text[]) x WHERE starts_with(w, x))`,
    );
  }
  if (query.exts.length > 0) conditions.push(Prisma.sql`AND f.ext = ANY(${query.exts}::text[])`);
  if (query.type) conditions.push(Prisma.sql`AND f.type = ${query.type}::"FileType"`);
  if (query.minSize !== undefined) conditions.push(Prisma.sql`AND f.size >= ${query.minSize}::bigint`);
  if (query.maxSize !== undefined) conditions.push(Prisma.sql`AND f.size <= ${query.maxSize}::bigint`);
  return Prisma.join(conditions, ' ');
}
