import type { DownloadSource } from './download-request.js';
import { type SourceFailure, describeFailure } from './source-client.js';

export interface SourcePolicy {
  /** consecutive connection failures (reset, 5xx, timeout) before a source is given up */
  maxConsecutiveFailures: number;
  /** how long a source may stay busy (503) before it is given up */
  maxBusyWaitMs: number;
}

/** One source during one download: whether it may still be asked, and when. */
export class SourceState {
  readonly controller = new AbortController();
  dropped = false;
  bad = false;
  used = false;
  reason?: string;
  private failures = 0;
  private busySince?: number;
  private readyAt = 0;

  constructor(
    readonly source: DownloadSource,
    private readonly policy: SourcePolicy,
  ) {}

  get sessionId(): string {
    return this.source.sessionId;
  }

  /** ms until the source may be asked again (0: now) */
  waitMs(now = Date.now()): number {
    return Math.max(0, this.readyAt - now);
  }

  succeeded(): void {
    this.failures = 0;
    this.busySince = undefined;
  }

  /** Records a failed request; a lie or a refusal ends the source at once, failures only when they pile up. */
  failed(failure: SourceFailure, now = Date.now()): void {
    switch (failure.kind) {
      case 'bad-piece':
        this.bad = true;
        return this.drop(describeFailure(failure));
      case 'refused':
        return this.drop(describeFailure(failure));
      case 'busy':
        this.busySince ??= now;
        if (now - this.busySince + failure.retryAfterMs > this.policy.maxBusyWaitMs) return this.drop('stayed busy');
        this.readyAt = now + failure.retryAfterMs;
        return;
      case 'dead':
        this.failures++;
        if (this.failures >= this.policy.maxConsecutiveFailures) return this.drop(describeFailure(failure));
        this.readyAt = now + 250 * 2 ** this.failures;
        return;
    }
  }

  drop(reason: string): void {
    if (this.dropped) return;
    this.dropped = true;
    this.reason = reason;
    // Requests still running on this source stop; their pieces go back to the others.
    this.controller.abort();
  }
}
