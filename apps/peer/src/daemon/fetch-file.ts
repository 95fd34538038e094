import { setTimeout as sleep } from 'node:timers/promises';
import { countOf, formatBytes, type TransferGrant, type TransferReport } from '#contracts';
import type { PushReceiver } from '../http/push-receiver.js';
import { downloadFile } from '../transfer/downloader.js';
import type { DownloadOutcome, DownloadProgress, DownloadSource } from '../transfer/download-request.js';
import type { TicketGrant } from '../transfer/ticket-renewal.js';
import type { SwarmParticipation } from '../transfer/swarm.js';
import { CliError } from '../cli/errors.js';

/** Where tickets come from and where outcomes go: the daemon's socket, or REST for a standalone `get`. */
export interface Broker {
  requestGrant(sha256: string): Promise<TransferGrant>;
  report(report: TransferReport): Promise<unknown>;
}

export interface FetchResult extends DownloadOutcome {
  name: string;
  size: number;
  mode: TransferGrant['mode'];
}

export interface FetchOptions {
  pushes?: PushReceiver;
  onProgress?: (progress: DownloadProgress) => void;
  onGrant?: (grant: TransferGrant) => void;
  /** lines for the user: the download starting, sources lost, tickets renewed, how it ended */
  log?: (line: string) => void;
  /** also log how the download ended (default true; off where the caller says it itself) */
  logOutcome?: boolean;
  /** how long a new ticket is asked for while the server is away (default 2 min) */
  renewalDeadlineMs?: number;
  /** cancels the download (a pull) or stops waiting for the push */
  signal?: AbortSignal;
  /** swarming: serve the verified pieces while downloading, and announce them (a running peer only) */
  swarm?: SwarmParticipation;
}

/**
 * Downloads one file by hash: asks the broker for a ticket, fetches from the sources (or waits
 * for the push a firewalled source was asked to make), asks for a new ticket whenever sources
 * refuse theirs (it expired, or the server restarted and the sources came back under new session
 * ids) — retrying with backoff while the server is away — and reports the outcome, including
 * sources that sent bad data.
 */
export async function fetchFile(sha256: string, outputDir: string, broker: Broker, options: FetchOptions = {}): Promise<FetchResult> {
  let grant = await broker.requestGrant(sha256);
  options.onGrant?.(grant);
  const file = { sha256: grant.sha256, size: grant.size, pieceRoot: grant.pieceRoot, name: grant.name, outputDir };
  const log = options.log ?? (() => undefined);
  const from = grant.sources.map((source) => (source.partial ? `${source.username} (partial)` : source.username)).join(', ');
  log(`Downloading ${file.name} (${formatBytes(file.size)}) ${grant.mode === 'push' ? `by push from ${from}` : `from ${from}`}`);
  let outcome: DownloadOutcome;
  if (grant.mode === 'push') {
    if (!options.pushes) throw new CliError('Every source of this file is firewalled: run `peerdex up` with a reachable port so a source can push it to you');
    const pushes = options.pushes;
    options.signal?.addEventListener('abort', () => pushes.cancel(grant.ticketId, 'aborted'), { once: true });
    outcome = await pushes.expect({ ...file, ticketId: grant.ticketId });
  } else {
    const renewTicket = async (signal: AbortSignal): Promise<TicketGrant> => {
      grant = await requestWithRetry(() => broker.requestGrant(sha256), options.renewalDeadlineMs ?? 120_000, signal);
      options.onGrant?.(grant);
      return { ticket: grant.ticket, sources: directSources(grant) };
    };
    outcome = await downloadFile({ ...file, sources: directSources(grant), ticket: grant.ticket }, { onProgress: options.onProgress, renewTicket, log, signal: options.signal, swarm: options.swarm });
  }
  if (options.logOutcome !== false) log(describeOutcome(file.name, file.size, outcome));
  if (!outcome.alreadyComplete) {
    await broker
      .report({
        sha256,
        ticketId: grant.ticketId,
        bytes: outcome.bytes,
        ok: outcome.ok,
        sourceSessionId: outcome.sourcesUsed[0],
        badSourceSessionIds: outcome.badSources.length > 0 ? outcome.badSources.slice(0, 10) : undefined,
        reason: outcome.reason?.slice(0, 500),
      })
      .catch(() => undefined); // the download's result stands even if the report cannot be delivered
  }
  return { ...outcome, name: file.name, size: file.size, mode: grant.mode };
}

function describeOutcome(name: string, size: number, outcome: DownloadOutcome): string {
  if (outcome.alreadyComplete) return `Already had ${name}: ${outcome.path}`;
  if (outcome.ok) return `Downloaded ${name} (${formatBytes(size)}, SHA-256 verified) to ${outcome.path}`;
  const blamed = outcome.badSources.length ? `; ${countOf(outcome.badSources.length, 'source')} sent corrupt data and ${outcome.badSources.length === 1 ? 'was' : 'were'} reported` : '';
  return `Download of ${name} failed: ${outcome.reason ?? 'unknown reason'}${blamed}`;
}

function directSources(grant: TransferGrant): DownloadSource[] {
  if (grant.mode !== 'direct') return [];
  return grant.sources.flatMap((source) =>
    source.url ? [{ sessionId: source.sessionId, url: source.url, username: source.username, ...(source.partial ? { partial: true, bitfield: source.bitfield } : {}) }] : [],
  );
}

/**
 * A ticket from a server that may be restarting: failures (unreachable, 5xx, rate limited, the
 * sources not back yet) are retried after 1 s, doubling to 15 s, until `deadlineMs` has passed.
 */
async function requestWithRetry<T>(request: () => Promise<T>, deadlineMs: number, signal: AbortSignal): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await request();
    } catch (error) {
      const delay = Math.min(15_000, 1_000 * 2 ** attempt);
      if (signal.aborted || Date.now() + delay > deadline) throw error;
      await sleep(delay, undefined, { signal });
    }
  }
}
