import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { PresenceModule } from '../presence/presence.module.js';
import { SharesModule } from '../shares/shares.module.js';
import { TransfersModule } from '../transfers/transfers.module.js';
import { AdminDirectoryController } from './admin-directory.controller.js';
import { AdminDirectoryService } from './admin-directory.service.js';
import { AdminUsersController } from './admin-users.controller.js';
import { AdminUsersRepository } from './admin-users.repository.js';
import { AdminUsersService } from './admin-users.service.js';
import { AuditController } from './audit.controller.js';
import { AuditLogRepository } from './audit-log.repository.js';
import { AuditLogService } from './audit-log.service.js';

/** /api/v1/admin: users, sessions, the index and the blocklist, and the audit log every action writes to. */
@Module({
  imports: [AuthModule, PresenceModule, SharesModule, TransfersModule],
  controllers: [AdminUsersController, AdminDirectoryController, AuditController],
  providers: [AdminUsersRepository, AdminUsersService, AdminDirectoryService, AuditLogRepository, AuditLogService],
  exports: [AuditLogRepository],
})
export class ModerationModule {}
