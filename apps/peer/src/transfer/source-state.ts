import type { DownloadSource } from './download-request.js';
import { type SourceFailure, describeFailure } from './source-client.js';

export interface SourcePolicy {
  /** consecutive connection failures (reset, 5xx, timeout) before a source is given up */
  maxConsecutiveFailures: number;
  /** how long a source may stay busy (503) before it is given up */
  maxBusyWaitMs: number;
  /**
   * how long a source that refuses its ticket (401/403) may wait for one it accepts (a server
   * restart gave it a new session id; its ticket expired) before it is given up; 0: at once
   */
  maxTicketWaitMs: number;
}

/** One source during one download: whether it may still be asked, when, and with which ticket. */
export class SourceState {
  readonly controller = new AbortController();
  dropped = false;
  bad = false;
  reason?: string;
  /** waiting for a ticket this source accepts */
  awaitingTicket = false;
  /** session ids under which this source delivered verified pieces */
  readonly usedSessions = new Set<string>();
  /** session ids under which it sent bytes that failed verification */
  readonly blamedSessions = new Set<string>();
  private failures = 0;
  private busySince?: number;
  private ticketRefusedSince?: number;
  private readyAt = 0;

  constructor(
    public source: DownloadSource,
    /** the ticket this source is asked with (it may outlive a renewal that does not name it) */
    public ticket: string,
    private readonly policy: SourcePolicy,
    private readonly onDrop: (state: SourceState) => void = () => undefined,
  ) {}

  get sessionId(): string {
    return this.source.sessionId;
  }

  /** how the source is named to people: its user, else its address */
  get name(): string {
    return this.source.username ?? new URL(this.source.url).host;
  }

  get used(): boolean {
    return this.usedSessions.size > 0;
  }

  /** ms until the source may be asked again (0: now) */
  waitMs(now = Date.now()): number {
    return Math.max(0, this.readyAt - now);
  }

  delivered(): void {
    this.usedSessions.add(this.sessionId);
  }

  succeeded(): void {
    this.failures = 0;
    this.busySince = undefined;
    this.ticketRefusedSince = undefined;
  }

  /** A ticket naming this source (under `source.sessionId`, perhaps a new one): ask again at once. */
  useTicket(source: DownloadSource, ticket: string): void {
    this.source = source;
    this.ticket = ticket;
    this.awaitingTicket = false;
    this.readyAt = 0;
  }

  /** Records a failed request; a lie or a refusal ends the source at once, failures only when they pile up. */
  failed(failure: SourceFailure, now = Date.now()): void {
    switch (failure.kind) {
      case 'bad-piece':
        return this.blame(describeFailure(failure));
      case 'refused':
        return this.drop(describeFailure(failure));
      case 'ticket':
        this.ticketRefusedSince ??= now;
        if (now - this.ticketRefusedSince >= this.policy.maxTicketWaitMs) return this.drop(describeFailure(failure));
        this.awaitingTicket = true;
        this.reason = describeFailure(failure);
        this.readyAt = now + 1_000;
        return;
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

  /** The source sent data that failed verification: it is reported, and never asked again. */
  blame(reason: string): void {
    this.bad = true;
    this.blamedSessions.add(this.sessionId);
    this.drop(reason);
  }

  drop(reason: string): void {
    if (this.dropped) return;
    this.dropped = true;
    this.reason = reason;
    // Requests still running on this source stop; their pieces go back to the others.
    this.controller.abort();
    this.onDrop(this);
  }
}
