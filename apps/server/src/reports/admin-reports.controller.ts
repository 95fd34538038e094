import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Page, ReportView } from '#contracts';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser, Roles } from '../auth/decorators.js';
import { ApiError, ApiErrors } from '../common/openapi.js';
import { IdParamDto } from '../moderation/dto.js';
import { REPORT_PAGE, REPORT_VIEW, ReportDecisionDto, ReportQueryDto } from './dto.js';
import { ReportsService } from './reports.service.js';

@ApiTags('admin')
@ApiBearerAuth()
@Roles('moderator', 'admin')
@Controller('admin/reports')
@ApiErrors(400, 401, 503)
@ApiError(403, 'The caller is not a moderator or admin, or is banned')
export class AdminReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Get()
  @ApiOperation({ summary: 'Reports, newest first; filter by status' })
  @ApiOkResponse({ description: 'One page of reports', schema: REPORT_PAGE })
  list(@Query() query: ReportQueryDto): Promise<Page<ReportView>> {
    return this.reports.list(query);
  }

  @Post(':id/resolve')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark an open report resolved (acted on), with an optional note; audited as report.resolve' })
  @ApiBody({ type: ReportDecisionDto, required: false })
  @ApiOkResponse({ description: 'The report, decided', schema: REPORT_VIEW })
  @ApiErrors(413)
  @ApiError(404, 'No report has this id')
  @ApiError(409, 'The report was decided already')
  resolve(@CurrentUser() actor: AuthUser, @Param() { id }: IdParamDto, @Body() body: ReportDecisionDto): Promise<ReportView> {
    return this.reports.decide(actor, id, 'resolved', body.note);
  }

  @Post(':id/dismiss')
  @HttpCode(200)
  @ApiOperation({ summary: 'Dismiss an open report (nothing to act on), with an optional note; audited as report.dismiss' })
  @ApiBody({ type: ReportDecisionDto, required: false })
  @ApiOkResponse({ description: 'The report, decided', schema: REPORT_VIEW })
  @ApiErrors(413)
  @ApiError(404, 'No report has this id')
  @ApiError(409, 'The report was decided already')
  dismiss(@CurrentUser() actor: AuthUser, @Param() { id }: IdParamDto, @Body() body: ReportDecisionDto): Promise<ReportView> {
    return this.reports.decide(actor, id, 'dismissed', body.note);
  }
}
