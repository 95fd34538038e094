import { performance } from 'node:perf_hooks';
import type { Fleet } from './fleet.js';
import { addCounters, type Counters, diffCounters, type OpenReply, percentile, type SearchReply, type StatsReply } from './protocol.js';
import type { Target } from './targets.js';
import { loadQueries } from './vocabulary.js';

export interface StepOptions {
  filesPerSession: number;
  inFlightPerProcess: number;
  retries: number;
  timeoutMs: number;
  holdMs: number;
  searchesPerSecond: number;
  /** the longest one step's connecting may take; a step that needs more ends the run */
  stepTimeoutMs: number;
}

export interface Latency {
  count: number;
  failed: number;
  p50: number;
  p99: number;
}

export interface StepResult {
  target: number;
  /** sessions open at the end of the step */
  open: number;
  /** seconds the step's connecting took */
  connectSeconds: number;
  completed: boolean;
  counters: Counters;
  handshake: Latency;
  sync: Latency;
  healthWhileConnecting: Latency;
  healthHeld: Latency;
  search: Latency;
}

const HEALTH_EVERY_MS = 250;
const HEALTH_TIMEOUT_MS = 10_000;

function latency(samples: number[], failed = 0): Latency {
  return { count: samples.length, failed, p50: percentile(samples, 0.5), p99: percentile(samples, 0.99) };
}

/** GET /health every 250 ms (each with a 10 s limit) until stopped: how the server answers meanwhile. */
function probeHealth(baseUrl: string): { stop(): Promise<Latency> } {
  const samples: number[] = [];
  const pending: Array<Promise<void>> = [];
  let failed = 0;
  const timer = setInterval(() => {
    const started = performance.now();
    pending.push(
      fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS) }).then(
        async (response) => {
          await response.arrayBuffer();
          if (response.ok) samples.push(performance.now() - started);
          else failed += 1;
        },
        () => void (failed += 1),
      ),
    );
  }, HEALTH_EVERY_MS);
  return {
    stop: async () => {
      clearInterval(timer);
      await Promise.all(pending);
      return latency(samples, failed);
    },
  };
}

async function totals(fleet: Fleet): Promise<{ counters: Counters; open: number }> {
  const replies = await fleet.all<StatsReply>(() => ({ type: 'stats' }));
  return { counters: addCounters(replies.map((reply) => reply.counters)), open: replies.reduce((sum, reply) => sum + reply.open, 0) };
}

/**
 * One step: brings the open sessions up to `target` (every process opens its share at once,
 * `inFlightPerProcess` handshakes at a time, each publishing a small list), then holds them for
 * `holdMs` while searching. /health is probed throughout.
 */
export async function runStep(fleet: Fleet, server: Target, target: number, alreadyOpened: number, options: StepOptions): Promise<StepResult> {
  const before = await totals(fleet);
  const needed = Math.max(0, target - alreadyOpened);
  const share = (worker: number) => Math.floor(needed / fleet.size) + (worker < needed % fleet.size ? 1 : 0);
  const offset = (worker: number) => alreadyOpened + Array.from({ length: worker }, (_, n) => share(n)).reduce((a, b) => a + b, 0);

  const connecting = probeHealth(server.baseUrl);
  const started = performance.now();
  const opened = fleet.all<OpenReply>((worker) => ({
    type: 'open',
    baseUrl: server.baseUrl,
    tokens: Array.from({ length: share(worker) }, (_, n) => server.tokenFor(offset(worker) + n)),
    firstIndex: offset(worker),
    filesPerSession: options.filesPerSession,
    maxInFlight: options.inFlightPerProcess,
    retries: options.retries,
    timeoutMs: options.timeoutMs,
  }));
  const replies = await Promise.race([opened, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), options.stepTimeoutMs).unref())]);
  const connectSeconds = (performance.now() - started) / 1000;
  const healthWhileConnecting = await connecting.stop();

  const held = probeHealth(server.baseUrl);
  const searches = replies
    ? await fleet.all<SearchReply>(() => ({
        type: 'search',
        perSecond: options.searchesPerSecond / fleet.size,
        durationMs: options.holdMs,
        queries: loadQueries(),
        timeoutMs: options.timeoutMs,
      }))
    : [];
  const healthHeld = await held.stop();
  const after = replies ? await totals(fleet) : before;
  return {
    target,
    open: after.open,
    connectSeconds,
    completed: replies !== undefined,
    counters: diffCounters(after.counters, before.counters),
    handshake: latency(replies?.flatMap((reply) => reply.handshakeMs) ?? []),
    sync: latency(replies?.flatMap((reply) => reply.syncMs) ?? []),
    healthWhileConnecting,
    healthHeld,
    search: latency(
      searches.flatMap((reply) => reply.ms),
      searches.reduce((sum, reply) => sum + Object.values(reply.failed).reduce((a, b) => a + b, 0), 0),
    ),
  };
}
