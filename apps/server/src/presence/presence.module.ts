import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { SharesModule } from '../shares/shares.module.js';
import { UsersModule } from '../users/users.module.js';
import { SessionEndBus } from '../realtime/session-end-bus.js';
import { PresenceGateway } from './presence.gateway.js';
import { PresenceRepository } from './presence.repository.js';
import { PresenceService } from './presence.service.js';

@Module({
  imports: [AuthModule, UsersModule, SharesModule],
  providers: [PresenceRepository, PresenceService, PresenceGateway, SessionEndBus],
  exports: [PresenceService],
})
export class PresenceModule {}
