import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import type { AdminSessionView, AdminStats, BlocklistCreate, BlocklistEntryView, Page } from '#contracts';
import { SearchIndexService } from '../search/memory-index/search-index.service.js';
import { ActivityService } from '../activity/activity.service.js';
import type { AuthUser } from '../auth/auth-user.js';
import { ConflictError, NotFoundError } from '../common/errors.js';
import { decodeCursor } from '../common/paging.js';
import { AppConfig } from '../config/app-config.js';
import { PrismaService } from '../database/prisma.service.js';
import { Prisma } from '../generated/prisma/client.js';
import { PresenceService } from '../presence/presence.service.js';
import { ShareModerationService } from '../shares/share-moderation.service.js';
import { SourceBlamesRepository } from '../transfers/source-blames.repository.js';
import { AuditLogRepository } from './audit-log.repository.js';
import { assertMayActOn } from './moderation-rules.js';

/**
 * Moderation of the directory: online sessions, files in the index and the blocklist. The change
 * and its audit record commit together; what happens outside the database (disconnecting a
 * socket, dropping a node's cached blocklist) follows the commit.
 */
@Injectable()
export class AdminDirectoryService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditLogRepository,
    private readonly presence: PresenceService,
    private readonly shares: ShareModerationService,
    private readonly activity: ActivityService,
    private readonly config: AppConfig,
    private readonly blames: SourceBlamesRepository,
    private readonly searchIndex: SearchIndexService,
  ) {}

  sessions(cursor: string | undefined, limit: number): Promise<Page<AdminSessionView>> {
    return this.presence.page(cursor, limit);
  }

  async kick(actor: AuthUser, sessionId: string, reason: string | undefined): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const session = await tx.peerSession.findUnique({ where: { id: sessionId }, include: { user: { select: { id: true, role: true, username: true } } } });
      if (!session || !(await this.presence.isOnline(sessionId))) throw new NotFoundError('No such online session');
      assertMayActOn(actor, session.user, 'kick');
      await this.audit.append(tx, { actor, action: 'session.kick', target: `session:${sessionId}`, targetLabel: session.user.username, reason: reason ?? null });
    });
    await this.presence.endSession(sessionId, reason ? `Disconnected by a moderator: ${reason}` : 'Disconnected by a moderator');
  }

  async removeFile(actor: AuthUser, sha256: string, reason: string | undefined): Promise<{ removed: number }> {
    const name = await this.shares.nameOf(sha256);
    const removed = await this.prisma.$transaction(async (tx) => {
      const count = await this.shares.removeHash(sha256, tx);
      if (count === 0) throw new NotFoundError(`Nothing in the index has the hash ${sha256}`);
      await this.audit.append(tx, { actor, action: 'file.remove', target: `sha256:${sha256}`, targetLabel: name, reason: reason ?? null, detail: `${count} entries removed` });
      return count;
    });
    await this.searchIndex.publish({ kind: 'takedown', sha256 });
    return { removed };
  }

  blocklist(cursor: string | undefined, limit: number): Promise<Page<BlocklistEntryView>> {
    return this.shares.listBlocks(decodeCursor(z.uuid(), cursor), limit);
  }

  /**
   * A hash or a pattern (ignoring case) already on the list is a 409. The unique indexes on
   * sha256 and lower(pattern) decide, so two moderators adding the same entry at once get one
   * entry and one 409.
   */
  async block(actor: AuthUser, entry: BlocklistCreate): Promise<BlocklistEntryView> {
    const add = this.prisma.$transaction(async (tx) => {
      const view = await this.shares.addBlock(entry, actor, tx);
      await this.audit.append(tx, {
        actor,
        action: 'blocklist.add',
        target: `blocklist:${view.id}`,
        targetLabel: view.sha256 ?? view.pattern,
        reason: entry.reason,
        detail: `${view.purged ?? 0} indexed entries purged`,
      });
      return view;
    });
    const created = await add.catch((error: unknown) => {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
        throw new ConflictError(`That ${entry.sha256 ? 'hash' : 'pattern'} is on the blocklist already`);
      }
      throw error;
    });
    await this.shares.blocklistChanged();
    return created;
  }

  async unblock(actor: AuthUser, id: string): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const removed = await this.shares.removeBlock(id, tx);
      await this.audit.append(tx, { actor, action: 'blocklist.remove', target: `blocklist:${id}`, targetLabel: removed.sha256 ?? removed.pattern, reason: null });
    });
    await this.shares.blocklistChanged();
  }

  async stats(): Promise<AdminStats> {
    const [online, users, distinctHashes, searches, transfers, topQueries, openReports, blames] = await Promise.all([
      this.presence.countOnline(),
      this.prisma.user.count(),
      this.shares.countDistinctHashes(this.config.presenceLeaseMs),
      this.activity.searchCounts(),
      this.transferCounts(),
      this.activity.topQueries(10),
      this.prisma.report.count({ where: { status: 'open' } }),
      this.blames.stats(),
    ]);
    return { onlineSessions: online.sessions, users, indexedFiles: online.files, distinctHashes, searches, transfers, topQueries, openReports, blames };
  }

  private async transferCounts(): Promise<{ lastHour: number; lastDay: number }> {
    const [row] = await this.prisma.$queryRaw<Array<{ hour: number; day: number }>>`
      SELECT count(*) FILTER (WHERE issued_at > now() - interval '1 hour')::int AS hour, count(*)::int AS day
      FROM transfers WHERE issued_at > now() - interval '1 day'`;
    return { lastHour: row?.hour ?? 0, lastDay: row?.day ?? 0 };
  }
}
