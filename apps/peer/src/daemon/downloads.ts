import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { type DownloadResult, type DownloadView, pieceCounts, type TransferGrant, type TransferSource } from '#contracts';
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

/** Resume or retry of a download that is running, or that completed. */
export class DownloadNotRestartableError extends Error {
  constructor(readonly download: DownloadView) {
    super(download.state === 'completed' ? 'this download has completed' : 'this download is running');
  }
}

/** Pause of a download that is not running. */
export class DownloadNotRunningError extends Error {
  constructor(readonly download: DownloadView) {
    super(`this download is not running (it is ${download.state})`);
  }
}

interface Entry {
  view: DownloadView;
  controller: AbortController;
  /** aborted to pause, not to cancel: it ends as `paused`, ready to resume */
  pausing: boolean;
  sources: TransferSource[];
  ended: Promise<void>;
  /** the start's seeding choice, kept for a resume or retry */
  seed: boolean | undefined;
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
      piecesDone: 0,
      piecesTotal: 0,
      path: null,
      partPath: null,
      reason: null,
      startedAt: new Date().toISOString(),
      finishedAt: null,
      result: null,
    };
    const entry: Entry = { view, controller: new AbortController(), pausing: false, sources: [], ended: Promise.resolve(), seed: options.seed };
    this.entries.set(view.id, entry);
    this.launch(entry);
    this.forgetOldest();
    return entry.view;
  }

  /** Stops a running download, keeping what it verified, until `resume`. */
  async pause(id: string): Promise<DownloadView | undefined> {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    if (entry.view.state !== 'starting' && entry.view.state !== 'downloading') throw new DownloadNotRunningError(entry.view);
    entry.pausing = true;
    entry.controller.abort();
    await entry.ended;
    return entry.view;
  }

  /**
   * Runs a paused, failed or cancelled download again, under the same id: it resumes from the
   * pieces its `.part` kept. Another download of the same file into the same folder is a conflict.
   */
  resume(id: string): DownloadView | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    const { state, sha256, outputDir } = entry.view;
    if (state !== 'paused' && state !== 'failed' && state !== 'cancelled') throw new DownloadNotRestartableError(entry.view);
    const other = this.list().find((download) => download.id !== id && !isFinished(download) && download.sha256 === sha256 && download.outputDir === outputDir);
    if (other) throw new DownloadConflictError(other);
    entry.view = { ...entry.view, state: 'starting', reason: null, finishedAt: null, result: null, path: null, partPath: null };
    entry.controller = new AbortController();
    entry.pausing = false;
    this.launch(entry);
    return entry.view;
  }

  private launch(entry: Entry): void {
    const { controller } = entry;
    const { sha256, outputDir } = entry.view;
    entry.ended = this.run(sha256, outputDir, {
      signal: controller.signal,
      ...(entry.seed !== undefined ? { seed: entry.seed } : {}),
      onGrant: (grant) => this.update(entry, granted(grant), grant.sources),
      onProgress: (progress) =>
        this.update(entry, { bytesDone: progress.bytesDone, bytesTotal: progress.bytesTotal, bytesPerSecond: progress.bytesPerSecond, activeSources: progress.activeSources }),
    }).then(
      (result) => this.finish(entry, result),
      (error: unknown) => this.end(entry, { state: controller.signal.aborted ? this.stoppedState(entry) : 'failed', reason: this.explain(error, sha256) }),
    );
    this.emit(entry);
  }

  /** Stops a download in progress; what it verified stays in its `.part` for the next one to resume. */
  async cancel(id: string): Promise<DownloadView | undefined> {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    if (isFinished(entry.view)) throw new DownloadFinishedError(entry.view);
    if (entry.view.state === 'paused') {
      this.end(entry, { state: 'cancelled', reason: 'cancelled' });
      return entry.view;
    }
    entry.pausing = false;
    entry.controller.abort();
    await entry.ended;
    return entry.view;
  }

  /** The daemon is stopping: cancel everything and wait until each has saved what it verified. */
  async cancelAll(): Promise<void> {
    const running = [...this.entries.values()].filter((entry) => entry.view.state === 'starting' || entry.view.state === 'downloading');
    for (const entry of running) entry.controller.abort();
    await Promise.all(running.map((entry) => entry.ended));
  }

  /** Calls `listener` with every change; returns the function that stops it. */
  subscribe(listener: (download: DownloadView) => void): () => void {
    this.changes.on('download', listener);
    return () => this.changes.off('download', listener);
  }

  private async finish(entry: Entry, outcome: FetchResult): Promise<void> {
    const stopped = !outcome.ok && entry.controller.signal.aborted ? this.stoppedState(entry) : undefined;
    const result: DownloadResult = { ...outcome };
    const partPath = outcome.ok ? null : await unfinishedPart(entry.view.outputDir, outcome);
    this.end(entry, {
      state: outcome.ok ? 'completed' : (stopped ?? 'failed'),
      ...(outcome.ok ? { bytesDone: outcome.size, bytesTotal: outcome.size } : {}),
      path: outcome.path,
      partPath,
      reason: outcome.ok ? null : (stopped ?? describeReason(outcome.reason ?? 'unknown reason', entry.sources)),
      result,
    });
  }

  private stoppedState(entry: Entry): 'paused' | 'cancelled' {
    return entry.pausing ? 'paused' : 'cancelled';
  }

  /** The run is over: ended for good, or paused (no finishedAt: it is not finished). */
  private end(entry: Entry, change: Partial<DownloadView>): void {
    this.update(entry, { ...change, bytesPerSecond: 0, activeSources: 0, finishedAt: change.state === 'paused' ? null : new Date().toISOString() }, undefined, true);
  }

  private update(entry: Entry, change: Partial<DownloadView>, sources?: TransferSource[], ending = false): void {
    // a late progress report after the end (or after a pause)
    if (isFinished(entry.view) || (entry.view.state === 'paused' && !ending)) return;
    if (sources) entry.sources = sources;
    const view = { ...entry.view, ...change };
    const pieces = pieceCounts(view);
    entry.view = { ...view, piecesDone: pieces.done, piecesTotal: pieces.total };
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
