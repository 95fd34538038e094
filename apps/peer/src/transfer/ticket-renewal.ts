import { setTimeout as sleep } from 'node:timers/promises';
import type { DownloadSource } from './download-request.js';

/** A fresh ticket and the sources it names: the directory's view of who shares the file now. */
export interface TicketGrant {
  ticket: string;
  sources: DownloadSource[];
}

/** Asks the directory for a new ticket for the same file (retrying a server that is away is its job). */
export type RenewTicket = (signal: AbortSignal) => Promise<TicketGrant>;

const FIRST_SPACING_MS = 2_000;
const MAX_SPACING_MS = 30_000;

/**
 * Keeps a download supplied with tickets its sources accept: one renewal at a time, and renewals
 * spaced out (2 s, doubling to 30 s) while they bring no progress, so a source that keeps
 * refusing cannot make the downloader flood the server (whose ticket rate limit is per user).
 */
export class TicketRenewal {
  private running?: Promise<void>;
  private notBefore = 0;
  private fruitless = 0;

  constructor(
    private readonly renew: RenewTicket,
    private readonly events: { renewed(grant: TicketGrant): void; failed(error: unknown): void },
    private readonly signal: AbortSignal,
  ) {}

  /** Asks for a new ticket, unless one is being asked for already; resolves when that is over. */
  request(): Promise<void> {
    this.running ??= this.run().finally(() => (this.running = undefined));
    return this.running;
  }

  /** A piece arrived: the next renewal may come soon again. */
  progressed(): void {
    this.fruitless = 0;
  }

  private async run(): Promise<void> {
    try {
      const wait = this.notBefore - Date.now();
      if (wait > 0) await sleep(wait, undefined, { signal: this.signal });
      const grant = await this.renew(this.signal);
      if (!this.signal.aborted) this.events.renewed(grant);
    } catch (error) {
      if (!this.signal.aborted) this.events.failed(error);
    } finally {
      this.notBefore = Date.now() + Math.min(MAX_SPACING_MS, FIRST_SPACING_MS * 2 ** this.fruitless);
      this.fruitless++;
    }
  }
}
