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
import { BlocklistService } from '../shares/blocklist.service.js';
import { usernameKey } from '../users/users.repository.js';
import { RankingCache } from './ranking-cache.js';
import { parseSearchWords, runSearch } from './search-pipeline.js';
import { SearchRepository } from './search.repository.js';

const SEARCH_LIMIT = 'search';

/** One search service behind both transports (Socket.IO `search` and GET /api/v1/search). */
@Injectable()
export class SearchService implements OnModuleInit {
  private readonly cache: RankingCache;

  constructor(
    private readonly repository: SearchRepository,
    private readonly limits: RateLimitService,
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
    private readonly activity: ActivityService,
    private readonly blocklist: BlocklistService,
  ) {
    this.cache = new RankingCache(config.searchCacheTtlMs, 1_000);
  }

  onModuleInit(): void {
    this.limits.define(SEARCH_LIMIT, { points: this.config.searchRateLimitPerMinute, windowMs: 60_000, what: 'Too many searches' });
  }

  async search(caller: AuthUser, query: SearchQuery, transport: 'socket' | 'rest'): Promise<SearchResponse> {
    const words = parseSearchWords(query.q);
    await this.limits.consume(SEARCH_LIMIT, caller.id);
    this.metrics.searches.inc({ transport });
    this.activity.recordSearch(words.include);
    return runSearch(this.repository, query, words, {
      candidates: this.config.searchCandidates,
      blockedHashes: await this.blocklist.hasHashEntries(),
      cache: this.cache,
    });
  }

  async describe(sha256: string): Promise<FileDetails> {
    const [file, sources] = await Promise.all([
      this.repository.describeHash(sha256),
      this.repository.sources([sha256], MAX_LISTED_SOURCES),
    ]);
    const online = sources.get(sha256);
    if (!file || !online) throw new NotFoundError(`No online peer shares ${sha256}`);
    return { sha256, size: file.size, pieceRoot: file.pieceRoot, names: file.names, sourceCount: online.count, sources: online.sources };
  }

  async browse(username: string, limit: number, cursor: string | undefined): Promise<BrowseResponse> {
    const key = usernameKey(username);
    const user = await this.repository.isOnline(key);
    if (!user) throw new NotFoundError(`No user "${username}"`);
    if (!user.online) throw new NotFoundError(`${user.username} is not online`);
    const after = decodeCursor(BrowseCursorSchema, cursor);
    const rows = await this.repository.browse(key, after && { listId: after[0], path: after[1] }, limit + 1);
    const { items, nextCursor } = toPage(
      rows,
      limit,
      (row) => ({ path: row.path, name: row.name, size: Number(row.size), sha256: row.sha256, ext: row.ext, type: row.type, sessionId: row.session_id }),
      (row) => [row.list_id, row.path],
    );
    return { username: user.username, files: items, nextCursor };
  }
}

const BrowseCursorSchema = z.tuple([z.uuid(), z.string()]);
