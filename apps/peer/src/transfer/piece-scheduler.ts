import { type PieceSet } from './piece-set.js';

/**
 * Hands out runs of missing pieces, lowest first, so that the file fills from the front (the
 * whole-file hash can follow right behind) and no piece is fetched by two sources at once.
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

  /** Claims up to `max` consecutive missing pieces; undefined when none is free right now. */
  claim(max: number): number[] | undefined {
    let index = this.cursor;
    while (index < this.have.total && (this.have.has(index) || this.claimed.has(index))) index++;
    this.cursor = index;
    if (index >= this.have.total) return undefined;
    const run: number[] = [];
    while (run.length < max && index < this.have.total && !this.have.has(index) && !this.claimed.has(index)) {
      this.claimed.add(index);
      run.push(index++);
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
