import { Module } from '@nestjs/common';
import { SwarmGateway } from './swarm.gateway.js';
import { SwarmRepository } from './swarm.repository.js';
import { SwarmService } from './swarm.service.js';

/** Partial sources: downloads in progress that serve the pieces they have verified. */
@Module({
  providers: [SwarmRepository, SwarmService, SwarmGateway],
  exports: [SwarmRepository],
})
export class SwarmModule {}
