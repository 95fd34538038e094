import type { RankedGroup } from './ranking.js';

/**
 * Recently ranked searches, per server node, for SEARCH_CACHE_TTL: the index walk and the ranking
 * of a hot query are done once per TTL, not once per request. Only the ranking is kept; the
 * sources of every page are read fresh, so a peer that leaves drops out of results at once and a
 * result whose last source left is not shown. What is published meanwhile appears after the TTL.
 */
export class RankingCache {
  private readonly entries = new Map<string, { groups: RankedGroup[]; expires: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
  ) {}

  async get(key: string, compute: () => Promise<RankedGroup[]>): Promise<RankedGroup[]> {
    if (this.ttlMs <= 0) return compute();
    const hit = this.entries.get(key);
    if (hit && hit.expires > Date.now()) {
      // Map order is insertion order: re-inserting marks the entry as recently used.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.groups;
    }
    const groups = await compute();
    this.entries.delete(key);
    this.entries.set(key, { groups, expires: Date.now() + this.ttlMs });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return groups;
  }
}
