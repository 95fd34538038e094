import { type SearchQueryInput, SearchQuerySchema, type SearchResponse } from '#contracts';
import type pg from 'pg';
import { type ConnectedPeer, request } from './clients.js';
import { type Execute } from './measure.js';
import { type SearchSqlSource } from './search-sql.js';

/** `search` over Socket.IO with acknowledgements, spread over the connected peers. */
export function socketTransport(peers: ConnectedPeer[]): Execute {
  let turn = 0;
  return async (query) => {
    const peer = peers[turn++ % peers.length]!;
    const response: SearchResponse = await request(peer.socket, 'search', query.input);
    return response.results.length;
  };
}

export interface ApiKeyAuth {
  /** "authorization" sends "Bearer <key>"; any other header name carries the bare key */
  header: string;
  key: string;
}

export function searchUrl(baseUrl: string, input: SearchQueryInput): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(input)) if (value !== undefined) params.set(name, String(value));
  return `${baseUrl}/api/v1/search?${params.toString()}`;
}

export function apiKeyHeaders(auth: ApiKeyAuth): Record<string, string> {
  return { [auth.header]: auth.header.toLowerCase() === 'authorization' ? `Bearer ${auth.key}` : auth.key };
}

/** `GET /api/v1/search` with an API key, over keep-alive connections (fetch's pool). */
export function restTransport(baseUrl: string, auth: ApiKeyAuth): Execute {
  const headers = apiKeyHeaders(auth);
  return async (query) => {
    const response = await fetch(searchUrl(baseUrl, query.input), { headers });
    const text = await response.text();
    if (!response.ok) throw new Error(`HTTP ${response.status} ${text.slice(0, 200)}`);
    return (JSON.parse(text) as SearchResponse).results.length;
  };
}

/** The same query as the server's SQL through `pg` in this process: no server, ORM or transport around it. */
export function rawSqlTransport(pool: pg.Pool, source: SearchSqlSource): Execute {
  return async (query) => (await source.search(pool, SearchQuerySchema.parse(query.input))).results.length;
}
