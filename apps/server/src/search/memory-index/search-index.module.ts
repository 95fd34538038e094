import { Global, Module } from '@nestjs/common';
import { IndexSource } from './index-source.js';
import { SearchIndexService } from './search-index.service.js';

/** The in-memory search index, global: every module that commits a change search sees publishes it here. */
@Global()
@Module({
  providers: [IndexSource, SearchIndexService],
  exports: [SearchIndexService],
})
export class SearchIndexModule {}
