import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A byte-rate limit shared by every stream that takes from it: each caller reserves its bytes on
 * a virtual clock and waits until their turn, so concurrent streams share the rate fairly and the
 * total never exceeds it by more than a small burst.
 */
export class RateLimiter {
  private nextFree = 0;
  private readonly burstMs: number;

  constructor(
    readonly bytesPerSecond: number,
    burstMs = 50,
  ) {
    if (!(bytesPerSecond > 0)) throw new RangeError('bytesPerSecond must be positive');
    this.burstMs = burstMs;
  }

  async take(bytes: number, signal?: AbortSignal): Promise<void> {
    const now = performance.now();
    const start = Math.max(this.nextFree, now - this.burstMs);
    this.nextFree = start + (bytes / this.bytesPerSecond) * 1000;
    const wait = this.nextFree - now - this.burstMs;
    if (wait > 1) await sleep(wait, undefined, { signal });
  }
}

