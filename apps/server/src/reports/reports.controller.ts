import { Body, Controller, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ReportView } from '#contracts';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser } from '../auth/decorators.js';
import { ApiError, ApiErrors } from '../common/openapi.js';
import { REPORT_VIEW, ReportCreateDto } from './dto.js';
import { ReportsService } from './reports.service.js';

@ApiTags('reports')
@ApiBearerAuth()
@Controller('reports')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Post()
  @ApiOperation({ summary: 'Report a file (by sha256, shared right now or not) or a user (by username) to the moderators' })
  @ApiCreatedResponse({ description: 'The report, waiting in the moderators’ queue', schema: REPORT_VIEW })
  @ApiErrors(400, 401, 413, 429, 503)
  @ApiError(403, 'The account is banned')
  @ApiError(404, 'No user has this username')
  @ApiError(409, 'You have an open report on this already; a moderator will look at it')
  create(@CurrentUser() reporter: AuthUser, @Body() body: ReportCreateDto): Promise<ReportView> {
    return this.reports.create(reporter, body);
  }
}
