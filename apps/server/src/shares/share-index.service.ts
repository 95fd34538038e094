import { Injectable } from '@nestjs/common';
import { partitionEntries, type RejectedEntry, type ShareDelta, type ShareDeltaResult, type ShareSync, type ShareSyncResult } from '#contracts';
import { PrismaService } from '../database/prisma.service.js';
import type { SqlRunner } from '../database/sql-pool.service.js';
import type { PeerSocketData } from '../realtime/peer-socket.js';
import type { IndexedFile } from '../search/memory-index/memory-index.js';
import { SearchIndexService } from '../search/memory-index/search-index.service.js';
import { BlocklistService } from './blocklist.service.js';
import { assertListSize, sumSizes } from './list-size.js';
import { prepareEntry, type PreparedEntry } from './prepared-entry.js';
import { ShareFilesRepository } from './share-files.repository.js';
import { ShareListsRepository, type ShareListRow } from './share-lists.repository.js';

/** Batches of one full sync written at once: two keep both database cores busy. */
const PARALLEL_BATCHES = 2;

/** A full sync in progress: where its batches go, and the paths already staged. */
interface Staging {
  listId: string;
  generation: number;
  paths: Set<string>;
  /** bytes of the entries staged so far */
  bytes: bigint;
  writes: Set<Promise<unknown>>;
}

/**
 * Publishing: full lists (share:sync, in batches) and changes (share:delta). A full list is staged
 * under a new generation and made live by one update when its final batch arrives, so searches
 * see the old list or the new one, never half of it. Batches of one sync are written two at a
 * time (a path sent twice is caught in memory, so they never conflict); everything else about a
 * session — starting a sync, making it live, deltas — happens in arrival order, one at a time.
 */
@Injectable()
export class ShareIndexService {
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly stagings = new Map<string, Staging>();

  constructor(
    private readonly prisma: PrismaService,
    private readonly lists: ShareListsRepository,
    private readonly files: ShareFilesRepository,
    private readonly blocklist: BlocklistService,
    private readonly searchIndex: SearchIndexService,
  ) {}

  async sync(session: PeerSocketData, payload: ShareSync): Promise<ShareSyncResult> {
    // Checking entries is CPU work, done before taking the session's turn so that it overlaps
    // with the database work of other batches.
    const { entries, rejected } = await this.prepare(payload.files);
    const staging = await this.inOrder(session.sessionId, () => this.stagingOf(session));
    const fresh = entries.filter((entry) => {
      if (!staging.paths.has(entry.path)) return true;
      rejected.push({ index: entry.index, reason: 'duplicate path: already sent in this sync' });
      return false;
    });
    // A batch that would pass the size limit is refused whole; the sync goes on without it.
    const bytes = staging.bytes + sumSizes(fresh);
    assertListSize(bytes);
    staging.bytes = bytes;
    for (const entry of fresh) staging.paths.add(entry.path);
    const accepted = await this.write(staging, () => this.files.insert(staging.listId, staging.generation, fresh));
    if (!payload.final) return { accepted, rejected: sortByIndex(rejected) };

    const fileCount = await this.inOrder(session.sessionId, async () => {
      await Promise.all(staging.writes);
      this.stagings.delete(session.sessionId);
      // Catches entries staged while this node still held blocklist rules older than an addition.
      await this.files.removeBlocked(staging.listId, staging.generation);
      const count = await this.prisma.$transaction(async (tx) => {
        const totals = await this.files.totals(staging.listId, staging.generation, (sql) => tx.$queryRaw(sql));
        await this.lists.promote(tx, staging.listId, staging.generation, payload.digest ?? null, totals);
        return totals.count;
      });
      await this.searchIndex.publish({ kind: 'list', listId: staging.listId });
      return count;
    });
    return { accepted, rejected: sortByIndex(rejected), fileCount };
  }

  async delta(session: PeerSocketData, payload: ShareDelta): Promise<ShareDeltaResult> {
    const { entries, rejected } = await this.prepare(payload.added);
    return this.inOrder(session.sessionId, async () => {
      const list = await this.listOf(session);
      const addedPaths = new Set(entries.map((entry) => entry.path));
      const removedPaths = [...new Set(payload.removed)].filter((path) => !addedPaths.has(path));
      const result = await this.prisma.$transaction(async (tx) => {
        const run: SqlRunner = (sql) => tx.$queryRaw(sql);
        const removed = await this.files.removePaths(list.id, list.generation, removedPaths, run);
        // An added path that is listed already replaces the old entry.
        const replaced = await this.files.removePaths(list.id, list.generation, [...addedPaths], run);
        const addedBytes = sumSizes(entries);
        assertListSize(list.totalBytes - removed.bytes - replaced.bytes + addedBytes);
        const inserted = await this.files.insert(list.id, list.generation, entries, { run });
        const fileCount = await this.lists.adjustTotals(
          tx,
          list.id,
          inserted - removed.count - replaced.count,
          addedBytes - removed.bytes - replaced.bytes,
          payload.digest ?? null,
        );
        return { added: inserted, removed: removed.count, rejected: sortByIndex(rejected), fileCount };
      });
      await this.searchIndex.publish({ kind: 'delta', listId: list.id, removedPaths, added: entries.map(toIndexedFile) });
      return result;
    });
  }

  /** Forgets an unfinished sync of a session that ended (its rows are purged with the list). */
  forget(sessionId: string): void {
    this.stagings.delete(sessionId);
  }

  /** The running sync of a session, or a new one under the next generation of its list. */
  private async stagingOf(session: PeerSocketData): Promise<Staging> {
    const running = this.stagings.get(session.sessionId);
    if (running) return running;
    const list = await this.listOf(session);
    const generation = await this.lists.stagingGeneration(list);
    const staging: Staging = { listId: list.id, generation, paths: new Set(), bytes: 0n, writes: new Set() };
    this.stagings.set(session.sessionId, staging);
    return staging;
  }

  /** Runs a batch's write once fewer than PARALLEL_BATCHES of its sync are running. */
  private async write<T>(staging: Staging, work: () => Promise<T>): Promise<T> {
    while (staging.writes.size >= PARALLEL_BATCHES) await Promise.race(staging.writes);
    const running = work();
    const settled = running.catch(() => undefined);
    staging.writes.add(settled);
    void settled.then(() => staging.writes.delete(settled));
    return running;
  }

  /** Validates entries one by one and drops blocked ones and repeated paths, each with its reason. */
  private async prepare(files: unknown[]): Promise<{ entries: PreparedEntry[]; rejected: RejectedEntry[] }> {
    const { valid, rejected } = partitionEntries(files);
    const blockedReason = await this.blocklist.checker();
    const entries: PreparedEntry[] = [];
    const seen = new Set<string>();
    for (const { index, entry } of valid) {
      const prepared = prepareEntry(entry, index);
      const blocked = blockedReason(prepared.sha256, prepared.name);
      if (blocked !== undefined) rejected.push({ index, reason: `blocked: ${blocked}` });
      else if (seen.has(prepared.path)) rejected.push({ index, reason: 'duplicate path in this batch' });
      else {
        seen.add(prepared.path);
        entries.push(prepared);
      }
    }
    return { entries, rejected };
  }

  private async listOf(session: PeerSocketData): Promise<ShareListRow> {
    return (await this.lists.forSession(session.sessionId)) ?? this.lists.createForSession(session.user.id, session.sessionId);
  }

  private inOrder<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(key) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => undefined);
    this.queues.set(key, settled);
    void settled.then(() => {
      if (this.queues.get(key) === settled) this.queues.delete(key);
    });
    return next;
  }
}

function toIndexedFile(entry: PreparedEntry): IndexedFile {
  const { path, name, words, size, sha256, ext, type } = entry;
  return { path, name, words, size, sha256, ext, type, pieceRoot: entry.pieceRoot ?? null };
}

function sortByIndex(rejected: RejectedEntry[]): RejectedEntry[] {
  return rejected.sort((a, b) => a.index - b.index);
}
