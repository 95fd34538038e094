import { z } from 'zod';
import { RoleSchema, type Role } from './auth.js';
import { Sha256Schema } from './files.js';

/**
 * The moderation API under /api/v1/admin (moderators and admins; role changes admins only) and
 * reports under /api/v1/reports (any signed-in user). Every list pages with an opaque cursor.
 */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const PageQuerySchema = z.strictObject({
  cursor: z.string().max(512).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const AdminUserQuerySchema = PageQuerySchema.extend({
  /** case-insensitive substring of the username */
  q: z.string().trim().max(64).optional(),
});

export interface AdminUserView {
  id: string;
  username: string;
  role: Role;
  createdAt: string;
  ban: { reason: string; bannedAt: string; until: string | null } | null;
  onlineSessions: number;
}

export const BanRequestSchema = z.strictObject({
  reason: z.string().trim().min(1, 'is required').max(500),
  /** ISO date-time in the future; absent for a permanent ban */
  until: z.iso.datetime({ offset: true }).optional(),
});
export type BanRequest = z.infer<typeof BanRequestSchema>;

export const RoleChangeSchema = z.strictObject({ role: RoleSchema });
export type RoleChange = z.infer<typeof RoleChangeSchema>;

export interface AdminSessionView {
  id: string;
  userId: string;
  username: string;
  address: string | null;
  firewalled: boolean;
  fileCount: number;
  totalBytes: number;
  connectedAt: string;
  lastSeenAt: string;
}

export const ModerationReasonSchema = z.strictObject({ reason: z.string().trim().max(500).optional() });

export const BlocklistCreateSchema = z
  .strictObject({
    sha256: Sha256Schema.optional(),
    /** case-insensitive substring of the file name, or a glob with * and ? ("*.exe") */
    pattern: z.string().trim().min(2, 'must be at least 2 characters').max(200).optional(),
    reason: z.string().trim().min(1, 'is required').max(500),
  })
  .refine((entry) => (entry.sha256 === undefined) !== (entry.pattern === undefined), {
    message: 'give exactly one of sha256 or pattern',
  });
export type BlocklistCreate = z.infer<typeof BlocklistCreateSchema>;

export interface BlocklistEntryView {
  id: string;
  sha256: string | null;
  pattern: string | null;
  reason: string;
  createdAt: string;
  createdBy: { id: string; username: string };
  /** index entries removed when the entry was added */
  purged?: number;
}

export const REPORT_STATUSES = ['open', 'resolved', 'dismissed'] as const;
export const ReportStatusSchema = z.enum(REPORT_STATUSES);
export type ReportStatus = z.infer<typeof ReportStatusSchema>;

export const ReportCreateSchema = z
  .strictObject({
    sha256: Sha256Schema.optional(),
    username: z.string().min(1).max(64).optional(),
    reason: z.string().trim().min(1, 'is required').max(1000),
  })
  .refine((report) => (report.sha256 === undefined) !== (report.username === undefined), {
    message: 'report exactly one of sha256 or username',
  });
export type ReportCreate = z.infer<typeof ReportCreateSchema>;

export const ReportQuerySchema = PageQuerySchema.extend({ status: ReportStatusSchema.optional() });

export const ReportDecisionSchema = z.strictObject({ note: z.string().trim().max(1000).optional() });

export interface ReportView {
  id: string;
  reporter: { id: string; username: string };
  target: { kind: 'file'; sha256: string; name: string | null } | { kind: 'user'; userId: string; username: string };
  reason: string;
  status: ReportStatus;
  createdAt: string;
  decidedAt: string | null;
  decidedBy: { id: string; username: string } | null;
  note: string | null;
}

export const AUDIT_ACTIONS = [
  'user.ban',
  'user.unban',
  'user.role',
  'session.kick',
  'file.remove',
  'blocklist.add',
  'blocklist.remove',
  'report.resolve',
  'report.dismiss',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AuditQuerySchema = PageQuerySchema.extend({
  action: z.enum(AUDIT_ACTIONS).optional(),
  actorId: z.uuid().optional(),
});

export interface AuditEntryView {
  id: string;
  actor: { id: string; username: string };
  action: AuditAction;
  /** what was acted on: "user:<id>", "session:<id>", "sha256:<hash>", "blocklist:<id>", "report:<id>" */
  target: string;
  /** a readable label for the target (username, file name, pattern) */
  targetLabel: string | null;
  reason: string | null;
  /**
   * what the action changed, readably ("until 2026-12-01T00:00:00.000Z", "permanent",
   * "user → moderator"); optional so that older producers stay valid
   */
  detail?: string | null;
  at: string;
}

export interface AdminStats {
  onlineSessions: number;
  users: number;
  indexedFiles: number;
  distinctHashes: number;
  searches: { lastHour: number; lastDay: number };
  transfers: { lastHour: number; lastDay: number };
  topQueries: Array<{ q: string; count: number }>;
  openReports: number;
  /** sources blamed for corrupt data: blames in the last day; online sessions delisted for a file now */
  blames: { lastDay: number; delistedSources: number };
}
