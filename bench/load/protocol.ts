/**
 * Messages between the load benchmark's coordinator (run.ts) and its client processes
 * (worker.ts), over Node's IPC channel, and the figures they report.
 */

/** Opens `tokens.length` more peer sessions (one per token) and publishes a small list from each. */
export interface OpenCommand {
  type: 'open';
  baseUrl: string;
  tokens: string[];
  /** first session number of this batch, for distinct paths and hashes */
  firstIndex: number;
  filesPerSession: number;
  /** handshakes this process has in flight at most (a reconnect storm, not one giant burst) */
  maxInFlight: number;
  /** how often a 503 (handshake or publish) is retried after its retryAfter */
  retries: number;
  /** a handshake or an acknowledgement slower than this counts as failed */
  timeoutMs: number;
}

/** Sends searches over the open sessions at a steady rate for a while. */
export interface SearchCommand {
  type: 'search';
  perSecond: number;
  durationMs: number;
  queries: string[];
  timeoutMs: number;
}

export interface StatsCommand {
  type: 'stats';
}

export interface CloseCommand {
  type: 'close';
}

export type Command = OpenCommand | SearchCommand | StatsCommand | CloseCommand;

/** Outcome counts, cumulative since the process started. Keys of `by*` are statuses or reasons. */
export interface Counters {
  sessionsReady: number;
  handshakesRefused503: number;
  handshakesFailed: Record<string, number>;
  syncsOk: number;
  syncsRefused503: number;
  syncsFailed: Record<string, number>;
  /** sessions the server or the network dropped (reason → count) */
  drops: Record<string, number>;
}

export interface OpenReply {
  type: 'opened';
  counters: Counters;
  /** ms from a session's first attempt to its peer:ready, retries included */
  handshakeMs: number[];
  /** ms from the first share:sync to its successful acknowledgement, retries included */
  syncMs: number[];
  /** sessions open now in this process */
  open: number;
}

export interface SearchReply {
  type: 'searched';
  ms: number[];
  failed: Record<string, number>;
}

export interface StatsReply {
  type: 'stats';
  counters: Counters;
  open: number;
}

export type Reply = OpenReply | SearchReply | StatsReply;

export function emptyCounters(): Counters {
  return { sessionsReady: 0, handshakesRefused503: 0, handshakesFailed: {}, syncsOk: 0, syncsRefused503: 0, syncsFailed: {}, drops: {} };
}

export function count(map: Record<string, number>, key: string, by = 1): void {
  map[key] = (map[key] ?? 0) + by;
}

/** Sums counters of several processes. */
export function addCounters(all: Counters[]): Counters {
  const total = emptyCounters();
  for (const one of all) {
    total.sessionsReady += one.sessionsReady;
    total.handshakesRefused503 += one.handshakesRefused503;
    total.syncsOk += one.syncsOk;
    total.syncsRefused503 += one.syncsRefused503;
    for (const [key, value] of Object.entries(one.handshakesFailed)) count(total.handshakesFailed, key, value);
    for (const [key, value] of Object.entries(one.syncsFailed)) count(total.syncsFailed, key, value);
    for (const [key, value] of Object.entries(one.drops)) count(total.drops, key, value);
  }
  return total;
}

/** `after − before`, key by key: what happened during one step. */
export function diffCounters(after: Counters, before: Counters): Counters {
  const minus = (a: Record<string, number>, b: Record<string, number>) =>
    Object.fromEntries(Object.entries(a).map(([key, value]) => [key, value - (b[key] ?? 0)]).filter(([, value]) => value !== 0));
  return {
    sessionsReady: after.sessionsReady - before.sessionsReady,
    handshakesRefused503: after.handshakesRefused503 - before.handshakesRefused503,
    handshakesFailed: minus(after.handshakesFailed, before.handshakesFailed),
    syncsOk: after.syncsOk - before.syncsOk,
    syncsRefused503: after.syncsRefused503 - before.syncsRefused503,
    syncsFailed: minus(after.syncsFailed, before.syncsFailed),
    drops: minus(after.drops, before.drops),
  };
}

/** Nearest-rank percentile of unsorted samples; NaN when there are none. */
export function percentile(samples: number[], q: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
