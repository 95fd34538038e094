import type { TransferGrant, TransferReport } from '#contracts';
import type { PushReceiver } from '../http/push-receiver.js';
import { downloadFile } from '../transfer/downloader.js';
import type { DownloadOutcome, DownloadProgress } from '../transfer/download-request.js';
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

/** A long download outlives its ticket; each new ticket resumes from the verified pieces on disk. */
const MAX_TICKETS = 10;

/**
 * Downloads one file by hash: asks the broker for a ticket, fetches from the sources (or waits
 * for the push a firewalled source was asked to make), renews the ticket when it expires
 * mid-download, and reports the outcome, including sources that sent bad data.
 */
export async function fetchFile(
  sha256: string,
  outputDir: string,
  broker: Broker,
  options: { pushes?: PushReceiver; onProgress?: (progress: DownloadProgress) => void; onGrant?: (grant: TransferGrant) => void; signal?: AbortSignal } = {},
): Promise<FetchResult> {
  let grant = await broker.requestGrant(sha256);
  let outcome: DownloadOutcome;
  for (let tickets = 1; ; tickets++) {
    options.onGrant?.(grant);
    outcome = await attempt(grant, outputDir, options);
    const ticketRanOut = Date.parse(grant.expiresAt) <= Date.now() + 5_000;
    if (outcome.ok || options.signal?.aborted || !ticketRanOut || tickets >= MAX_TICKETS || grant.mode === 'push') break;
    grant = await broker.requestGrant(sha256);
  }
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
  return { ...outcome, name: grant.name, size: grant.size, mode: grant.mode };
}

function attempt(
  grant: TransferGrant,
  outputDir: string,
  options: { pushes?: PushReceiver; onProgress?: (progress: DownloadProgress) => void; signal?: AbortSignal },
): Promise<DownloadOutcome> {
  const file = { sha256: grant.sha256, size: grant.size, pieceRoot: grant.pieceRoot, name: grant.name, outputDir };
  if (grant.mode === 'push') {
    if (!options.pushes) throw new CliError('Every source of this file is firewalled: run `peerdex up` with a reachable port so a source can push it to you');
    const pushes = options.pushes;
    options.signal?.addEventListener('abort', () => pushes.cancel(grant.ticketId, 'aborted'), { once: true });
    return pushes.expect({ ...file, ticketId: grant.ticketId });
  }
  const sources = grant.sources.flatMap((source) => (source.url ? [{ sessionId: source.sessionId, url: source.url }] : []));
  return downloadFile({ ...file, sources, ticket: grant.ticket }, { onProgress: options.onProgress, signal: options.signal });
}
