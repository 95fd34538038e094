/**
 * The server session ids this peer endpoint has served under. The server names a source by its
 * session id; when the server restarts (or the connection drops) the peer comes back under a new
 * one, while downloads started with tickets naming the old one are still running. Those tickets
 * stay good here for a grace period after the old session was last current: they were issued for
 * this very endpoint and user, and each still expires on its own (`exp`).
 */
export class SessionHistory {
  /** session id → when it was last seen current (ms) */
  private readonly lastCurrent = new Map<string, number>();

  constructor(
    private readonly current: () => string | undefined,
    private readonly graceMs: number,
  ) {}

  /** Whether a ticket naming `sessionIds` may be served now. */
  accepts(sessionIds: readonly string[], now = Date.now()): boolean {
    const current = this.current();
    if (current) this.lastCurrent.set(current, now);
    for (const [id, seen] of this.lastCurrent) if (id !== current && now - seen > this.graceMs) this.lastCurrent.delete(id);
    return sessionIds.some((id) => this.lastCurrent.has(id));
  }
}
