import { Injectable } from '@nestjs/common';
import PQueue from 'p-queue';
import { OverloadedError } from '../common/errors.js';
import { AppConfig } from '../config/app-config.js';
import { Prisma } from '../generated/prisma/client.js';

/** What peers ask the database to do: open a session, or publish (share:sync, share:delta). */
export type AdmissionKind = 'handshake' | 'publish';

/** Established sessions first: a queued publish always starts before a queued handshake. */
const PRIORITY: Record<AdmissionKind, number> = { publish: 1, handshake: 0 };
const REFUSAL: Record<AdmissionKind, string> = {
  handshake: 'The server is admitting too many peers at once',
  publish: 'The server has too many share lists to index at once',
};
const MAX_RETRY_AFTER_SECONDS = 60;

/**
 * Back-pressure for the database work of peers. At most PEER_ADMISSION_CONCURRENCY handshakes and
 * publishes run at once (well inside the database pools, so they never exhaust them and other
 * work — heartbeats, searches, session ends — keeps its connections). Others wait in a bounded
 * queue per kind; past its length, or when the work ahead would keep it waiting longer than
 * PEER_ADMISSION_MAX_WAIT (clients give up on a handshake after 20 s by default), the request is
 * refused at once with 503 and a Retry-After estimated from the work ahead, instead of waiting
 * until everything times out.
 */
@Injectable()
export class AdmissionService {
  private readonly queue: PQueue;
  private readonly maxQueued: Record<AdmissionKind, number>;
  private readonly maxWaitMs: number;
  /** moving average of how long one job takes, for the expected wait and Retry-After */
  private averageMs = 50;

  constructor(config: AppConfig) {
    this.queue = new PQueue({ concurrency: config.peerAdmission.concurrency });
    this.maxQueued = { handshake: config.peerAdmission.handshakeQueue, publish: config.peerAdmission.syncQueue };
    this.maxWaitMs = config.peerAdmission.maxWaitMs;
  }

  /**
   * Runs `work` when a slot is free; throws OverloadedError (503) when the kind's queue is full.
   * `stillWanted` is asked when the turn comes: false skips the work (the client left meanwhile).
   */
  async run<T>(kind: AdmissionKind, work: () => Promise<T>, stillWanted: () => boolean = () => true): Promise<T> {
    const priority = PRIORITY[kind];
    if (this.queue.pending >= this.queue.concurrency) {
      // Every queued publish starts before a handshake; a publish waits only for other publishes.
      const ahead = kind === 'publish' ? this.queue.sizeBy({ priority }) : this.queue.size;
      const expectedWaitMs = ((ahead + this.queue.pending) * this.averageMs) / this.queue.concurrency;
      if (this.queue.sizeBy({ priority }) >= this.maxQueued[kind] || expectedWaitMs > this.maxWaitMs) {
        throw new OverloadedError(this.retryAfterSeconds(), REFUSAL[kind]);
      }
    }
    return this.queue.add(
      async () => {
        if (!stillWanted()) throw new OverloadedError(this.retryAfterSeconds(), 'The client left before its turn');
        const started = performance.now();
        try {
          return await work();
        } catch (error) {
          // Busy, not broken: the peer retries, as with a full queue.
          if (isPoolExhausted(error)) throw new OverloadedError(this.retryAfterSeconds(), 'The database is too busy to start a transaction');
          throw error;
        } finally {
          this.averageMs = 0.9 * this.averageMs + 0.1 * (performance.now() - started);
        }
      },
      { priority },
    );
  }

  /** Jobs running and waiting now (for metrics and tests). */
  get load(): { running: number; queued: number } {
    return { running: this.queue.pending, queued: this.queue.size };
  }

  /** Roughly when the work queued now will have been done, in whole seconds (at least 1). */
  private retryAfterSeconds(): number {
    const aheadMs = ((this.queue.size + this.queue.pending) * this.averageMs) / this.queue.concurrency;
    return Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(1, Math.ceil(aheadMs / 1000)));
  }
}

/** No pooled connection for a transaction within Prisma's maxWait (P2028): what an overload looks like. */
export function isPoolExhausted(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2028' && /Unable to start a transaction/i.test(error.message);
}
