import { describe, expect, it } from '@jest/globals';
import { RankingCache } from './ranking-cache.js';
import type { RankedGroup } from './ranking.js';

const group = (sha256: string) => ({ sha256 }) as unknown as RankedGroup;

describe('RankingCache', () => {
  it('reuses a ranking within its TTL while the generation is unchanged, and recomputes when it changes', async () => {
    const cache = new RankingCache(60_000, 10);
    let computed = 0;
    const compute = async () => [group(`h${++computed}`)];
    const index = {};
    expect(await cache.get('q', compute, [index, 1])).toEqual([group('h1')]);
    expect(await cache.get('q', compute, [index, 1])).toEqual([group('h1')]);
    expect(await cache.get('q', compute, [index, 2])).toEqual([group('h2')]);
    // A rebuilt index is another generation even with the same count.
    expect(await cache.get('q', compute, [{}, 2])).toEqual([group('h3')]);
    expect(computed).toBe(3);
  });

  it('computes every time with a TTL of 0', async () => {
    const cache = new RankingCache(0, 10);
    let computed = 0;
    const compute = async () => [group(`h${++computed}`)];
    await cache.get('q', compute);
    await cache.get('q', compute);
    expect(computed).toBe(2);
  });
});
