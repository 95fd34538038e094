import { z } from 'zod';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { type BrowseResponse, type FileDetails, MAX_LISTED_SOURCES, type SearchQuery, type SearchResponse } from '#contracts';
import { ActivityService } from '../activity/activity.service.js';
import type { AuthUser } from '../auth/auth-user.js';
import { NotFoundError } from '../common/errors.js';
import { decodeCursor, toPage } from '../common/paging.js';
import { AppConfig } from '../config/app-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { RateLimitService } from '../rate-limit/rate-limit.service.js';
import { usernameKey } from '../users/users.repository.js';
import { RankingCache } from './ranking-cache.js';
import { SearchIndexService } from './memory-index/search-index.service.js';
import { SearchRepository } from './search.repository.js';
import { parseSearchWords, runSearch, type SearchStore } from './search-pipeline.js';

const SEARCH_LIMIT = 'search';

/** One search service behind both transports (Socket.IO `search` and GET /api/v1/search). */
@Injectable()
export class SearchService implements OnModuleInit {
  private readonly cache: RankingCache;
  /** the node's in-memory index, which also knows the blocklist */
  private readonly store: SearchStore;

  constructor(
    private readonly searchIndex: SearchIndexService,
    private readonly repository: SearchRepository,
    private readonly limits: RateLimitService,
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
    private readonly activity: ActivityService,
  ) {
    this.cache = new RankingCache(config.searchCacheTtlMs, 1_000);
    this.store = {
      candidates: async (query) => this.searchIndex.index.candidates(query, config.searchMaxPostings),
      sources: async (hashes, perHash) => this.searchIndex.index.sources(hashes, perHash),
      // A rebuild swaps the index: its identity is part of the generation.
      generation: () => [this.searchIndex.index, this.searchIndex.index.additions],
    };
  }

  onModuleInit(): void {
    this.limits.define(SEARCH_LIMIT, { points: this.config.searchRateLimitPerMinute, windowMs: 60_000, what: 'Too many searches' });
  }

  async search(caller: AuthUser, query: SearchQuery, transport: 'socket' | 'rest'): Promise<SearchResponse> {
    const words = parseSearchWords(query.q);
    await this.limits.consume(SEARCH_LIMIT, caller.id);
    this.metrics.searches.inc({ transport });
    this.activity.recordSearch(words.include);
    return runSearch(this.store, query, words, { candidates: this.config.searchCandidates, cache: this.cache });
  }

  async describe(sha256: string): Promise<FileDetails> {
    const index = this.searchIndex.index;
    const file = index.describeHash(sha256);
    const online = index.sources([sha256], MAX_LISTED_SOURCES).get(sha256);
    if (!file || !online) throw new NotFoundError(`No online peer shares ${sha256}`);
    return { sha256, size: file.size, pieceRoot: file.pieceRoot, names: file.names, sourceCount: online.count, sources: online.sources };
  }

  async browse(username: string, limit: number, cursor: string | undefined): Promise<BrowseResponse> {
    const key = usernameKey(username);
    const index = this.searchIndex.index;
    const online = index.userOnline(key);
    if (!online) {
      const known = await this.repository.username(key);
      if (!known) throw new NotFoundError(`No user "${username}"`);
      throw new NotFoundError(`${known} is not online`);
    }
    const after = decodeCursor(BrowseCursorSchema, cursor);
    const rows = index.browse(key, after && { listId: after[0], path: after[1] }, limit + 1);
    const { items, nextCursor } = toPage(
      rows,
      limit,
      ({ file, sessionId }) => ({ path: file.path, name: file.name, size: file.size, sha256: file.sha256, ext: file.ext, type: file.type, sessionId }),
      (row) => [row.listId, row.file.path],
    );
    return { username: online.username, files: items, nextCursor };
  }
}

const BrowseCursorSchema = z.tuple([z.uuid(), z.string()]);
