import { Module } from '@nestjs/common';
import { SearchModule } from '../search/search.module.js';
import { LandingPageController } from './landing-page.controller.js';
import { LinksService } from './links.service.js';
import { ManifestController } from './manifest.controller.js';

/** Links to a file from outside the directory: its .peerdex manifest and its public page. */
@Module({
  imports: [SearchModule],
  controllers: [ManifestController, LandingPageController],
  providers: [LinksService],
})
export class LinksModule {}
