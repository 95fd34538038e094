import { Injectable } from '@nestjs/common';
import type { AuditAction } from '#contracts';
import { PrismaService } from '../database/prisma.service.js';
import type { Prisma } from '../generated/prisma/client.js';

/** Who acted: the id and the username at the time of the action. */
export interface AuditActor {
  id: string;
  username: string;
}

export interface AuditRecord {
  actor: AuditActor;
  action: AuditAction;
  target: string;
  targetLabel?: string | null;
  reason?: string | null;
  detail?: string | null;
}

export interface AuditFilter {
  action?: AuditAction;
  actorId?: string;
  /** ids below this one (newest first) */
  beforeId?: bigint;
  limit: number;
}

/**
 * The append-only audit log. `append` takes the caller's transaction client: an action and its
 * record commit together or not at all. There is deliberately no update or delete here (and the
 * database refuses both).
 */
@Injectable()
export class AuditLogRepository {
  constructor(private readonly prisma: PrismaService) {}

  async append(tx: Prisma.TransactionClient, record: AuditRecord): Promise<void> {
    await tx.auditLogEntry.create({
      data: {
        actorId: record.actor.id,
        actorUsername: record.actor.username,
        action: record.action,
        target: record.target,
        targetLabel: record.targetLabel ?? null,
        reason: record.reason ?? null,
        detail: record.detail ?? null,
      },
    });
  }

  /** Newest first; the id is the insertion order. */
  list({ action, actorId, beforeId, limit }: AuditFilter) {
    return this.prisma.auditLogEntry.findMany({
      where: { action, actorId, ...(beforeId !== undefined ? { id: { lt: beforeId } } : {}) },
      orderBy: { id: 'desc' },
      take: limit,
    });
  }
}
