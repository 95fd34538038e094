import type { RankedGroup } from './ranking.js';

/**
 * Recently ranked searches, per server node, for SEARCH_CACHE_TTL: the index walk and the ranking
 * of a hot query are done once per TTL, not once per request. Only the ranking is kept; the
 * sources of every page are read fresh, so a peer that leaves drops out of results at once and a
 * result whose last source left is not shown. A ranking is kept only while the index's
 * `generation` is unchanged (no file published, no session come online since), so what is
 * published appears in the next search, not after the TTL.
 */
export class RankingCache {
  private readonly entries = new Map<string, { groups: RankedGroup[]; expires: number; generation: readonly unknown[] }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
  ) {}

  async get(key: string, compute: () => Promise<RankedGroup[]>, generation: readonly unknown[] = []): Promise<RankedGroup[]> {
    if (this.ttlMs <= 0) return compute();
    const hit = this.entries.get(key);
    if (hit && hit.expires > Date.now() && sameGeneration(hit.generation, generation)) {
      // Map order is insertion order: re-inserting marks the entry as recently used.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.groups;
    }
    const groups = await compute();
    this.entries.delete(key);
    this.entries.set(key, { groups, expires: Date.now() + this.ttlMs, generation });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return groups;
  }
}

function sameGeneration(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((value, i) => Object.is(value, b[i]));
}
