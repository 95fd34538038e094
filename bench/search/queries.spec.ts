import { nameWords, parseQuery, SearchQuerySchema } from '#contracts';
import { describe, expect, it } from '@jest/globals';
import { createCorpus } from './corpus.js';
import { buildQueryMix, QUERY_WEIGHTS } from './queries.js';
import { withNote } from '../../test/support/with-note.js';

describe('the search benchmark query mix', () => {
  const corpus = createCorpus({ seed: 'queries-spec', files: 30_000, sessions: 300 });
  const queries = buildQueryMix(corpus, 2_000);

  it('is deterministic', () => {
    expect(buildQueryMix(corpus, 2_000)).toEqual(queries);
    expect(buildQueryMix(corpus, 2_000, 'another seed')).not.toEqual(queries);
  });

  it('follows the weights and holds only queries the protocol accepts', () => {
    const total = Object.values(QUERY_WEIGHTS).reduce((a, b) => a + b, 0);
    for (const [kind, weight] of Object.entries(QUERY_WEIGHTS)) {
      const share = queries.filter((query) => query.kind === kind).length / queries.length;
      withNote(kind, () => {
        expect(share).toBeGreaterThan((weight / total) * 0.6);
        expect(share).toBeLessThan((weight / total) * 1.4 + 0.01);
      });
    }
    for (const query of queries) {
      const parsed = SearchQuerySchema.safeParse(query.input);
      withNote(JSON.stringify(query), () => expect(parsed.success).toBe(true));
      withNote(query.input.q, () => expect(parseQuery(query.input.q).ok).toBe(true));
    }
  });

  it('searches for words that exist in the corpus, whole or as a prefix', () => {
    const words = [...new Set([...corpus.sessions()].flatMap((session) => session.files.flatMap((file) => nameWords(file.path))))].sort();
    const exists = (term: string) => words.some((word) => word.startsWith(term));
    const missing = queries.flatMap((query) => {
      const parsed = parseQuery(query.input.q);
      return parsed.ok ? parsed.query.include.filter((term) => !exists(term)).map((term) => `${query.kind}: ${term}`) : [];
    });
    // A popular album can, at this small scale, be shared by no one: allow a handful.
    withNote(missing.slice(0, 10).join(', '), () => expect(missing.length).toBeLessThan(queries.length * 0.02));
    const examples = (kind: string) => queries.filter((query) => query.kind === kind).map((query) => query.input.q);
    expect(examples('prefix').some((q) => !words.includes(q))).toBe(true);
    expect(examples('exclusion').every((q) => / -[\p{L}\p{N}]+$/u.test(q))).toBe(true);
  });
});
