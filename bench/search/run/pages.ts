import { type SearchQueryInput, SearchQuerySchema, type SearchResponse } from '#contracts';
import type pg from 'pg';
import { type BenchQuery } from '../queries.js';
import { type SearchSqlSource } from './search-sql.js';
import { type ApiKeyAuth, apiKeyHeaders, searchUrl } from './transports.js';

/** Fetches a query's first page and returns its nextCursor (null: a single page). */
export type FirstPage = (input: SearchQueryInput) => Promise<string | null>;

/**
 * Turns every secondPage query of the mix into a real second page: its first page is fetched
 * once, before measuring, and its nextCursor kept; all transports then send the same page-two
 * query. A server's cursors are opaque, so with a server they come from it.
 */
export async function resolveSecondPages(queries: BenchQuery[], firstPage: FirstPage): Promise<{ withCursor: number; withoutCursor: number }> {
  const cursors = new Map<string, string | null>();
  let withCursor = 0;
  let withoutCursor = 0;
  for (const query of queries) {
    if (query.kind !== 'secondPage') continue;
    const key = JSON.stringify(query.input);
    if (!cursors.has(key)) cursors.set(key, await firstPage(query.input));
    const cursor = cursors.get(key)!;
    if (cursor) {
      query.input = { ...query.input, cursor };
      withCursor++;
    } else withoutCursor++;
  }
  return { withCursor, withoutCursor };
}

export function restFirstPage(baseUrl: string, auth: ApiKeyAuth): FirstPage {
  return async (input) => {
    const response = await fetch(searchUrl(baseUrl, input), { headers: apiKeyHeaders(auth) });
    if (!response.ok) throw new Error(`first page of ${JSON.stringify(input)}: HTTP ${response.status} ${(await response.text()).slice(0, 200)}`);
    return ((await response.json()) as SearchResponse).nextCursor;
  };
}

/** Without a server: the cursors of the raw baseline, which runs the server's own pipeline. */
export function rawFirstPage(pool: pg.Pool, source: SearchSqlSource): FirstPage {
  return async (input) => (await source.search(pool, SearchQuerySchema.parse(input))).nextCursor;
}
