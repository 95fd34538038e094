import { Module } from '@nestjs/common';
import { SwarmModule } from '../swarm/swarm.module.js';
import { SourceBlamesRepository } from './source-blames.repository.js';
import { TicketSigner } from './ticket-signer.service.js';
import { TransfersController } from './transfers.controller.js';
import { TransfersGateway } from './transfers.gateway.js';
import { TransfersRepository } from './transfers.repository.js';
import { TransfersService } from './transfers.service.js';

@Module({
  imports: [SwarmModule],
  controllers: [TransfersController],
  providers: [TicketSigner, TransfersRepository, SourceBlamesRepository, TransfersService, TransfersGateway],
  exports: [SourceBlamesRepository],
})
export class TransfersModule {}
