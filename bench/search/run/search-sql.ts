import { type SearchQuery } from '#contracts';
import { provisionalNextCursor, provisionalSearchSql } from './provisional-search-sql.js';

/** The SQL one search runs: what the raw-SQL baseline sends through `pg`. */
export interface SearchSql {
  text: string;
  values: unknown[];
}
export type SearchSqlBuilder = (query: SearchQuery) => SearchSql;

export interface SearchSqlSource {
  /** says in every report which SQL the baseline ran */
  label: string;
  provisional: boolean;
  build: SearchSqlBuilder;
  /** only needed when no server issues cursors (--raw-only) */
  nextCursor?: (rows: Array<Record<string, unknown>>, query: SearchQuery) => string | null;
}

// TODO(search-engine): plug in the server's own builder once the search module exports it, e.g.
//   import { buildSearchSql } from '../../../apps/server/src/search/search.sql.js';
//   export const SEARCH_SQL: SearchSqlSource = { label: 'server (buildSearchSql)', provisional: false, build: buildSearchSql };
// and keep the provisional one only for --raw-only runs without a server. Until then the
// baseline runs a stand-in query and every report says so.
export const SEARCH_SQL: SearchSqlSource = {
  label: 'PROVISIONAL stand-in (bench/search/run/provisional-search-sql.ts), not the server\'s SQL',
  provisional: true,
  build: provisionalSearchSql,
  nextCursor: provisionalNextCursor,
};
