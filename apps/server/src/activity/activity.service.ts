import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';

const FLUSH_EVERY_MS = 5_000;
/** How long activity rows are kept: the panel shows the last day. */
const KEEP_DAYS = 2;

/**
 * Counts searches for the admin panel's statistics. Counting happens in memory and is written
 * every few seconds as increments, so a search costs no extra query and several nodes add up.
 */
@Injectable()
export class ActivityService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Activity');
  private minutes = new Map<number, number>();
  private queries = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly prisma: PrismaService) {}

  /** `words`: the search's included words, normalised (lower case, accents removed). */
  recordSearch(words: string[]): void {
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    this.minutes.set(minute, (this.minutes.get(minute) ?? 0) + 1);
    const query = words.join(' ');
    this.queries.set(query, (this.queries.get(query) ?? 0) + 1);
  }

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush().catch((error: unknown) => this.logger.error({ err: error }, 'activity flush failed')), FLUSH_EVERY_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.flush().catch(() => undefined);
  }

  async flush(): Promise<void> {
    const [minutes, queries] = [this.minutes, this.queries];
    if (minutes.size === 0) return;
    this.minutes = new Map();
    this.queries = new Map();
    const minuteKeys = [...minutes.keys()].map((minute) => new Date(minute).toISOString());
    const queryKeys = [...queries.keys()];
    await this.prisma.$transaction([
      this.prisma.$executeRaw`
        INSERT INTO search_minutes (minute, searches)
        SELECT * FROM unnest(${minuteKeys}::timestamptz[], ${[...minutes.values()]}::int[])
        ON CONFLICT (minute) DO UPDATE SET searches = search_minutes.searches + EXCLUDED.searches`,
      this.prisma.$executeRaw`
        INSERT INTO query_days (day, query, searches)
        SELECT current_date, q, n FROM unnest(${queryKeys}::text[], ${[...queries.values()]}::int[]) AS t(q, n)
        ON CONFLICT (day, query) DO UPDATE SET searches = query_days.searches + EXCLUDED.searches`,
      this.prisma.$executeRaw`DELETE FROM search_minutes WHERE minute < now() - ${KEEP_DAYS} * interval '1 day'`,
      this.prisma.$executeRaw`DELETE FROM query_days WHERE day < current_date - ${KEEP_DAYS}::int`,
    ]);
  }

  async searchCounts(): Promise<{ lastHour: number; lastDay: number }> {
    const [row] = await this.prisma.$queryRaw<Array<{ hour: number; day: number }>>`
      SELECT coalesce(sum(searches) FILTER (WHERE minute > now() - interval '1 hour'), 0)::int AS hour,
             coalesce(sum(searches), 0)::int AS day
      FROM search_minutes WHERE minute > now() - interval '1 day'`;
    return { lastHour: row?.hour ?? 0, lastDay: row?.day ?? 0 };
  }

  topQueries(limit: number): Promise<Array<{ q: string; count: number }>> {
    return this.prisma.$queryRaw<Array<{ q: string; count: number }>>`
      SELECT query AS q, sum(searches)::int AS count FROM query_days
      WHERE day >= current_date - 1
      GROUP BY query ORDER BY count DESC, query LIMIT ${limit}`;
  }
}
