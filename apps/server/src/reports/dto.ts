import { z } from 'zod';
import { ReportCreateSchema, ReportDecisionSchema, ReportQuerySchema, REPORT_STATUSES, type ReportView } from '#contracts';
import { namedSchema } from '../common/openapi.js';
import { zodDto } from '../common/zod-dto.js';
import { ActorSchema, pageOf } from '../moderation/dto.js';

export class ReportCreateDto extends zodDto(ReportCreateSchema) {}
export class ReportQueryDto extends zodDto(ReportQuerySchema) {}
export class ReportDecisionDto extends zodDto(ReportDecisionSchema) {}

export const ReportViewSchema: z.ZodType<ReportView> = z.object({
  id: z.uuid(),
  reporter: ActorSchema,
  target: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('file'), sha256: z.string(), name: z.string().nullable().describe('a name the index knows for it, if any') }),
    z.object({ kind: z.literal('user'), userId: z.uuid(), username: z.string() }),
  ]),
  reason: z.string(),
  status: z.enum(REPORT_STATUSES),
  createdAt: z.string(),
  decidedAt: z.string().nullable(),
  decidedBy: ActorSchema.nullable(),
  note: z.string().nullable(),
});

export const REPORT_VIEW = namedSchema('Report', ReportViewSchema);
export const REPORT_PAGE = namedSchema('ReportPage', pageOf(ReportViewSchema));
