import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import type { Page, ReportCreate, ReportStatus, ReportView } from '#contracts';
import type { AuthUser } from '../auth/auth-user.js';
import { ConflictError, InvalidInputError, NotFoundError } from '../common/errors.js';
import { PrismaService } from '../database/prisma.service.js';
import { AuditLogRepository } from '../moderation/audit-log.repository.js';
import { cursorTimestamp, decodeCursor, toPage } from '../common/paging.js';
import { RateLimitService } from '../rate-limit/rate-limit.service.js';
import { UsersRepository } from '../users/users.repository.js';
import { ReportsRepository, type ReportRow } from './reports.repository.js';

export const REPORTS_PER_USER = 'reports-per-user';

const ReportCursorSchema = z
  .object({ at: cursorTimestamp, id: z.uuid() })
  .transform(({ at, id }) => ({ createdAt: new Date(at), id }));

export function toReportView(row: ReportRow): ReportView {
  return {
    id: row.id,
    reporter: { id: row.reporter_id, username: row.reporter_username },
    target:
      row.target_sha256 !== null
        ? { kind: 'file', sha256: row.target_sha256, name: row.file_name }
        : { kind: 'user', userId: row.target_user_id!, username: row.target_username! },
    reason: row.reason,
    status: row.status,
    createdAt: row.created_at.toISOString(),
    decidedAt: row.decided_at?.toISOString() ?? null,
    decidedBy: row.decided_by && row.decided_by_username ? { id: row.decided_by, username: row.decided_by_username } : null,
    note: row.note,
  };
}

/** What a report is about, readably, for the audit log. */
function targetLabel(report: ReportView): string {
  return report.target.kind === 'file' ? `file ${report.target.name ?? report.target.sha256}` : `user ${report.target.username}`;
}

@Injectable()
export class ReportsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly reports: ReportsRepository,
    private readonly users: UsersRepository,
    private readonly audit: AuditLogRepository,
    private readonly limits: RateLimitService,
  ) {}

  /** Any signed-in user reports a file (even one nobody shares right now) or a user. */
  async create(reporter: AuthUser, request: ReportCreate): Promise<ReportView> {
    await this.limits.consume(REPORTS_PER_USER, reporter.id);
    let targetUserId: string | undefined;
    if (request.username !== undefined) {
      const target = await this.users.findByUsername(request.username);
      if (!target) throw new NotFoundError(`User "${request.username}" not found`);
      if (target.id === reporter.id) throw new InvalidInputError([{ field: 'username', message: 'you cannot report yourself' }]);
      targetUserId = target.id;
    }
    const id = await this.reports.create({ reporterId: reporter.id, targetSha256: request.sha256, targetUserId, reason: request.reason });
    if (!id) throw new ConflictError('You already have an open report on this; a moderator will look at it');
    return toReportView((await this.reports.findView(id))!);
  }

  async list(query: { status?: ReportStatus; cursor?: string; limit: number }): Promise<Page<ReportView>> {
    const before = decodeCursor(ReportCursorSchema, query.cursor);
    const rows = await this.reports.list({ status: query.status, before, limit: query.limit + 1 });
    return toPage(rows, query.limit, toReportView, (row) => ({ at: row.created_at.toISOString(), id: row.id }));
  }

  /** Resolved: a moderator acted on it. Dismissed: nothing to act on. Either way only once. */
  decide(actor: AuthUser, id: string, status: 'resolved' | 'dismissed', note: string | undefined): Promise<ReportView> {
    return this.prisma.$transaction(async (tx) => {
      const decided = await this.reports.decide(tx, id, { status, decidedById: actor.id, note: note || null });
      const report = await this.reports.findView(id, tx);
      if (!report) throw new NotFoundError('Report not found');
      if (!decided) throw new ConflictError(`Report was already ${report.status}`);
      const view = toReportView(report);
      await this.audit.append(tx, {
        actor,
        action: status === 'resolved' ? 'report.resolve' : 'report.dismiss',
        target: `report:${id}`,
        targetLabel: targetLabel(view),
        reason: note || null,
        detail: `reported by ${view.reporter.username}: ${view.reason}`,
      });
      return view;
    });
  }
}
