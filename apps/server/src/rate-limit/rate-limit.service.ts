import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppConfig } from '../config/app-config.js';
import { SqlPool } from '../database/sql-pool.service.js';
import { RateLimitedError } from '../common/errors.js';

export interface RateLimitRule {
  points: number;
  windowMs: number;
  /** wording for the 429 message, e.g. "Too many login attempts" */
  what: string;
}

/**
 * Fixed-window counters shared by every server node through Redis when REDIS_URL is set, and kept
 * in this process otherwise (a single node, or tests). While Redis is unreachable the nodes count
 * in PostgreSQL (table rate_limits) instead, still together; only when both are away does each
 * node count alone, in memory. Rules are registered by name by the module that owns them.
 */
@Injectable()
export class RateLimitService implements OnModuleDestroy {
  private readonly redis: Redis | undefined;
  private readonly limiters = new Map<string, { limiter: RateLimiterAbstract; rule: RateLimitRule }>();

  constructor(
    config: AppConfig,
    private readonly sql: SqlPool,
  ) {
    this.redis = config.redisUrl ? new Redis(config.redisUrl, { enableOfflineQueue: false, lazyConnect: false }) : undefined;
  }

  define(name: string, rule: RateLimitRule): void {
    const options = { keyPrefix: `peerdex:rl:${name}`, points: rule.points, duration: Math.max(1, Math.ceil(rule.windowMs / 1000)) };
    const limiter = this.redis
      ? new RateLimiterRedis({ ...options, storeClient: this.redis, insuranceLimiter: this.postgresFallback(options) })
      : new RateLimiterMemory(options);
    this.limiters.set(name, { limiter, rule });
  }

  /** Redis's stand-in: counters in PostgreSQL (the table comes from a migration), memory as the last resort. */
  private postgresFallback(options: { keyPrefix: string; points: number; duration: number }): RateLimiterPostgres {
    return new RateLimiterPostgres({
      ...options,
      storeClient: this.sql.pool,
      tableName: 'rate_limits',
      tableCreated: true,
      insuranceLimiter: new RateLimiterMemory(options),
    });
  }

  /** Counts one event for `key`; throws RateLimitedError (429 + Retry-After) past the rule. */
  async consume(name: string, key: string): Promise<void> {
    const entry = this.entry(name);
    try {
      await entry.limiter.consume(key);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) {
        throw new RateLimitedError(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)), entry.rule.what);
      }
      throw rejection;
    }
  }

  /**
   * Gives back one event counted for `key` (an attempt that turned out to be legitimate), so that
   * a rule can count failures while still counting every attempt before it is made.
   */
  async refund(name: string, key: string): Promise<void> {
    await this.entry(name).limiter.reward(key, 1);
  }

  /** Forgets every event counted for `key`. */
  async reset(name: string, key: string): Promise<void> {
    await this.entry(name).limiter.delete(key);
  }

  async onModuleDestroy(): Promise<void> {
    await this.redis?.quit().catch(() => undefined);
  }

  private entry(name: string): { limiter: RateLimiterAbstract; rule: RateLimitRule } {
    const entry = this.limiters.get(name);
    if (!entry) throw new Error(`rate limit "${name}" is not defined`);
    return entry;
  }
}
