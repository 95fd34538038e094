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
      if (!options.random && rarest === 0) break; // the lowest piece nobody else has: nothing beats it
    }
    if (candidates.length === 0) return undefined;
    const first = options.random ? candidates[Math.floor(Math.random() * candidates.length)]! : candidates[0]!;
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
