import type { SearchQuery, SearchResponse } from '#contracts';
import type pg from 'pg';
import { parseSearchWords, runSearch, type SearchStore } from '../../../apps/server/src/search/search-pipeline.js';
import { findCandidates, findSources, type SqlRunner } from '../../../apps/server/src/search/search.repository.js';

/** The server's defaults (SEARCH_CANDIDATES, SEARCH_MAX_POSTINGS, PRESENCE_LEASE). */
const CANDIDATES = 200;
const MAX_POSTINGS = 20_000;
const LEASE_MS = 30_000;

/**
 * The raw-SQL baseline: the very statements the server's search runs (apps/server/src/search),
 * sent through `pg` in this process. Compared with it, the socket and REST figures show what the
 * server, Prisma and the transport add.
 */
export interface SearchSqlSource {
  label: string;
  search(pool: pg.Pool, query: SearchQuery): Promise<SearchResponse>;
}

export function pgStore(pool: pg.Pool, maxPostings = MAX_POSTINGS): SearchStore {
  const run: SqlRunner = async <T>(sql: { text: string; values: unknown[] }) => (await pool.query(sql.text, sql.values)).rows as T[];
  const onlineSince = () => new Date(Date.now() - LEASE_MS);
  return {
    candidates: (query) => findCandidates(run, query, maxPostings, onlineSince()),
    sources: (hashes, perHash) => findSources(run, hashes, perHash, onlineSince()),
  };
}

export const SEARCH_SQL: SearchSqlSource = {
  label: "the server's own search statements (apps/server/src/search), through pg",
  search: (pool, query) => runSearch(pgStore(pool), query, parseSearchWords(query.q), { candidates: CANDIDATES, blockedHashes: false }),
};
