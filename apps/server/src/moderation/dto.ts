import { z } from 'zod';
import {
  AUDIT_ACTIONS,
  AuditQuerySchema,
  AdminUserQuerySchema,
  BanRequestSchema,
  RoleChangeSchema,
  RoleSchema,
  type AdminUserView,
  type AuditEntryView,
} from '#contracts';
import { namedSchema } from '../common/openapi.js';
import { zodDto } from '../common/zod-dto.js';

export class AdminUserQueryDto extends zodDto(AdminUserQuerySchema) {}
export class BanDto extends zodDto(BanRequestSchema) {}
export class RoleChangeDto extends zodDto(RoleChangeSchema) {}
export class AuditQueryDto extends zodDto(AuditQuerySchema) {}
export class IdParamDto extends zodDto(z.strictObject({ id: z.uuid('must be a UUID') })) {}

// Response shapes, for the OpenAPI document only. Typed against the contracts' interfaces so a
// change there that is not mirrored here fails the type check.
export const ActorSchema = z.object({ id: z.uuid(), username: z.string() });

export function pageOf(item: z.ZodType) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable().describe('pass back as cursor; null on the last page') });
}

export const AdminUserViewSchema: z.ZodType<AdminUserView> = z.object({
  id: z.uuid(),
  username: z.string(),
  role: RoleSchema,
  createdAt: z.string(),
  ban: z.object({ reason: z.string(), bannedAt: z.string(), until: z.string().nullable() }).nullable().describe('null when not banned (or the ban expired)'),
  onlineSessions: z.number().int(),
});

export const AuditEntryViewSchema: z.ZodType<AuditEntryView> = z.object({
  id: z.string(),
  actor: ActorSchema,
  action: z.enum(AUDIT_ACTIONS),
  target: z.string().describe('"user:<id>", "session:<id>", "sha256:<hash>", "blocklist:<id>" or "report:<id>"'),
  targetLabel: z.string().nullable(),
  reason: z.string().nullable(),
  detail: z.string().nullable().optional(),
  at: z.string(),
});

export const ADMIN_USER_VIEW = namedSchema('AdminUser', AdminUserViewSchema);
export const ADMIN_USER_PAGE = namedSchema('AdminUserPage', pageOf(AdminUserViewSchema));
export const AUDIT_PAGE = namedSchema('AuditPage', pageOf(AuditEntryViewSchema));

export const ADMIN_SESSION_PAGE = namedSchema(
  'AdminSessionPage',
  pageOf(
    z.object({
      id: z.uuid(),
      userId: z.uuid(),
      username: z.string(),
      address: z.string().nullable(),
      firewalled: z.boolean(),
      fileCount: z.number().int(),
      totalBytes: z.number().int(),
      connectedAt: z.string(),
      lastSeenAt: z.string(),
    }),
  ),
);

const BlocklistEntrySchema = z.object({
  id: z.uuid(),
  sha256: z.string().nullable(),
  pattern: z.string().nullable(),
  reason: z.string(),
  createdAt: z.string(),
  createdBy: ActorSchema,
  purged: z.number().int().optional().describe('index entries removed when the entry was added'),
});
export const BLOCKLIST_ENTRY = namedSchema('BlocklistEntry', BlocklistEntrySchema);
export const BLOCKLIST_PAGE = namedSchema('BlocklistPage', pageOf(BlocklistEntrySchema));

const window = z.object({ lastHour: z.number().int(), lastDay: z.number().int() });
export const ADMIN_STATS = namedSchema(
  'AdminStats',
  z.object({
    onlineSessions: z.number().int(),
    users: z.number().int(),
    indexedFiles: z.number().int(),
    distinctHashes: z.number().int(),
    searches: window,
    transfers: window,
    topQueries: z.array(z.object({ q: z.string(), count: z.number().int() })),
    openReports: z.number().int(),
    /** sources blamed for corrupt data: blames in the last day; online sessions delisted for a file now */
    blames: z.object({ lastDay: z.number().int(), delistedSources: z.number().int() }),
  }),
);
