import { createHash } from 'node:crypto';
import { type FileHandle, mkdir, open } from 'node:fs/promises';
import { Agent } from 'node:http';
import { pieceCount, pieceRange } from '#contracts';
import { packDigests, pieceRootOf } from '../shares/piece-hashes.js';
import { type DownloadOutcome, type DownloadProgress, type DownloadRequest, type ValidDownloadRequest, parseDownloadRequest } from './download-request.js';
import { type FileDigest, fileDigest } from './file-digest.js';
import { claimPlacement } from './download-lock.js';
import { type PartState, type Placement, discardPart, finalizePart, saveState } from './part-file.js';
import { isOutOfSpace, noSpaceReason, spaceShortage } from './disk-space.js';
import { countBytes, digestsFromState, fetchVerifiedDigests, verifyHeldPieces } from './piece-digests.js';
import { PieceScheduler } from './piece-scheduler.js';
import { PieceBufferPool } from './piece-buffer-pool.js';
import { type PieceWriter, pieceWriter } from './piece-writer.js';
import { PieceSet } from './piece-set.js';
import { type SourceConnection, SourceError, fetchSpan } from './source-client.js';
import { type SourcePolicy, SourceState } from './source-state.js';
import { ProgressMeter } from './progress-meter.js';
import { type RenewTicket, type TicketGrant, TicketRenewal } from './ticket-renewal.js';
import type { DownloadSource } from './download-request.js';
import type { PartialFile, SwarmParticipation } from './swarm.js';

export interface DownloadOptions extends Partial<SourcePolicy> {
  signal?: AbortSignal;
  onProgress?: (progress: DownloadProgress) => void;
  /** parallel range requests per source (default 2) */
  requestsPerSource?: number;
  /**
   * most pieces per range request (default 16, i.e. 16 MiB). Requests shrink as the download nears
   * its end so that the last pieces spread over every source instead of waiting on a slow one.
   */
  piecesPerRequest?: number;
  /** a request silent for this long has failed (default 15 s) */
  idleTimeoutMs?: number;
  /**
   * check, write and hash pieces on a worker thread instead of the receiving one (default: for
   * files of 16 MiB and more, with piece digests, where starting the thread pays off).
   */
  checkPiecesOffThread?: boolean;
  /**
   * asks the directory for a fresh ticket when sources refuse theirs (it expired; a server restart
   * gave the source a new session id). Without it such a source is dropped at once.
   */
  renewTicket?: RenewTicket;
  /** lines worth showing the user: a source lost, a ticket renewed */
  log?: (line: string) => void;
  /**
   * swarming: the download serves its verified pieces to others while it runs (and says so), and
   * claims pieces rarest first, starting at random, so that downloaders that started together
   * fetch different pieces and trade them
   */
  swarm?: SwarmParticipation;
  /**
   * ask the directory for a fresh grant this often (with renewTicket), to learn new partial
   * sources and the pieces they have (default: 4 s when `swarm` is set, never otherwise)
   */
  refreshSourcesMs?: number;
  /** a partial source with none of the pieces still needed is given up after this long without a complete source (default 30 s) */
  partialIdleMs?: number;
}

type PartPlacement = Extract<Placement, { kind: 'part' }>;

const STATE_SAVE_INTERVAL_MS = 2_000;
/** how long a count of which partial source holds which piece is reused */
const HOLDER_COUNT_TTL_MS = 250;
const FIRST_REFRESH_MS = 1_500;
/** below this, starting threads costs more than hashing on the receiving thread */
const OFF_THREAD_THRESHOLD = 16 * 1024 * 1024;

/**
 * Downloads one file from one or more sources into `<outputDir>/<name>.part`, verifying every
 * piece against the piece root (when known) and the whole file against its SHA-256 before it gets
 * its final name. Resumes a previous `.part`; never overwrites an existing file. Input errors
 * throw InvalidDownloadRequestError; everything else ends in the outcome.
 */
export async function downloadFile(input: DownloadRequest, options: DownloadOptions = {}): Promise<DownloadOutcome> {
  const request = parseDownloadRequest(input);
  await mkdir(request.outputDir, { recursive: true });
  const claimed = await claimPlacement(request.outputDir, request.name, request.sha256, request.size);
  const base = { sha256: request.sha256, sourcesUsed: [] as string[], badSources: [] as string[] };
  if (claimed.kind === 'complete') return { ...base, ok: true, bytes: 0, path: claimed.path, alreadyComplete: true };
  // Two downloads writing the same .part would corrupt each other: the second one is refused.
  if (claimed.kind === 'busy') return { ...base, ok: false, bytes: 0, path: null, reason: claimed.reason };
  try {
    return await new Download(request, claimed.placement, options).run();
  } finally {
    await claimed.release();
  }
}

/** [start, length] of every piece held. */
function storedRanges(have: PieceSet, size: number): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (let index = 0; index < have.total; index++) {
    if (!have.has(index)) continue;
    const { start, end } = pieceRange(index, size);
    ranges.push([start, end - start]);
  }
  return ranges;
}

class Download {
  private readonly sources: SourceState[] = [];
  private readonly lanes = new Set<Promise<void>>();
  private readonly policy: SourcePolicy;
  private readonly renewal?: TicketRenewal;
  /** ends what outlives the download (a renewal under way) */
  private readonly finished = new AbortController();
  private readonly signal: AbortSignal;
  private readonly agent: Agent;
  private readonly meter: ProgressMeter;
  private handle?: FileHandle;
  private digest?: FileDigest;
  private writer?: PieceWriter;
  private readonly buffers = new PieceBufferPool();
  private digests?: Buffer[];
  private scheduler!: PieceScheduler;
  private bytesFetched = 0;
  private contiguous = 0;
  private fatal?: unknown;
  private stateSaving = Promise.resolve();
  private stateDirty = false;
  private lastStateSave = Date.now();
  private waiters: Array<() => void> = [];
  private timer?: NodeJS.Timeout;
  private partial?: PartialFile;
  private lastRefresh = Date.now();
  private refreshes = 0;
  private refreshing = false;
  private holderCounts?: { at: number; counts: Uint16Array };
  /** bytes delivered by partial sources (swarming) */
  private partialBytes = 0;
  /** swarming: where this download next asks complete sources for pieces (it starts at random) */
  private sweep?: number;

  constructor(
    private readonly request: ValidDownloadRequest,
    private readonly placement: PartPlacement,
    private readonly options: DownloadOptions,
  ) {
    this.policy = {
      maxConsecutiveFailures: options.maxConsecutiveFailures ?? 3,
      maxBusyWaitMs: options.maxBusyWaitMs ?? 300_000,
      maxTicketWaitMs: options.renewTicket ? (options.maxTicketWaitMs ?? 120_000) : 0,
    };
    this.signal = options.signal ?? new AbortController().signal;
    for (const source of uniqueByUrl(request.sources)) this.sources.push(this.sourceState(source, request.ticket));
    if (options.renewTicket) {
      this.renewal = new TicketRenewal(
        options.renewTicket,
        { renewed: (grant) => this.useGrant(grant, this.refreshing), failed: (error) => this.log(`Could not get a new ticket (${errorMessage(error)}); trying again shortly`) },
        AbortSignal.any([this.signal, this.finished.signal]),
      );
    }
    this.agent = new Agent({ keepAlive: true, maxSockets: this.requestsPerSource });
    this.meter = new ProgressMeter(request.size);
  }

  private get requestsPerSource(): number {
    return this.options.requestsPerSource ?? 2;
  }

  async run(): Promise<DownloadOutcome> {
    const { size, pieceRoot } = this.request;
    let have = new PieceSet(pieceCount(size));
    let resumedBytes = 0;
    const abortAll = () => this.sources.forEach((source) => source.controller.abort());
    this.signal.addEventListener('abort', abortAll);
    this.timer = setInterval(() => this.tick(), 250);
    try {
      const previous = this.placement.state;
      const held = previous ? countBytes(PieceSet.fromBase64(have.total, previous.done), size) : 0;
      const shortage = await spaceShortage(this.request.outputDir, size - held);
      if (shortage) return await this.failed(shortage, have);
      if (!previous) await saveState(this.placement.statePath, this.state(have));
      this.handle = await open(this.placement.partPath, previous ? 'r+' : 'w+');
      await this.handle.truncate(size);
      if (pieceRoot && have.total === 0) {
        // An empty file has no pieces: its root is SHA-256 of nothing, nothing to ask a source.
        if (pieceRoot !== pieceRootOf([])) return await this.failed('the piece root does not match an empty file', have);
        this.digests = [];
      } else if (pieceRoot) {
        this.digests = digestsFromState(previous, pieceRoot, size) ?? (await this.fetchDigests(pieceRoot));
        if (!this.digests) return await this.failed(`no source sent a piece list matching the piece root: ${this.sourceReasons()}`, have);
        // Kept at once: the sidecar has its full length from now on, so that on a full disk it can
        // still be rewritten in place (see saveState).
        if (!previous?.pieces) await this.saveStateNow(previous ? PieceSet.fromBase64(have.total, previous.done) : have);
      }
      if (previous) {
        have = PieceSet.fromBase64(have.total, previous.done);
        resumedBytes = await verifyHeldPieces(this.handle, have, size, this.digests);
      }
      this.scheduler = new PieceScheduler(have);
      if (this.options.swarm && have.total > 0) this.sweep = Math.floor(Math.random() * have.total);
      this.meter.start(resumedBytes);
      if (this.options.swarm && pieceRoot && this.digests && have.total > 0) {
        this.partial = { sha256: this.request.sha256, size, pieceRoot, name: this.request.name, path: this.placement.partPath, pieces: this.digests, have };
        this.options.swarm.started(this.partial);
      }
      if (this.digests && (this.options.checkPiecesOffThread ?? size >= OFF_THREAD_THRESHOLD)) {
        this.writer = pieceWriter(this.placement.partPath, (buffer) => this.buffers.release(buffer));
        this.writer.alreadyStored(storedRanges(have, size));
        this.digest = { advance: () => undefined, finish: (bytes) => this.writer!.finish(bytes), cancel: async () => undefined };
      } else {
        this.digest = fileDigest(this.placement.partPath, size);
      }
      this.advanceDigest();
      for (const source of this.sources) this.startLanes(source);
      // Sources a renewed ticket brings start lanes of their own meanwhile.
      while (this.lanes.size > 0) await Promise.all(this.lanes);
      if (this.fatal) throw this.fatal;
      if (this.signal.aborted) return await this.failed('aborted', have, resumedBytes);
      if (!have.complete) return await this.failed(`no source could deliver the rest: ${this.sourceReasons()}`, have, resumedBytes);
      const outcome = await this.complete(resumedBytes);
      // Others keep getting pieces from the complete file until the owner has published it (seeding).
      if (this.partial && outcome.path) this.partial.path = outcome.path;
      return outcome;
    } catch (error) {
      if (isOutOfSpace(error)) return await this.failed(await noSpaceReason(this.request.outputDir, size - countBytes(have, size)), have, resumedBytes);
      return await this.failed(`download failed: ${error instanceof Error ? error.message : String(error)}`, have, resumedBytes);
    } finally {
      if (this.partial) this.options.swarm!.ended(this.partial.path !== this.placement.partPath);
      this.finished.abort();
      clearInterval(this.timer);
      this.signal.removeEventListener('abort', abortAll);
      this.agent.destroy();
      await this.digest?.cancel();
      await this.writer?.close();
      await this.handle?.close().catch(() => undefined);
    }
  }

  /** One request at a time against one source, as long as there is work it can do. */
  private async lane(source: SourceState): Promise<void> {
    while (!this.scheduler.complete && !this.fatal && !this.signal.aborted && !source.dropped) {
      const wait = source.waitMs();
      if (wait > 0) {
        await this.changeOrTimeout(wait);
        continue;
      }
      const holders = this.holders();
      const run = this.scheduler.claim(this.spanSize(source), {
        has: (index) => source.has(index),
        holders,
        random: this.options.swarm !== undefined,
        // A complete source's upload is the swarm's scarce resource: it is asked for what no
        // partial source can give, while partial sources can give the rest (not near the end),
        // sweeping on from where this download last asked it.
        ...(holders && !source.partial && this.scheduler.unclaimed > this.lanes.size ? { onlyUnheld: true } : {}),
        ...(this.sweep !== undefined && !source.partial ? { from: this.sweep } : {}),
      });
      if (run && this.sweep !== undefined && !source.partial) this.sweep = (run.at(-1)! + 1) % this.scheduler.have.total;
      if (!run) {
        if (this.uselessPartial(source)) {
          source.drop('it has none of the pieces still needed, and no complete source is left');
          break;
        }
        // Everything left is in flight elsewhere (or this partial source lacks it); wake when a piece lands or is given back.
        await this.changeOrTimeout(1000);
        continue;
      }
      source.idleSince = undefined;
      const ticket = source.ticket;
      try {
        await fetchSpan(this.connect(source), {
          sha256: this.request.sha256,
          size: this.request.size,
          first: run[0]!,
          count: run.length,
          allocate: (length) => this.buffers.take(length),
          onPiece: (index, data) => this.storePiece(source, index, data),
          onPieces: (bitfield) => source.partial && source.learnPieces({ partial: true, bitfield }),
        });
        source.succeeded();
      } catch (error) {
        if (error instanceof SourceError && !this.signal.aborted) this.sourceFailed(source, error, ticket);
        else if (!this.signal.aborted && !source.controller.signal.aborted) this.fatal ??= error;
      } finally {
        this.scheduler.release(run);
        this.notify();
      }
    }
    this.notify();
  }

  /** How many partial sources that can be asked now hold each piece (for rarest first); undefined without any. */
  private holders(): ((index: number) => number) | undefined {
    const partials = this.sources.filter((source) => source.partial && !source.dropped && source.waitMs() === 0);
    if (partials.length === 0) return undefined;
    const now = Date.now();
    if (!this.holderCounts || now - this.holderCounts.at > HOLDER_COUNT_TTL_MS) {
      const counts = new Uint16Array(this.scheduler.have.total);
      for (const source of partials) for (let index = 0; index < counts.length; index++) if (source.has(index)) counts[index]!++;
      this.holderCounts = { at: now, counts };
    }
    const counts = this.holderCounts.counts;
    return (index) => counts[index]!;
  }

  /** A partial source that has had nothing to offer for long, while no complete source is left to fetch the rest from. */
  private uselessPartial(source: SourceState): boolean {
    if (!source.partial) return false;
    const now = Date.now();
    source.idleSince ??= now;
    if (now - source.idleSince < (this.options.partialIdleMs ?? 30_000)) return false;
    return !this.sources.some((other) => !other.partial && !other.dropped);
  }

  /**
   * A source refusing the ticket it was asked with gets a new one: at once if a renewal brought
   * one meanwhile, otherwise it waits while the directory is asked for one.
   */
  private sourceFailed(source: SourceState, error: SourceError, ticketUsed: string): void {
    if (error.failure.kind === 'ticket' && source.ticket !== ticketUsed) return;
    source.failed(error.failure);
    if (error.failure.kind === 'ticket' && source.awaitingTicket) void this.renewal?.request();
  }

  /** The piece list from the first source that has one matching the root, waiting for tickets if need be. */
  private async fetchDigests(pieceRoot: string): Promise<Buffer[] | undefined> {
    for (;;) {
      const digests = await fetchVerifiedDigests(this.sources, (source) => this.connect(source), { ...this.request, pieceRoot });
      if (digests || !this.renewal || this.signal.aborted || !this.sources.some((source) => source.awaitingTicket && !source.dropped)) return digests;
      await this.renewal.request();
    }
  }

  /** A renewed ticket: sources it names (by address) are asked with it; new ones join the download. */
  private useGrant(grant: TicketGrant, periodic = false): void {
    const joined: string[] = [];
    for (const offered of uniqueByUrl(grant.sources)) {
      const known = this.sources.find((source) => source.source.url === offered.url);
      if (known && !known.dropped) known.useTicket(offered, grant.ticket);
      else if (!known && !this.scheduler?.complete) {
        const source = this.sourceState(offered, grant.ticket);
        this.sources.push(source);
        if (this.scheduler) this.startLanes(source);
        joined.push(source.name);
      }
    }
    this.holderCounts = undefined;
    // A periodic refresh (swarming) is worth a line only when it brings new sources.
    if (periodic && joined.length === 0) return this.notify();
    const active = this.sources.filter((source) => !source.dropped).map((source) => source.name);
    this.log(`Got a new ticket from the server; sources: ${active.join(', ') || 'none'}${joined.length ? ` (new: ${joined.join(', ')})` : ''}`);
    this.notify();
  }

  private sourceState(source: DownloadSource, ticket: string): SourceState {
    return new SourceState(source, ticket, this.policy, (lost) => this.sourceLost(lost), pieceCount(this.request.size));
  }

  private startLanes(source: SourceState): void {
    for (let index = 0; index < this.requestsPerSource; index++) {
      const lane: Promise<void> = this.lane(source).finally(() => this.lanes.delete(lane));
      this.lanes.add(lane);
    }
  }

  /** Says so when a source is given up while the download still needs it. */
  private sourceLost(lost: SourceState): void {
    if (this.signal.aborted || this.scheduler?.complete) return;
    const others = this.sources.filter((source) => !source.dropped).map((source) => source.name);
    const blame = lost.bad ? ' (reported to the server)' : '';
    this.log(`Lost source ${lost.name}: ${lost.reason}${blame}; ${others.length ? `continuing with ${others.join(', ')}` : 'no other source left'}`);
  }

  private log(line: string): void {
    this.options.log?.(line);
  }

  /** Big requests while much is left (fewer round trips), single pieces near the end. */
  private spanSize(source: SourceState): number {
    const lanes = this.sources.filter((other) => !other.dropped).length * this.requestsPerSource;
    const fairShare = Math.floor(this.scheduler.unclaimed / (2 * Math.max(1, lanes)));
    // Swarming: short runs, so that pieces reach the others (and are announced) soon after they
    // arrive; single pieces from a complete source, whose upload the whole swarm shares, so that
    // what it sends becomes visible (and tradeable) fast and is rarely sent twice.
    const swarmSpan = source.partial ? 4 : 1;
    return Math.max(1, Math.min(this.options.piecesPerRequest ?? (this.options.swarm ? swarmSpan : 16), fairShare));
  }

  /**
   * Checks and stores one piece. Bytes that fail their digest blame the source that sent them: it
   * is dropped (its requests cancelled) and the piece goes back to the others.
   */
  private async storePiece(source: SourceState, index: number, data: Buffer): Promise<void> {
    const { start, end } = pieceRange(index, this.request.size);
    const expected = this.digests?.[index];
    let ok: boolean;
    if (expected && this.writer) {
      // Large downloads: checked, written and hashed on the worker, so this thread keeps receiving.
      ok = await this.writer.store(start, data, expected);
    } else {
      try {
        ok = !expected || createHash('sha256').update(data).digest().equals(expected);
        for (let written = 0; ok && written < data.length; ) {
          written += (await this.handle!.write(data, written, data.length - written, start + written)).bytesWritten;
        }
      } finally {
        this.buffers.release(data);
      }
    }
    // Bytes that fail their digest are never written; the source that sent them is blamed and dropped.
    if (!ok) return source.failed({ kind: 'bad-piece', index });
    this.scheduler.done(index);
    source.delivered();
    if (source.partial) this.partialBytes += end - start;
    this.options.swarm?.verified();
    this.renewal?.progressed();
    this.bytesFetched += end - start;
    this.meter.add(end - start);
    this.stateDirty = true;
    this.advanceDigest();
  }

  private advanceDigest(): void {
    const have = this.scheduler.have;
    const first = have.firstMissing(this.contiguous);
    this.contiguous = first;
    this.digest!.advance(first >= have.total ? this.request.size : pieceRange(first, this.request.size).start);
  }

  /** No more periodic sidecar saves: the sidecar is about to be removed or written one last time. */
  private async settleState(): Promise<void> {
    clearInterval(this.timer);
    await this.stateSaving;
  }

  private async complete(resumedBytes: number): Promise<DownloadOutcome> {
    await this.settleState();
    await this.handle!.sync();
    const actual = await this.digest!.finish(this.request.size);
    if (actual !== this.request.sha256) {
      await this.handle!.close();
      await discardPart(this.placement);
      // With verified pieces this means the index itself is inconsistent; without, any source may have lied.
      return this.outcome(false, null, `the downloaded file's SHA-256 is ${actual}, not ${this.request.sha256}; discarded`, resumedBytes);
    }
    await this.handle!.close();
    const path = await finalizePart(this.request.outputDir, this.placement);
    this.emitProgress();
    return this.outcome(true, path, undefined, resumedBytes);
  }

  private async failed(reason: string, have: PieceSet, resumedBytes = 0): Promise<DownloadOutcome> {
    await this.settleState();
    if (have.count === 0 && have.total > 0) {
      // Nothing worth resuming: leave no empty .part behind.
      await this.handle?.close().catch(() => undefined);
      await discardPart(this.placement).catch(() => undefined);
      return this.outcome(false, null, reason, resumedBytes);
    }
    // What was stored stays, with its sidecar, for the next attempt to resume.
    await this.saveStateNow(have).catch(() => undefined);
    return this.outcome(false, null, reason, resumedBytes);
  }

  private outcome(ok: boolean, path: string | null, reason: string | undefined, resumedBytes: number): DownloadOutcome {
    return {
      ok,
      bytes: this.bytesFetched,
      sha256: this.request.sha256,
      path,
      sourcesUsed: this.sources.flatMap((source) => [...source.usedSessions]),
      badSources: this.sources.flatMap((source) => [...source.blamedSessions]),
      ...(this.partialBytes > 0 ? { partialBytes: this.partialBytes } : {}),
      ...(reason ? { reason } : {}),
      ...(resumedBytes > 0 ? { resumedBytes } : {}),
    };
  }

  private connect(source: SourceState): SourceConnection {
    return {
      url: source.source.url,
      ticket: source.ticket,
      agent: this.agent,
      idleTimeoutMs: this.options.idleTimeoutMs ?? 15_000,
      signal: AbortSignal.any([this.signal, source.controller.signal]),
    };
  }

  private state(have: PieceSet): PartState {
    const { sha256, size, pieceRoot } = this.request;
    return { version: 1, sha256, size, pieceRoot, ...(this.digests ? { pieces: packDigests(this.digests) } : {}), done: have.toBase64() };
  }

  private saveStateNow(have: PieceSet): Promise<void> {
    this.stateDirty = false;
    this.lastStateSave = Date.now();
    const state = this.state(have);
    const saved = this.stateSaving.then(() => saveState(this.placement.statePath, state));
    // Later saves run after this one whether it worked or not.
    this.stateSaving = saved.catch(() => undefined);
    return saved;
  }

  private tick(): void {
    if (!this.scheduler) return;
    this.emitProgress();
    const refreshMs = this.options.refreshSourcesMs ?? (this.options.swarm ? 4_000 : undefined);
    // The first refresh comes sooner: downloaders that started together have pieces by then.
    const due = this.refreshes === 0 ? Math.min(FIRST_REFRESH_MS, refreshMs ?? 0) : refreshMs;
    if (refreshMs && due && this.renewal && !this.scheduler.complete && Date.now() - this.lastRefresh >= due) {
      this.lastRefresh = Date.now();
      this.refreshes++;
      void this.refreshSources();
    }
    if (this.stateDirty && Date.now() - this.lastStateSave > STATE_SAVE_INTERVAL_MS) {
      this.saveStateNow(this.scheduler.have).catch(() => undefined);
    }
  }

  /** Swarming: a fresh grant names the partial sources that appeared since, and what each has now. */
  private async refreshSources(): Promise<void> {
    this.refreshing = true;
    try {
      await this.renewal!.request();
    } finally {
      this.refreshing = false;
    }
  }

  private emitProgress(): void {
    const active = this.sources.filter((source) => !source.dropped && source.waitMs() === 0).length;
    this.options.onProgress?.(this.meter.snapshot(active));
  }

  private sourceReasons(): string {
    return this.sources.map((source) => `${source.name}: ${source.reason ?? 'no answer'}`).join('; ') || 'no sources';
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  private changeOrTimeout(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

/** One source per address: after a server restart one peer may be listed under two session ids. */
function uniqueByUrl(sources: readonly DownloadSource[]): DownloadSource[] {
  const seen = new Set<string>();
  return sources.filter((source) => !seen.has(source.url) && seen.add(source.url));
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
