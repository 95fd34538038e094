import { fileExtension, fileName, fileType, nameWords, parseQuery, SearchQuerySchema, type SearchQueryInput } from '#contracts';
import { describe, expect, it } from '@jest/globals';
import { createCorpus } from '../corpus.js';
import { withNote } from '../../../test/support/with-note.js';
import { ReferenceIndexBuilder, topByKey } from './reference-index.js';

const corpus = createCorpus({ seed: 'reference-spec', files: 3_000, sessions: 30 });
const rows = [...corpus.sessions()].flatMap((session) =>
  session.files.map((file) => ({ sha256: file.sha256, name: fileName(file.path), size: file.size, session: session.sessionId, firewalled: session.firewalled })),
);

/** The protocol's rules applied to every row, one by one: what the index must answer. */
function bruteForce(input: SearchQueryInput): Array<{ sha256: string; match: 'word' | 'prefix'; sourceCount: number }> {
  const query = SearchQuerySchema.parse(input);
  const parsed = parseQuery(query.q);
  if (!parsed.ok) throw new Error(parsed.message);
  const exts = query.ext?.split(',');
  const best = new Map<string, 'word' | 'prefix'>();
  for (const row of rows) {
    const words = nameWords(row.name);
    const ext = fileExtension(row.name);
    if (exts && !exts.includes(ext)) continue;
    if (query.type && fileType(ext) !== query.type) continue;
    if ((query.minSize !== undefined && row.size < query.minSize) || (query.maxSize !== undefined && row.size > query.maxSize)) continue;
    if (!parsed.query.include.every((w) => words.some((x) => x.startsWith(w)))) continue;
    if (parsed.query.exclude.some((w) => words.some((x) => x.startsWith(w)))) continue;
    const match = parsed.query.include.every((w) => words.includes(w)) ? 'word' : 'prefix';
    if (best.get(row.sha256) !== 'word') best.set(row.sha256, match);
  }
  const sources = (sha256: string) => Math.min(25, new Set(rows.filter((row) => row.sha256 === sha256).map((row) => row.session)).size);
  return [...best]
    .map(([sha256, match]) => ({ sha256, match, sourceCount: sources(sha256) }))
    .sort((a, b) => Number(b.match === 'word') - Number(a.match === 'word') || b.sourceCount - a.sourceCount || (a.sha256 < b.sha256 ? -1 : 1));
}

describe('the reference index', () => {
  const builder = new ReferenceIndexBuilder();
  for (const row of rows) builder.add(row);
  const index = builder.build();

  it('answers like the protocol rules applied row by row: words, prefixes, exclusions, filters, grouping, order', () => {
    const queries: SearchQueryInput[] = [
      { q: 'radiohead' },
      { q: 'radio' },
      { q: 'the' },
      { q: 'mp3 -live' },
      { q: 'img', type: 'image', maxSize: 3_000_000 },
      { q: 'live', ext: 'flac,mp3' },
      { q: 'love', minSize: 5_000_000 },
      { q: 'beyonce' },
      { q: 'nosuchwordanywhere' },
    ];
    for (const input of queries) {
      const expected = bruteForce(input).slice(0, 50);
      const got = index.search(SearchQuerySchema.parse(input)).results.map(({ sha256, match, sourceCount }) => ({ sha256, match, sourceCount }));
      withNote(JSON.stringify(input), () => expect(got).toEqual(expected));
    }
    expect(bruteForce({ q: 'the' }).length).toBeGreaterThan(50);
  });

  it('pages through every result once with its cursor', () => {
    const expected = bruteForce({ q: 'mp3' }).map((result) => result.sha256);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = index.search(SearchQuerySchema.parse({ q: 'mp3', limit: 37, ...(cursor ? { cursor } : {}) }));
      seen.push(...page.results.map((result) => result.sha256));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(expected);
  });

  it('lists at most ten sources, reachable ones first, and counts them exactly beside the capped count', () => {
    const [top] = index.search(SearchQuerySchema.parse({ q: 'mp3' })).results;
    const distinct = new Set(rows.filter((row) => row.sha256 === top!.sha256).map((row) => row.session)).size;
    expect(top!.exactSourceCount).toBe(distinct);
    expect(top!.sources.length).toBe(Math.min(10, distinct));
    const firewalled = top!.sources.map((source) => source.firewalled);
    expect(firewalled).toEqual([...firewalled].sort((a, b) => Number(a) - Number(b)));
  });

  it('refuses a query the protocol refuses, and a cursor it did not make', () => {
    expect(() => index.search(SearchQuerySchema.parse({ q: 'a' }))).toThrow('at least 2 characters');
    expect(() => index.search(SearchQuerySchema.parse({ q: 'mp3', cursor: 'bogus' }))).toThrow('not a cursor');
  });
});

describe('topByKey', () => {
  it('keeps the largest keys in order, whatever the input order', () => {
    const items = [5, 1, 9, 3, 7, 9, 2, 8];
    expect(topByKey(items, (x) => x, 3)).toEqual([9, 9, 8]);
    expect(topByKey(items, (x) => -x, 4)).toEqual([1, 2, 3, 5]);
    expect(topByKey([], (x) => x, 3)).toEqual([]);
    expect(topByKey(items, (x) => x, 100)).toEqual([...items].sort((a, b) => b - a));
  });
});
