import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { SearchIndexService } from '../search/memory-index/search-index.service.js';
import { ShareListsRepository } from './share-lists.repository.js';

/** Share lists as presence sees them: a reconnecting peer may take back the list it left behind. */
@Injectable()
export class ShareListService {
  constructor(
    private readonly lists: ShareListsRepository,
    private readonly config: AppConfig,
    private readonly searchIndex: SearchIndexService,
  ) {}

  /** Gives the session the user's recently detached list with this digest; undefined when there is none. */
  async adopt(userId: string, sessionId: string, digest: string): Promise<{ fileCount: number } | undefined> {
    const adopted = await this.lists.adopt(userId, sessionId, digest, this.config.shareListRetentionMs);
    if (!adopted) return undefined;
    if (adopted.abandoned !== null) await this.lists.enqueuePurge(adopted.id, adopted.abandoned);
    await this.searchIndex.publish({ kind: 'list', listId: adopted.id });
    return { fileCount: adopted.file_count };
  }
}
