import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { AdmissionModule } from '../realtime/admission.module.js';
import { SharesModule } from '../shares/shares.module.js';
import { UsersModule } from '../users/users.module.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { PresenceGateway } from './presence.gateway.js';
import { PresenceRepository } from './presence.repository.js';
import { PresenceService } from './presence.service.js';

@Module({
  imports: [AuthModule, UsersModule, SharesModule, RealtimeModule, AdmissionModule],
  providers: [PresenceRepository, PresenceService, PresenceGateway],
  exports: [PresenceService],
})
export class PresenceModule {}
