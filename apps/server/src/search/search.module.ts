import { Module } from '@nestjs/common';
import { SharesModule } from '../shares/shares.module.js';
import { SearchController } from './search.controller.js';
import { SearchGateway } from './search.gateway.js';
import { SearchRepository } from './search.repository.js';
import { SearchService } from './search.service.js';

@Module({
  imports: [SharesModule],
  controllers: [SearchController],
  providers: [SearchRepository, SearchService, SearchGateway],
  exports: [SearchService, SearchRepository],
})
export class SearchModule {}
