import { Module } from '@nestjs/common';
import { SearchController } from './search.controller.js';
import { SearchGateway } from './search.gateway.js';
import { SearchRepository } from './search.repository.js';
import { SearchService } from './search.service.js';

/** The search transports; the index they read is SearchIndexModule's (global). */
@Module({
  controllers: [SearchController],
  providers: [SearchRepository, SearchService, SearchGateway],
  exports: [SearchService],
})
export class SearchModule {}
