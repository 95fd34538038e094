import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { AdminUsersController } from './admin-users.controller.js';
import { AdminUsersRepository } from './admin-users.repository.js';
import { AdminUsersService } from './admin-users.service.js';
import { AuditController } from './audit.controller.js';
import { AuditLogRepository } from './audit-log.repository.js';
import { AuditLogService } from './audit-log.service.js';

/** /api/v1/admin: user moderation and the audit log every moderation action writes to. */
@Module({
  imports: [AuthModule],
  controllers: [AdminUsersController, AuditController],
  providers: [AdminUsersRepository, AdminUsersService, AuditLogRepository, AuditLogService],
  exports: [AuditLogRepository],
})
export class ModerationModule {}
