import type { Logger } from '@nestjs/common';

const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 5_000;
/** ids per statement: a whole reconnect storm's worth of disconnects is a few statements */
const MAX_BATCH = 1_000;

/**
 * Sessions whose socket went away, ended in batches: while one batch is being written, the ends
 * that arrive meanwhile gather for the next, so a quiet server ends a session at once and a busy
 * one writes one statement for many (instead of one transaction each, which exhausted the pool
 * and lost ends by the thousand). A batch that fails is retried with backoff until it is written:
 * an end is never dropped. `remove` must be idempotent (ending an ended session does nothing).
 */
export class SessionEnds {
  private readonly pending = new Map<string, Array<() => void>>();
  private flushing: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly remove: (ids: string[]) => Promise<void>,
    private readonly logger: Logger,
  ) {}

  /** Queues an end; resolves once it is written. */
  end(sessionId: string): Promise<void> {
    return new Promise((resolve) => {
      const waiters = this.pending.get(sessionId) ?? [];
      waiters.push(resolve);
      this.pending.set(sessionId, waiters);
      this.flushing ??= this.flush().finally(() => (this.flushing = undefined));
    });
  }

  /** Stops retrying (shutdown) and hands back the ids not written yet. */
  stop(): string[] {
    this.stopped = true;
    return [...this.pending.keys()];
  }

  private async flush(): Promise<void> {
    let retryMs = FIRST_RETRY_MS;
    while (this.pending.size > 0 && !this.stopped) {
      const batch = [...this.pending.keys()].slice(0, MAX_BATCH);
      try {
        await this.remove(batch);
      } catch (error) {
        this.logger.warn({ err: error, sessions: batch.length, retryMs }, 'ending sessions failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, retryMs).unref());
        retryMs = Math.min(MAX_RETRY_MS, retryMs * 2);
        continue;
      }
      retryMs = FIRST_RETRY_MS;
      for (const id of batch) {
        this.pending.get(id)?.forEach((resolve) => resolve());
        this.pending.delete(id);
      }
    }
  }
}
