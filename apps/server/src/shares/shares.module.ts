import { Module } from '@nestjs/common';
import { AdmissionModule } from '../realtime/admission.module.js';
import { BlocklistService } from './blocklist.service.js';
import { ShareFilesRepository } from './share-files.repository.js';
import { ShareIndexService } from './share-index.service.js';
import { ShareListService } from './share-list.service.js';
import { ShareListsRepository } from './share-lists.repository.js';
import { ShareModerationService } from './share-moderation.service.js';
import { ShareSweeperService } from './share-sweeper.service.js';
import { SharesGateway } from './shares.gateway.js';

@Module({
  imports: [AdmissionModule],
  providers: [
    ShareListsRepository,
    ShareFilesRepository,
    ShareListService,
    ShareIndexService,
    ShareSweeperService,
    BlocklistService,
    ShareModerationService,
    SharesGateway,
  ],
  exports: [ShareListService, ShareIndexService, ShareModerationService, BlocklistService],
})
export class SharesModule {}
