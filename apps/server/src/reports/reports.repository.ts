import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { ReportStatus } from '#contracts';
import { PrismaService } from '../database/prisma.service.js';
import { Prisma } from '../generated/prisma/client.js';

export interface ReportRow {
  id: string;
  reporter_id: string;
  reporter_username: string;
  target_sha256: string | null;
  target_user_id: string | null;
  target_username: string | null;
  /** a name the index knows for the reported hash (any share of it), else null */
  file_name: string | null;
  reason: string;
  status: ReportStatus;
  created_at: Date;
  decided_at: Date | null;
  decided_by: string | null;
  decided_by_username: string | null;
  note: string | null;
}

export interface ReportPosition {
  createdAt: Date;
  id: string;
}

@Injectable()
export class ReportsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Returns the new id, or undefined when this reporter already has an open report on the target. */
  async create(report: { reporterId: string; targetSha256?: string; targetUserId?: string; reason: string }): Promise<string | undefined> {
    const id = randomUUID();
    try {
      await this.prisma.report.create({ data: { id, ...report } });
      return id;
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') return undefined;
      throw error;
    }
  }

  /** Newest first, after `before` when given. */
  list({ status, before, limit }: { status?: ReportStatus; before?: ReportPosition; limit: number }): Promise<ReportRow[]> {
    const conditions = [
      status ? Prisma.sql`r.status = ${status}::"ReportStatus"` : Prisma.empty,
      before ? Prisma.sql`(r.created_at, r.id) < (${before.createdAt}::timestamptz, ${before.id}::uuid)` : Prisma.empty,
    ].filter((condition) => condition !== Prisma.empty);
    const where = conditions.length ? Prisma.sql`WHERE ${Prisma.join(conditions, ' AND ')}` : Prisma.empty;
    return this.prisma.$queryRaw<ReportRow[]>(Prisma.sql`
      ${SELECT_REPORT}
      ${where}
      ORDER BY r.created_at DESC, r.id DESC
      LIMIT ${limit}`);
  }

  async findView(id: string, db: Prisma.TransactionClient = this.prisma): Promise<ReportRow | undefined> {
    const rows = await db.$queryRaw<ReportRow[]>(Prisma.sql`${SELECT_REPORT} WHERE r.id = ${id}::uuid`);
    return rows[0];
  }

  /** Decides an open report; false when it does not exist or was decided already. */
  async decide(tx: Prisma.TransactionClient, id: string, decision: { status: Exclude<ReportStatus, 'open'>; decidedById: string; note: string | null }): Promise<boolean> {
    const { count } = await tx.report.updateMany({
      where: { id, status: 'open' },
      data: { status: decision.status, decidedById: decision.decidedById, decidedAt: new Date(), note: decision.note },
    });
    return count === 1;
  }
}

const SELECT_REPORT = Prisma.sql`
  SELECT r.id, r.reporter_id, reporter.username AS reporter_username,
         r.target_sha256, r.target_user_id, target.username AS target_username,
         (SELECT f.name FROM shared_files f WHERE f.sha256 = r.target_sha256 LIMIT 1) AS file_name,
         r.reason, r.status::text AS status, r.created_at, r.decided_at,
         r.decided_by, decider.username AS decided_by_username, r.note
  FROM reports r
  JOIN users reporter ON reporter.id = r.reporter_id
  LEFT JOIN users target ON target.id = r.target_user_id
  LEFT JOIN users decider ON decider.id = r.decided_by`;
