import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { DownloadResult, DownloadView, TransferGrant, TransferSource } from '#contracts';
import { describeReason } from '../cli/messages.js';
import type { DownloadProgress } from '../transfer/download-request.js';
import { placeDownload } from '../transfer/part-file.js';
import type { FetchResult } from './fetch-file.js';

/** Runs one download (fetchFile with the daemon's broker), reporting its grant and progress. */
export type DownloadRunner = (
  sha256: string,
  outputDir: string,
  options: {
    signal: AbortSignal;
    onGrant: (grant: TransferGrant) => void;
    onProgress: (progress: DownloadProgress) => void;
    /** share the completed file from where it was saved (false: `get --no-seed`; undefined: the peer's setting) */
    seed?: boolean;
  },
) => Promise<FetchResult>;

export class DownloadConflictError extends Error {
  constructor(readonly download: DownloadView) {
    super('this file is already being downloaded into that folder');
  }
}

export class DownloadFinishedError extends Error {
  constructor(readonly download: DownloadView) {
    super(`this download has already ${download.state === 'completed' ? 'completed' : download.state === 'cancelled' ? 'been cancelled' : 'failed'}`);
  }
}

interface Entry {
  view: DownloadView;
  controller: AbortController;
  sources: TransferSource[];
  ended: Promise<void>;
}

/** Finished downloads kept for `status` and the events' snapshot (active ones are always kept). */
const KEPT_FINISHED = 20;

/**
 * The daemon's downloads, whoever started them (the CLI, a web client): each with an id, its
 * progress, and a way to cancel it. Every change is an event, for the API's event stream.
 */
export class Downloads {
  private readonly entries = new Map<string, Entry>();
  private readonly changes = new EventEmitter();

  constructor(
    private readonly run: DownloadRunner,
    /** words for a failure that ended a download before its outcome (no ticket, not connected…) */
    private readonly explain: (error: unknown, sha256: string) => string,
  ) {
    this.changes.setMaxListeners(0);
  }

  get active(): number {
    return this.list().filter((download) => !isFinished(download)).length;
  }

  list(): DownloadView[] {
    return [...this.entries.values()].map((entry) => entry.view);
  }

  get(id: string): DownloadView | undefined {
    return this.entries.get(id)?.view;
  }

  /** Starts a download; a second one of the same file into the same folder is refused with the first. */
  start(sha256: string, outputDir: string, options: { seed?: boolean } = {}): DownloadView {
    const running = this.list().find((download) => !isFinished(download) && download.sha256 === sha256 && download.outputDir === outputDir);
    if (running) throw new DownloadConflictError(running);
    const controller = new AbortController();
    const view: DownloadView = {
      id: randomUUID(),
      sha256,
      name: null,
      outputDir,
      state: 'starting',
      bytesDone: 0,
      bytesTotal: 0,
      bytesPerSecond: 0,
      sources: [],
      activeSources: 0,
      mode: null,
      path: null,
      partPath: null,
      reason: null,
      startedAt: new Date().toISOString(),
      finishedAt: null,
      result: null,
    };
    const entry: Entry = { view, controller, sources: [], ended: Promise.resolve() };
    entry.ended = this.run(sha256, outputDir, {
      signal: controller.signal,
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      onGrant: (grant) => this.update(entry, granted(grant), grant.sources),
      onProgress: (progress) =>
        this.update(entry, { bytesDone: progress.bytesDone, bytesTotal: progress.bytesTotal, bytesPerSecond: progress.bytesPerSecond, activeSources: progress.activeSources }),
    }).then(
      (result) => this.finish(entry, result),
      (error: unknown) => this.end(entry, { state: controller.signal.aborted ? 'cancelled' : 'failed', reason: this.explain(error, sha256) }),
    );
    this.entries.set(view.id, entry);
    this.forgetOldest();
    this.emit(entry);
    return view;
  }

  /** Stops a download in progress; what it verified stays in its `.part` for the next one to resume. */
  async cancel(id: string): Promise<DownloadView | undefined> {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    if (isFinished(entry.view)) throw new DownloadFinishedError(entry.view);
    entry.controller.abort();
    await entry.ended;
    return entry.view;
  }

  /** The daemon is stopping: cancel everything and wait until each has saved what it verified. */
  async cancelAll(): Promise<void> {
    const running = [...this.entries.values()].filter((entry) => !isFinished(entry.view));
    for (const entry of running) entry.controller.abort();
    await Promise.all(running.map((entry) => entry.ended));
  }

  /** Calls `listener` with every change; returns the function that stops it. */
  subscribe(listener: (download: DownloadView) => void): () => void {
    this.changes.on('download', listener);
    return () => this.changes.off('download', listener);
  }

  private async finish(entry: Entry, outcome: FetchResult): Promise<void> {
    const cancelled = !outcome.ok && entry.controller.signal.aborted;
    const result: DownloadResult = { ...outcome };
    const partPath = outcome.ok ? null : await unfinishedPart(entry.view.outputDir, outcome);
    this.end(entry, {
      state: outcome.ok ? 'completed' : cancelled ? 'cancelled' : 'failed',
      ...(outcome.ok ? { bytesDone: outcome.size, bytesTotal: outcome.size } : {}),
      path: outcome.path,
      partPath,
      reason: outcome.ok ? null : cancelled ? 'cancelled' : describeReason(outcome.reason ?? 'unknown reason', entry.sources),
      result,
    });
  }

  private end(entry: Entry, change: Partial<DownloadView>): void {
    this.update(entry, { ...change, bytesPerSecond: 0, activeSources: 0, finishedAt: new Date().toISOString() });
  }

  private update(entry: Entry, change: Partial<DownloadView>, sources?: TransferSource[]): void {
    if (isFinished(entry.view)) return; // a late progress report after the end
    if (sources) entry.sources = sources;
    entry.view = { ...entry.view, ...change };
    this.emit(entry);
  }

  private emit(entry: Entry): void {
    this.changes.emit('download', entry.view);
  }

  private forgetOldest(): void {
    const finished = [...this.entries.values()].filter((entry) => isFinished(entry.view));
    for (const entry of finished.slice(0, Math.max(0, finished.length - KEPT_FINISHED))) this.entries.delete(entry.view.id);
  }
}

export function isFinished(download: DownloadView): boolean {
  return download.state === 'completed' || download.state === 'failed' || download.state === 'cancelled';
}

function granted(grant: TransferGrant): Partial<DownloadView> {
  const sources = grant.mode === 'direct' ? grant.sources.filter((source) => source.url) : grant.sources.slice(0, 1);
  return { state: 'downloading', name: grant.name, bytesTotal: grant.size, mode: grant.mode, sources: [...new Set(sources.map((source) => source.username))] };
}

/** Where the verified part of an unfinished download waits to be resumed, if anything was kept. */
async function unfinishedPart(outputDir: string, outcome: FetchResult): Promise<string | null> {
  const placement = await placeDownload(outputDir, outcome.name, outcome.sha256, outcome.size).catch(() => undefined);
  return placement?.kind === 'part' && placement.state ? placement.partPath : null;
}
