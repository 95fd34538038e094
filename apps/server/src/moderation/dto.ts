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
import { toJsonSchema, zodDto } from '../common/zod-dto.js';

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

export const ADMIN_USER_VIEW = toJsonSchema(AdminUserViewSchema);
export const ADMIN_USER_PAGE = toJsonSchema(pageOf(AdminUserViewSchema));
export const AUDIT_PAGE = toJsonSchema(pageOf(AuditEntryViewSchema));
