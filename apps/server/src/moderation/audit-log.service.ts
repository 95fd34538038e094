import { Injectable } from '@nestjs/common';
import type { AuditAction, AuditEntryView, Page } from '#contracts';
import type { AuditLogEntry } from '../generated/prisma/client.js';
import { AuditLogRepository } from './audit-log.repository.js';
import { cursorBigint, decodeCursor, toPage } from '../common/paging.js';

export function toAuditEntryView(entry: AuditLogEntry): AuditEntryView {
  return {
    id: entry.id.toString(),
    actor: { id: entry.actorId, username: entry.actorUsername },
    action: entry.action as AuditAction,
    target: entry.target,
    targetLabel: entry.targetLabel,
    reason: entry.reason,
    detail: entry.detail,
    at: entry.at.toISOString(),
  };
}

@Injectable()
export class AuditLogService {
  constructor(private readonly audit: AuditLogRepository) {}

  async list(query: { action?: AuditAction; actorId?: string; cursor?: string; limit: number }): Promise<Page<AuditEntryView>> {
    const beforeId = decodeCursor(cursorBigint, query.cursor);
    const rows = await this.audit.list({ action: query.action, actorId: query.actorId, beforeId, limit: query.limit + 1 });
    return toPage(rows, query.limit, toAuditEntryView, (row) => row.id.toString());
  }
}
