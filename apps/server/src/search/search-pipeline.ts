import { MAX_LISTED_SOURCES, parseExtensions, type ParsedQuery, parseQuery, type SearchQuery, type SearchResponse, type SourceView } from '#contracts';
import { InvalidInputError } from '../common/errors.js';
import { type Candidate, decodeCursor, encodeCursor, pageOf, rankCandidates, searchFingerprint } from './ranking.js';
import type { RankingCache } from './ranking-cache.js';
import type { CandidateQuery } from './search.repository.js';

/** Where a search reads from: the repository (Prisma) in the server, plain pg in the benchmark. */
export interface SearchStore {
  candidates(query: CandidateQuery): Promise<Candidate[]>;
  sources(hashes: string[], perHash: number): Promise<Map<string, { count: number; sources: SourceView[] }>>;
  /** changes whenever a file may have become visible: a cached ranking from another generation is recomputed */
  generation?(): readonly unknown[];
}

/** Parses a query's words; a 400 that says what is wrong otherwise. */
export function parseSearchWords(q: string): ParsedQuery {
  const parsed = parseQuery(q);
  if (!parsed.ok) throw new InvalidInputError([], parsed.message);
  return parsed.query;
}

/**
 * One search, from validated query to response: candidates from the index, ranked and paged,
 * then the true source count and sources of the page's hashes only.
 */
export async function runSearch(
  store: SearchStore,
  query: SearchQuery,
  words: ParsedQuery,
  options: { candidates: number; blockedHashes?: boolean; cache?: RankingCache },
): Promise<SearchResponse> {
  const filters = { exts: parseExtensions(query.ext), type: query.type, minSize: query.minSize, maxSize: query.maxSize };
  const fingerprint = searchFingerprint({ ...words, ...filters });
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, fingerprint);
  if (after === 'invalid') throw new InvalidInputError([{ field: 'cursor', message: 'is not a cursor this server issued' }]);
  if (after === 'other-query') throw new InvalidInputError([{ field: 'cursor', message: 'belongs to a different search' }]);

  const limit = Math.max(options.candidates, query.limit);
  const rank = async () => rankCandidates(await store.candidates({ ...words, ...filters, limit, blockedHashes: options.blockedHashes }));
  const ranked = options.cache ? await options.cache.get(`${fingerprint}:${limit}`, rank, store.generation?.() ?? []) : await rank();
  const { page, more } = pageOf(ranked, after, query.limit);
  const sources = await store.sources(page.map((group) => group.sha256), MAX_LISTED_SOURCES);
  const results = page.flatMap((group) => {
    const online = sources.get(group.sha256);
    if (!online) return []; // its last source left between the two queries
    return [
      {
        sha256: group.sha256,
        name: group.name,
        size: group.size,
        ext: group.ext,
        type: group.type,
        pieceRoot: group.pieceRoot,
        sourceCount: online.count,
        sources: online.sources,
        match: group.exact ? ('word' as const) : ('prefix' as const),
      },
    ];
  });
  return { results, nextCursor: more && page.length > 0 ? encodeCursor(page.at(-1)!, fingerprint) : null };
}
