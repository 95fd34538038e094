/**
 * Upload slots, as users of file-sharing clients know them: how many downloads this peer serves
 * at once. A slot belongs to a ticket, so the several ranges one downloader fetches in parallel
 * with the same ticket share one slot instead of crowding other downloaders out. Pushes (uploads
 * the server asked for) take slots too; they wait for one in turn, and a slot that frees up goes
 * to the longest-waiting push before any downloader asking afresh.
 */
export class UploadSlots {
  private readonly holders = new Map<string, number>();
  private readonly waiting: Array<{ ticketId: string; grant(release: () => void): void }> = [];

  constructor(readonly capacity: number) {}

  get inUse(): number {
    return this.holders.size;
  }

  /** A release function, or undefined when every slot is taken by other tickets. */
  tryAcquire(ticketId: string): (() => void) | undefined {
    const held = this.holders.get(ticketId);
    if (held === undefined && (this.holders.size >= this.capacity || this.waiting.length > 0)) return undefined;
    return this.take(ticketId);
  }

  /**
   * Waits for a slot (in turn with other waiters); resolves with its release function, or with
   * undefined if `signal` aborts first.
   */
  acquire(ticketId: string, signal: AbortSignal): Promise<(() => void) | undefined> {
    const now = this.tryAcquire(ticketId);
    if (now || signal.aborted) return Promise.resolve(now);
    return new Promise((resolve) => {
      const waiter = {
        ticketId,
        grant: (release: () => void) => {
          signal.removeEventListener('abort', giveUp);
          resolve(release);
        },
      };
      const giveUp = () => {
        this.waiting.splice(this.waiting.indexOf(waiter), 1);
        resolve(undefined);
      };
      signal.addEventListener('abort', giveUp, { once: true });
      this.waiting.push(waiter);
    });
  }

  private take(ticketId: string): () => void {
    this.holders.set(ticketId, (this.holders.get(ticketId) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const count = this.holders.get(ticketId)! - 1;
      if (count === 0) this.holders.delete(ticketId);
      else this.holders.set(ticketId, count);
      this.handOn();
    };
  }

  private handOn(): void {
    while (this.waiting.length > 0 && this.holders.size < this.capacity) {
      const next = this.waiting.shift()!;
      next.grant(this.take(next.ticketId));
    }
  }
}
