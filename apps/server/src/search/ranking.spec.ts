import { describe, expect, it } from '@jest/globals';
import { parseQuery } from '#contracts';
import { type Candidate, decodeCursor, encodeCursor, pageOf, rankCandidates } from './ranking.js';

const hash = (n: number) => n.toString(16).padStart(64, '0');
const candidate = (n: number, sessionId: string, exact: boolean): Candidate => ({
  sha256: hash(n),
  name: `file ${n}.mp3`,
  size: 1000 + n,
  ext: 'mp3',
  type: 'audio',
  pieceRoot: null,
  sessionId,
  exact,
});

describe('query parsing', () => {
  it('splits words like file names, with exclusions', () => {
    expect(parseQuery('Radiohead  -live CREEP')).toEqual({ ok: true, query: { include: ['radiohead', 'creep'], exclude: ['live'] } });
    expect(parseQuery('Beyoncé')).toEqual({ ok: true, query: { include: ['beyonce'], exclude: [] } });
    expect(parseQuery('AC/DC')).toEqual({ ok: true, query: { include: ['ac', 'dc'], exclude: [] } });
  });

  it('drops a one-character piece of a longer term but refuses a one-character term', () => {
    expect(parseQuery('a-ha take on me')).toEqual({ ok: true, query: { include: ['ha', 'take', 'on', 'me'], exclude: [] } });
    const single = parseQuery('x creep');
    expect(single).toMatchObject({ ok: false });
    expect(single.ok === false && single.message).toMatch(/at least 2 characters.*"x"/);
  });

  it('refuses a query with only exclusions or no words', () => {
    expect(parseQuery('-live -remix')).toMatchObject({ ok: false, message: expect.stringMatching(/at least one word/) });
    expect(parseQuery('!!! ???')).toMatchObject({ ok: false });
  });

  it('ignores an exclusion of a word that is also searched for', () => {
    expect(parseQuery('live -live')).toEqual({ ok: true, query: { include: ['live'], exclude: [] } });
  });
});

describe('ranking', () => {
  it('groups by hash, puts whole-word matches first, then more sources, then hash order', () => {
    const ranked = rankCandidates([
      candidate(1, 's1', false),
      candidate(1, 's2', false),
      candidate(1, 's3', false),
      candidate(2, 's1', true),
      candidate(3, 's1', true),
      candidate(3, 's2', true),
      candidate(3, 's2', true),
      candidate(4, 's4', true),
    ]);
    expect(ranked.map((group) => [group.sha256.slice(-1), group.exact, group.seenSources])).toEqual([
      ['3', true, 2],
      ['2', true, 1],
      ['4', true, 1],
      ['1', false, 3],
    ]);
  });

  it('pages without duplicates or gaps and refuses cursors of other searches', () => {
    const ranked = rankCandidates(Array.from({ length: 23 }, (_, n) => candidate(n, `s${n % 3}`, n % 2 === 0)));
    const seen: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const after = cursor ? decodeCursor(cursor, 'q1') : undefined;
      if (after === 'invalid' || after === 'other-query') throw new Error('bad cursor');
      const { page, more } = pageOf(ranked, after, 5);
      seen.push(...page.map((group) => group.sha256));
      if (!more) break;
      cursor = encodeCursor(page.at(-1)!, 'q1');
    }
    expect(seen).toEqual(ranked.map((group) => group.sha256));
    expect(new Set(seen).size).toBe(23);
    expect(decodeCursor(cursor!, 'q2')).toBe('other-query');
    expect(decodeCursor('not-base64-json', 'q1')).toBe('invalid');
  });
});
