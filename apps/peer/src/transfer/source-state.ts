import type { DownloadSource } from './download-request.js';
import { PieceSet } from './piece-set.js';
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
  /** since when a partial source has had none of the pieces still free to fetch */
  idleSince?: number;
  /** a partial source's verified pieces as last heard of; undefined for a complete source */
  pieces?: PieceSet;
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
    /** pieces in the file, for a partial source's bitfield */
    private readonly pieceTotal = 0,
  ) {
    this.learnPieces(source);
  }

  get partial(): boolean {
    return this.pieces !== undefined;
  }

  /** Whether the source has piece `index`, as far as we know. */
  has(index: number): boolean {
    return !this.pieces || this.pieces.has(index);
  }

  /** A partial source's pieces, from a grant or its own 416 answer; a complete source has them all. */
  learnPieces(source: { partial?: boolean; bitfield?: string }): void {
    if (!source.partial) {
      this.pieces = undefined;
      return;
    }
    // Pieces never go away from a download in progress: what we knew stays (a grant may be older than a 416).
    const learned = PieceSet.fromBase64(this.pieceTotal, source.bitfield ?? '');
    for (let index = 0; this.pieces && index < this.pieceTotal; index++) if (this.pieces.has(index)) learned.add(index);
    this.pieces = learned;
  }

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
    this.learnPieces(source);
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
      case 'missing':
        // Not a failure: a partial source lacks those pieces yet. It is asked for others at once.
        this.learnPieces({ partial: true, bitfield: failure.bitfield });
        this.readyAt = now + 200;
        return;
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
