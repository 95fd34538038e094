import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { BlocklistCreate, BlocklistEntryView, Page } from '#contracts';
import { ConflictError, NotFoundError } from '../common/errors.js';
import { toPage } from '../common/paging.js';
import { PrismaService } from '../database/prisma.service.js';
import { Prisma } from '../generated/prisma/client.js';
import { SearchIndexService } from '../search/memory-index/search-index.service.js';
import { patternToIlike } from './blocklist-pattern.js';
import { BlocklistService } from './blocklist.service.js';

const DISTINCT_HASHES_TTL_MS = 30_000;

type Tx = Prisma.TransactionClient;
type Db = Pick<PrismaService, '$queryRaw'> | Tx;

/**
 * What moderators do to the index: take a file (a hash) down, and keep files out with the
 * blocklist. A removal deletes the rows at once, in one statement, and corrects the lists' totals;
 * the search indexes of all nodes hear of it after the commit.
 */
@Injectable()
export class ShareModerationService {
  private distinctHashes: { value: number; at: number } | undefined;

  constructor(
    private readonly prisma: PrismaService,
    private readonly blocklist: BlocklistService,
    private readonly searchIndex: SearchIndexService,
  ) {}

  /** Removes every indexed entry with this hash; returns how many there were. */
  removeHash(sha256: string, db: Db = this.prisma): Promise<number> {
    return this.purgeWhere(db, Prisma.sql`f.sha256 = ${sha256}`);
  }

  /** Any name the index knows for a hash, for labels in the audit log. */
  async nameOf(sha256: string): Promise<string | null> {
    const row = await this.prisma.sharedFile.findFirst({ where: { sha256 }, select: { name: true } });
    return row?.name ?? null;
  }

  /** Adds an entry and purges what it matches; call invalidate() on the blocklist after the commit. */
  async addBlock(entry: BlocklistCreate, createdBy: { id: string; username: string }, db: Tx): Promise<BlocklistEntryView> {
    if (entry.sha256 && (await db.blocklistEntry.findUnique({ where: { sha256: entry.sha256 } }))) {
      throw new ConflictError('That hash is on the blocklist already');
    }
    const created = await db.blocklistEntry.create({
      data: {
        id: randomUUID(),
        sha256: entry.sha256 ?? null,
        pattern: entry.pattern ?? null,
        nameLike: entry.pattern ? patternToIlike(entry.pattern) : null,
        reason: entry.reason,
        createdBy: createdBy.id,
      },
    });
    const purged = await this.purgeWhere(
      db,
      created.sha256 ? Prisma.sql`f.sha256 = ${created.sha256}` : Prisma.sql`f.name ILIKE ${created.nameLike}`,
    );
    return { ...toView(created, createdBy.username), purged };
  }

  async removeBlock(id: string, db: Tx): Promise<BlocklistEntryView> {
    const entry = await db.blocklistEntry.findUnique({ where: { id }, include: { creator: { select: { username: true } } } });
    if (!entry) throw new NotFoundError('No such blocklist entry');
    await db.blocklistEntry.delete({ where: { id } });
    return toView(entry, entry.creator.username);
  }

  /** After the commit: this node's publish checks and every node's search index apply the change. */
  async blocklistChanged(): Promise<void> {
    this.blocklist.invalidate();
    await this.searchIndex.publish({ kind: 'blocklist' });
  }

  /** Newest first, after the entry `afterId` when given. */
  async listBlocks(afterId: string | undefined, limit: number): Promise<Page<BlocklistEntryView>> {
    const rows = await this.prisma.blocklistEntry.findMany({
      include: { creator: { select: { username: true } } },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit + 1,
      ...(afterId ? { cursor: { id: afterId }, skip: 1 } : {}),
    });
    return toPage(rows, limit, (row) => toView(row, row.creator.username), (row) => row.id);
  }

  /** Distinct content hashes online now; exact, recomputed at most every 30 s (a full scan). */
  async countDistinctHashes(leaseMs: number): Promise<number> {
    if (this.distinctHashes && Date.now() - this.distinctHashes.at < DISTINCT_HASHES_TTL_MS) return this.distinctHashes.value;
    const [row] = await this.prisma.$queryRaw<Array<{ n: number }>>`
      SELECT count(DISTINCT f.sha256)::int AS n
      FROM shared_files f
      JOIN share_lists l ON l.id = f.list_id AND l.generation = f.generation
      JOIN peer_sessions s ON s.id = l.session_id
      WHERE s.last_seen_at > ${new Date(Date.now() - leaseMs)}`;
    this.distinctHashes = { value: row?.n ?? 0, at: Date.now() };
    return this.distinctHashes.value;
  }

  private async purgeWhere(db: Db, condition: Prisma.Sql): Promise<number> {
    const [row] = await db.$queryRaw<Array<{ count: number }>>`
      WITH doomed AS (
        DELETE FROM shared_files f WHERE ${condition} RETURNING f.size, f.list_id, f.generation
      ), totals AS (
        UPDATE share_lists l SET file_count = l.file_count - t.files, total_bytes = l.total_bytes - t.bytes, digest = NULL
        FROM (SELECT list_id, generation, count(*)::int AS files, sum(size) AS bytes FROM doomed GROUP BY list_id, generation) t
        WHERE l.id = t.list_id AND l.generation = t.generation
      )
      SELECT count(*)::int AS count FROM doomed`;
    this.distinctHashes = undefined;
    return row?.count ?? 0;
  }
}

function toView(
  entry: { id: string; sha256: string | null; pattern: string | null; reason: string; createdAt: Date; createdBy: string },
  username: string,
): BlocklistEntryView {
  return {
    id: entry.id,
    sha256: entry.sha256,
    pattern: entry.pattern,
    reason: entry.reason,
    createdAt: entry.createdAt.toISOString(),
    createdBy: { id: entry.createdBy, username },
  };
}
