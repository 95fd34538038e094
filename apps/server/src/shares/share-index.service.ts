import { Injectable } from '@nestjs/common';
import { partitionEntries, type RejectedEntry, type ShareDelta, type ShareDeltaResult, type ShareSync, type ShareSyncResult } from '#contracts';
import { PrismaService } from '../database/prisma.service.js';
import type { PeerSocketData } from '../realtime/peer-socket.js';
import { BlocklistService } from './blocklist.service.js';
import { prepareEntry, type PreparedEntry } from './prepared-entry.js';
import { ShareFilesRepository } from './share-files.repository.js';
import { ShareListsRepository, type ShareListRow } from './share-lists.repository.js';

/**
 * Publishing: full lists (share:sync, in batches) and changes (share:delta). A full list is staged
 * under a new generation and made live by one update when its final batch arrives, so searches
 * see the old list or the new one, never half of it. Work for one session is done in order.
 */
@Injectable()
export class ShareIndexService {
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly prisma: PrismaService,
    private readonly lists: ShareListsRepository,
    private readonly files: ShareFilesRepository,
    private readonly blocklist: BlocklistService,
  ) {}

  async sync(session: PeerSocketData, payload: ShareSync): Promise<ShareSyncResult> {
    // Checking entries is CPU work: done before taking the session's turn, so it overlaps with the
    // database work of the previous batch.
    const { entries, rejected } = await this.prepare(payload.files);
    return this.inOrder(session.sessionId, async () => {
      const list = await this.listOf(session);
      const staged = await this.lists.stagingGeneration(list);
      const inserted = await this.files.insert(list.id, staged, entries, { indexWords: false });
      rejectNotInserted(entries, inserted, rejected, 'duplicate path: already sent in this sync');
      if (!payload.final) return { accepted: inserted.size, rejected: sortByIndex(rejected) };

      await this.files.removeBlocked(this.prisma, list.id, staged);
      await this.files.indexWords(list.id, staged);
      const fileCount = await this.prisma.$transaction(async (tx) => {
        const totals = await this.files.totals(list.id, staged, tx);
        await this.lists.promote(tx, list.id, staged, payload.digest ?? null, totals);
        return totals.count;
      });
      return { accepted: inserted.size, rejected: sortByIndex(rejected), fileCount };
    });
  }

  async delta(session: PeerSocketData, payload: ShareDelta): Promise<ShareDeltaResult> {
    const { entries, rejected } = await this.prepare(payload.added);
    return this.inOrder(session.sessionId, async () => {
      const list = await this.listOf(session);
      const addedPaths = new Set(entries.map((entry) => entry.path));
      const removedPaths = [...new Set(payload.removed)].filter((path) => !addedPaths.has(path));
      return this.prisma.$transaction(async (tx) => {
        const removed = await this.files.removePaths(list.id, list.generation, removedPaths, tx);
        // An added path that is listed already replaces the old entry.
        const replaced = await this.files.removePaths(list.id, list.generation, [...addedPaths], tx);
        const inserted = await this.files.insert(list.id, list.generation, entries, { indexWords: true, db: tx });
        const addedBytes = entries.reduce((sum, entry) => sum + entry.size, 0);
        const fileCount = await this.lists.adjustTotals(
          tx,
          list.id,
          inserted.size - removed.count - replaced.count,
          addedBytes - removed.bytes - replaced.bytes,
          payload.digest ?? null,
        );
        return { added: inserted.size, removed: removed.count, rejected: sortByIndex(rejected), fileCount };
      });
    });
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

function rejectNotInserted(entries: PreparedEntry[], inserted: Set<string>, rejected: RejectedEntry[], reason: string): void {
  for (const entry of entries) if (!inserted.has(entry.path)) rejected.push({ index: entry.index, reason });
}

function sortByIndex(rejected: RejectedEntry[]): RejectedEntry[] {
  return rejected.sort((a, b) => a.index - b.index);
}
