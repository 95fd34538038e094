import { type PieceSet } from './piece-set.js';

export interface ClaimOptions {
  /** whether the asking source has piece i (default: it has every piece, a complete source) */
  has?: (index: number) => boolean;
  /** how many partial sources have piece i: the rarest pieces are claimed first */
  holders?: (index: number) => number;
  /**
   * start the run at a random piece among the rarest instead of the lowest (swarming: downloaders
   * that start together from one seeder then fetch different pieces, and can trade them)
   */
  random?: boolean;
  /** only pieces no partial source holds (holders 0): for a complete source while partial ones can serve the rest */
  onlyUnheld?: boolean;
  /**
   * take the first of the rarest pieces at or after this one (wrapping around) rather than a
   * random one: a downloader sweeping a complete source from a random start fetches a stretch of
   * its own, which others, sweeping from elsewhere, rarely fetch too before they can see it
   */
  from?: number;
}

/**
 * Hands out runs of missing pieces so that no piece is fetched by two sources at once. Without
 * partial sources it goes lowest first, so that the file fills from the front (the whole-file hash
 * can follow right behind). With partial sources it goes rarest first (BitTorrent's policy): a
 * source is given pieces it has that the fewest other sources have.
 */
export class PieceScheduler {
  private readonly claimed = new Set<number>();
  /** no piece below this index is free to claim */
  private cursor = 0;

  constructor(readonly have: PieceSet) {}

  /** pieces neither held nor in flight */
  get unclaimed(): number {
    return this.have.total - this.have.count - this.claimed.size;
  }

  get complete(): boolean {
    return this.have.complete;
  }

  /** Whether piece `index` is neither held nor in flight. */
  isFree(index: number): boolean {
    return !this.have.has(index) && !this.claimed.has(index);
  }

  /** Claims up to `max` consecutive missing pieces the source has; undefined when none is free right now. */
  claim(max: number, options: ClaimOptions = {}): number[] | undefined {
    let index = this.cursor;
    while (index < this.have.total && !this.isFree(index)) index++;
    this.cursor = index;
    if (index >= this.have.total) return undefined;
    const has = options.has ?? (() => true);
    const holders = options.holders ?? (() => 0);
    // The rarest free pieces this source has (all of them tie when nobody else has any).
    let rarest = Infinity;
    let candidates: number[] = [];
    for (; index < this.have.total; index++) {
      if (!this.isFree(index) || !has(index)) continue;
      const count = holders(index);
      if (options.onlyUnheld && count > 0) continue;
      if (count < rarest) {
        rarest = count;
        candidates = [index];
      } else if (count === rarest) {
        candidates.push(index);
      }
      if (!options.random && options.from === undefined && rarest === 0) break; // the lowest piece nobody else has: nothing beats it
    }
    if (candidates.length === 0) return undefined;
    const from = options.from;
    const first =
      from !== undefined
        ? sweepStart(candidates, from)
        : options.random
          ? candidates[Math.floor(Math.random() * candidates.length)]!
          : candidates[0]!;
    const run: number[] = [];
    for (let next = first; run.length < max && next < this.have.total && this.isFree(next) && has(next) && holders(next) === rarest; next++) {
      this.claimed.add(next);
      run.push(next);
    }
    return run;
  }

  /** A claimed piece arrived and was stored. */
  done(index: number): void {
    this.claimed.delete(index);
    this.have.add(index);
  }

  /** Claimed pieces that did not arrive go back to the pool for any source. */
  release(indices: readonly number[]): void {
    for (const index of indices) {
      if (!this.claimed.delete(index)) continue;
      if (!this.have.has(index) && index < this.cursor) this.cursor = index;
    }
  }
}

/**
 * Where a sweep goes on: `from` itself when it is still a candidate; otherwise the sweep has run
 * into pieces someone else holds (another downloader sweeping there, whose newest pieces we
 * cannot see yet), so it moves to the longest stretch of candidates, at a random point of its
 * middle third, rather than trailing that downloader and fetching what it fetches.
 */
function sweepStart(candidates: number[], from: number): number {
  if (candidates.includes(from)) return from;
  let best = { start: 0, length: 0 };
  for (let index = 0; index < candidates.length; ) {
    let end = index;
    while (end + 1 < candidates.length && candidates[end + 1] === candidates[end]! + 1) end++;
    if (end - index + 1 > best.length) best = { start: index, length: end - index + 1 };
    index = end + 1;
  }
  const offset = Math.floor(best.length / 3 + Math.random() * Math.max(1, best.length / 3));
  return candidates[best.start + Math.min(best.length - 1, offset)]!;
}
