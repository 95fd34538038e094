import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Page, ReportView } from '#contracts';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser, Roles } from '../auth/decorators.js';
import { ApiErrors } from '../common/openapi.js';
import { IdParamDto } from '../moderation/dto.js';
import { REPORT_PAGE, REPORT_VIEW, ReportDecisionDto, ReportQueryDto } from './dto.js';
import { ReportsService } from './reports.service.js';

@ApiTags('admin')
@ApiBearerAuth()
@Roles('moderator', 'admin')
@Controller('admin/reports')
export class AdminReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Get()
  @ApiOperation({ summary: 'Reports, newest first; filter by status' })
  @ApiOkResponse({ schema: REPORT_PAGE })
  @ApiErrors(400, 401, 403)
  list(@Query() query: ReportQueryDto): Promise<Page<ReportView>> {
    return this.reports.list(query);
  }

  @Post(':id/resolve')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark an open report resolved (acted on), with an optional note; audited as report.resolve' })
  @ApiOkResponse({ schema: REPORT_VIEW })
  @ApiErrors(400, 401, 403, 404, 409)
  resolve(@CurrentUser() actor: AuthUser, @Param() { id }: IdParamDto, @Body() body: ReportDecisionDto): Promise<ReportView> {
    return this.reports.decide(actor, id, 'resolved', body.note);
  }

  @Post(':id/dismiss')
  @HttpCode(200)
  @ApiOperation({ summary: 'Dismiss an open report (nothing to act on), with an optional note; audited as report.dismiss' })
  @ApiOkResponse({ schema: REPORT_VIEW })
  @ApiErrors(400, 401, 403, 404, 409)
  dismiss(@CurrentUser() actor: AuthUser, @Param() { id }: IdParamDto, @Body() body: ReportDecisionDto): Promise<ReportView> {
    return this.reports.decide(actor, id, 'dismissed', body.note);
  }
}
