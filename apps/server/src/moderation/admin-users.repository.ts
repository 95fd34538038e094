import { Injectable } from '@nestjs/common';
import type { Role } from '#contracts';
import { PrismaService } from '../database/prisma.service.js';
import { Prisma } from '../generated/prisma/client.js';

/** A user as moderators see them: the account plus how many peer sessions it has open. */
const WITH_SESSION_COUNT = { _count: { select: { peerSessions: true } } } satisfies Prisma.UserInclude;
export type ModeratedUser = Prisma.UserGetPayload<{ include: typeof WITH_SESSION_COUNT }>;

export interface LockedUser {
  id: string;
  username: string;
  role: Role;
  banned_at: Date | null;
  banned_until: Date | null;
}

/**
 * Prisma's `contains` becomes LIKE '%…%' without escaping, so "_" and "%" would be wildcards
 * (PostgreSQL's default LIKE escape character is the backslash).
 */
export function escapeLikePattern(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

@Injectable()
export class AdminUsersRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Ordered by lower-cased username; `q` matches anywhere in it, ignoring case. */
  list({ q, after, limit }: { q?: string; after?: string; limit: number }): Promise<ModeratedUser[]> {
    return this.prisma.user.findMany({
      where: {
        usernameKey: {
          ...(q ? { contains: escapeLikePattern(q.toLowerCase()) } : {}),
          ...(after !== undefined ? { gt: after } : {}),
        },
      },
      orderBy: { usernameKey: 'asc' },
      take: limit,
      include: WITH_SESSION_COUNT,
    });
  }

  findView(id: string, db: Prisma.TransactionClient = this.prisma): Promise<ModeratedUser | null> {
    return db.user.findUnique({ where: { id }, include: WITH_SESSION_COUNT });
  }

  /**
   * Reads the acting moderator and the target and holds both rows until the transaction ends, so
   * that two moderators acting at once (a ban racing a promotion, two admins demoting each other)
   * are applied one after the other, each checking the rules against what the other left,
   * including the actor's own role. Rows are locked in id order, so two such transactions never
   * wait on each other in a cycle.
   */
  async lockActorAndTarget(tx: Prisma.TransactionClient, actorId: string, targetId: string): Promise<{ actor?: LockedUser; target?: LockedUser }> {
    const rows = await tx.$queryRaw<LockedUser[]>(Prisma.sql`
      SELECT id, username, role::text AS role, banned_at, banned_until
      FROM users WHERE id IN (${actorId}::uuid, ${targetId}::uuid)
      ORDER BY id
      FOR UPDATE`);
    return { actor: rows.find((row) => row.id === actorId), target: rows.find((row) => row.id === targetId) };
  }

  setBan(tx: Prisma.TransactionClient, id: string, ban: { reason: string; until: Date | null }) {
    return tx.user.update({ where: { id }, data: { bannedAt: new Date(), banReason: ban.reason, bannedUntil: ban.until } });
  }

  clearBan(tx: Prisma.TransactionClient, id: string) {
    return tx.user.update({ where: { id }, data: { bannedAt: null, banReason: null, bannedUntil: null } });
  }

  setRole(tx: Prisma.TransactionClient, id: string, role: Role) {
    return tx.user.update({ where: { id }, data: { role } });
  }
}
