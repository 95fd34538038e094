import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { PrismaService } from '../database/prisma.service.js';
import type { ListTotals } from './share-files.repository.js';

export interface ShareListRow {
  id: string;
  generation: number;
  stagingGeneration: number | null;
  fileCount: number;
  totalBytes: bigint;
}

type Tx = Parameters<Parameters<PrismaService['$transaction']>[0]>[0];

const LIST_COLUMNS = { id: true, generation: true, stagingGeneration: true, fileCount: true, totalBytes: true } as const;

@Injectable()
export class ShareListsRepository {
  constructor(private readonly prisma: PrismaService) {}

  forSession(sessionId: string): Promise<ShareListRow | null> {
    return this.prisma.shareList.findUnique({
      where: { sessionId },
      select: LIST_COLUMNS,
    });
  }

  async createForSession(userId: string, sessionId: string): Promise<ShareListRow> {
    return this.prisma.shareList.create({
      data: { id: randomUUID(), userId, sessionId },
      select: LIST_COLUMNS,
    });
  }

  /**
   * Hands a detached list of this user with the same digest to a new session. Returns it and the
   * generation of a re-sync that was abandoned with the old session (now garbage), if any.
   */
  async adopt(userId: string, sessionId: string, digest: string, retentionMs: number) {
    const rows = await this.prisma.$queryRaw<Array<{ id: string; file_count: number; abandoned: number | null }>>`
      WITH target AS (
        SELECT id, staging_generation FROM share_lists
        WHERE user_id = ${userId}::uuid AND digest = ${digest} AND session_id IS NULL
          AND detached_at > now() - ${retentionMs} * interval '1 millisecond'
        ORDER BY detached_at DESC LIMIT 1
        FOR UPDATE SKIP LOCKED
      )
      UPDATE share_lists l SET session_id = ${sessionId}::uuid, detached_at = NULL, staging_generation = NULL
      FROM target WHERE l.id = target.id
      RETURNING l.id, l.file_count, target.staging_generation AS abandoned`;
    return rows[0];
  }

  /** The generation batches of a running re-sync go to, starting one if none is running. */
  async stagingGeneration(list: ShareListRow): Promise<number> {
    if (list.stagingGeneration !== null) return list.stagingGeneration;
    const [row] = await this.prisma.$queryRaw<Array<{ staging_generation: number }>>`
      UPDATE share_lists SET staging_generation = generation + 1 WHERE id = ${list.id}::uuid
      RETURNING staging_generation`;
    return row!.staging_generation;
  }

  /** Makes the staged generation live; the previous one becomes garbage for the sweeper. */
  async promote(tx: Tx, listId: string, staged: number, digest: string | null, totals: ListTotals) {
    await tx.$executeRaw`
      WITH previous AS (SELECT generation FROM share_lists WHERE id = ${listId}::uuid)
      INSERT INTO share_purges (list_id, generation) SELECT ${listId}::uuid, generation FROM previous`;
    await tx.$executeRaw`
      UPDATE share_lists SET generation = ${staged}::int, staging_generation = NULL, digest = ${digest},
        file_count = ${totals.count}::int, total_bytes = ${totals.bytes}::bigint
      WHERE id = ${listId}::uuid`;
  }

  /** After a delta: new totals, and the peer's digest of its changed list (null when it sent none). */
  async adjustTotals(tx: Tx, listId: string, files: number, bytes: bigint, digest: string | null): Promise<number> {
    const [row] = await tx.$queryRaw<Array<{ file_count: number }>>`
      UPDATE share_lists SET file_count = file_count + ${files}::int, total_bytes = total_bytes + ${bytes}::bigint,
        digest = ${digest}
      WHERE id = ${listId}::uuid RETURNING file_count`;
    return row?.file_count ?? 0;
  }

  enqueuePurge(listId: string, generation: number | null) {
    return this.prisma.$executeRaw`INSERT INTO share_purges (list_id, generation) VALUES (${listId}::uuid, ${generation}::int)`;
  }

  /** Lists whose session left longer ago than the retention: dropped now, their rows queued for purging. */
  async dropExpired(retentionMs: number): Promise<number> {
    return this.prisma.$executeRaw`
      WITH dropped AS (
        DELETE FROM share_lists
        WHERE session_id IS NULL AND detached_at < now() - ${retentionMs} * interval '1 millisecond'
        RETURNING id
      )
      INSERT INTO share_purges (list_id, generation) SELECT id, NULL FROM dropped`;
  }

  nextPurge() {
    return this.prisma.sharePurge.findFirst({ orderBy: { id: 'asc' } });
  }

  completePurge(id: bigint) {
    return this.prisma.sharePurge.delete({ where: { id } });
  }
}
