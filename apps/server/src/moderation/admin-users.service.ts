import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import type { AdminUserView, BanRequest, Page, Role } from '#contracts';
import type { AuthUser } from '../auth/auth-user.js';
import { TokenService } from '../auth/token.service.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../common/errors.js';
import { PrismaService } from '../database/prisma.service.js';
import type { Prisma } from '../generated/prisma/client.js';
import { activeBan } from '../users/users.service.js';
import { AdminUsersRepository, type LockedUser, type ModeratedUser } from './admin-users.repository.js';
import { PresenceService } from '../presence/presence.service.js';
import { AuditLogRepository } from './audit-log.repository.js';
import { assertMayActOn, banEnd, type UserAction } from './moderation-rules.js';
import { decodeCursor, toPage } from '../common/paging.js';

const UserCursorSchema = z.string().min(1).max(64);

export function toAdminUserView(user: ModeratedUser, now = new Date()): AdminUserView {
  // An expired ban is history, not a ban: the auth module lets the user in again.
  const banned = activeBan(user, now) !== undefined;
  return {
    id: user.id,
    username: user.username,
    role: user.role,
    createdAt: user.createdAt.toISOString(),
    ban: banned
      ? { reason: user.banReason ?? '', bannedAt: user.bannedAt!.toISOString(), until: user.bannedUntil?.toISOString() ?? null }
      : null,
    onlineSessions: user._count.peerSessions,
  };
}

/**
 * Bans, unbans and role changes. Each runs in one transaction that locks the actor's and the
 * target's rows, checks the rules (moderation-rules.ts) against both as they are now, applies the change and appends the audit
 * record, so an action is never applied without its record nor recorded without being applied.
 */
@Injectable()
export class AdminUsersService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly users: AdminUsersRepository,
    private readonly audit: AuditLogRepository,
    private readonly tokens: TokenService,
    private readonly presence: PresenceService,
  ) {}

  async list(query: { q?: string; cursor?: string; limit: number }): Promise<Page<AdminUserView>> {
    const after = decodeCursor(UserCursorSchema, query.cursor);
    const rows = await this.users.list({ q: query.q || undefined, after, limit: query.limit + 1 });
    const now = new Date();
    return toPage(rows, query.limit, (row) => toAdminUserView(row, now), (row) => row.usernameKey);
  }

  async ban(actor: AuthUser, userId: string, request: BanRequest): Promise<AdminUserView> {
    const until = banEnd(request.until);
    const view = await this.actOn(actor, userId, 'ban', async (tx, target) => {
      await this.users.setBan(tx, userId, { reason: request.reason, until });
      return {
        action: 'user.ban',
        reason: request.reason,
        // A ban on an already banned account replaces it (a moderator shortening or extending it).
        detail: `${until ? `until ${until.toISOString()}` : 'permanent'}${isBanned(target) ? ' (replaces the previous ban)' : ''}`,
      };
    });
    // After the commit: the ban itself already refuses every refresh, access token and handshake,
    // so a failure here cannot let the user back in; this ends what is live now.
    await this.tokens.revokeAllForUser(userId);
    await this.presence.endUserSessions(userId, `Account banned${until ? ` until ${until.toISOString()}` : ''}: ${request.reason}`);
    return view;
  }

  unban(actor: AuthUser, userId: string): Promise<AdminUserView> {
    return this.actOn(actor, userId, 'unban', async (tx, target) => {
      if (!isBanned(target)) throw new ConflictError(`${target.username} is not banned`);
      await this.users.clearBan(tx, userId);
      return { action: 'user.unban', reason: null, detail: null };
    });
  }

  changeRole(actor: AuthUser, userId: string, role: Role): Promise<AdminUserView> {
    return this.actOn(actor, userId, 'role', async (tx, target) => {
      if (target.role === role) throw new ConflictError(`${target.username} already has the ${role} role`);
      await this.users.setRole(tx, userId, role);
      return { action: 'user.role', reason: null, detail: `${target.role} → ${role}` };
    });
  }

  private async actOn(
    actor: AuthUser,
    userId: string,
    kind: UserAction,
    apply: (tx: Prisma.TransactionClient, target: LockedUser) => Promise<{ action: 'user.ban' | 'user.unban' | 'user.role'; reason: string | null; detail: string | null }>,
  ): Promise<AdminUserView> {
    return this.prisma.$transaction(async (tx) => {
      const locked = await this.users.lockActorAndTarget(tx, actor.id, userId);
      const target = locked.target;
      if (!target) throw new NotFoundError('User not found');
      // The actor as they are now, not as they were when the request was authenticated: another
      // admin may have demoted or banned them a moment ago.
      if (!locked.actor || isBanned(locked.actor)) throw new ForbiddenError('Your account can no longer act: it was banned or removed');
      assertMayActOn({ id: actor.id, role: locked.actor.role }, target, kind);
      const change = await apply(tx, target);
      await this.audit.append(tx, {
        actor,
        action: change.action,
        target: `user:${target.id}`,
        targetLabel: target.username,
        reason: change.reason,
        detail: change.detail,
      });
      return toAdminUserView((await this.users.findView(userId, tx))!);
    });
  }
}

function isBanned(user: LockedUser): boolean {
  return user.banned_at !== null && (user.banned_until === null || user.banned_until > new Date());
}
