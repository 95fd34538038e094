import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuditEntryView, Page } from '#contracts';
import { Roles } from '../auth/decorators.js';
import { ApiError, ApiErrors } from '../common/openapi.js';
import { AuditLogService } from './audit-log.service.js';
import { AUDIT_PAGE, AuditQueryDto } from './dto.js';

@ApiTags('admin')
@ApiBearerAuth()
@Roles('moderator', 'admin')
@Controller('admin/audit')
export class AuditController {
  constructor(private readonly audit: AuditLogService) {}

  @Get()
  @ApiOperation({ summary: 'The moderation audit log, newest first; filter by action and actor' })
  @ApiOkResponse({ description: 'One page of entries', schema: AUDIT_PAGE })
  @ApiErrors(400, 401, 503)
  @ApiError(403, 'The caller is not a moderator or admin, or is banned')
  list(@Query() query: AuditQueryDto): Promise<Page<AuditEntryView>> {
    return this.audit.list(query);
  }
}
