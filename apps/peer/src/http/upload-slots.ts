/**
 * Upload slots, as users of file-sharing clients know them: how many downloads this peer serves
 * at once. A slot belongs to a ticket, so the several ranges one downloader fetches in parallel
 * with the same ticket share one slot instead of crowding other downloaders out.
 */
export class UploadSlots {
  private readonly holders = new Map<string, number>();

  constructor(readonly capacity: number) {}

  get inUse(): number {
    return this.holders.size;
  }

  /** A release function, or undefined when every slot is taken by other tickets. */
  tryAcquire(ticketId: string): (() => void) | undefined {
    const held = this.holders.get(ticketId);
    if (held === undefined && this.holders.size >= this.capacity) return undefined;
    this.holders.set(ticketId, (held ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const count = this.holders.get(ticketId)! - 1;
      if (count === 0) this.holders.delete(ticketId);
      else this.holders.set(ticketId, count);
    };
  }
}
