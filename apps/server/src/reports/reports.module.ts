import { Module, type OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { ModerationModule } from '../moderation/moderation.module.js';
import { RateLimitService } from '../rate-limit/rate-limit.service.js';
import { UsersModule } from '../users/users.module.js';
import { AdminReportsController } from './admin-reports.controller.js';
import { ReportsController } from './reports.controller.js';
import { ReportsRepository } from './reports.repository.js';
import { REPORTS_PER_USER, ReportsService } from './reports.service.js';

/** Users report files and users (/api/v1/reports); moderators work the queue (/api/v1/admin/reports). */
@Module({
  imports: [ModerationModule, UsersModule],
  controllers: [ReportsController, AdminReportsController],
  providers: [ReportsRepository, ReportsService],
})
export class ReportsModule implements OnModuleInit {
  constructor(
    private readonly limits: RateLimitService,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    const { perUser, windowMs } = this.config.reportRateLimit;
    this.limits.define(REPORTS_PER_USER, { points: perUser, windowMs, what: 'Too many reports from this account' });
  }
}
