import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import pg from 'pg';
import { AppConfig } from '../config/app-config.js';
import type { Prisma } from '../generated/prisma/client.js';

/** Runs one statement built with Prisma.sql and returns its rows. */
export type SqlRunner = <T>(sql: Prisma.Sql) => Promise<T[]>;

/**
 * A plain pg pool for the few hot or bulk statements of the share index and search: the same
 * Prisma.sql statements, without the ORM's per-call overhead, which doubled the cost of a
 * 5,000-row insert and weighed on every search (measured in bench/). Everything else goes
 * through PrismaService.
 */
@Injectable()
export class SqlPool implements OnModuleDestroy {
  /** also the store of the rate limits' PostgreSQL fallback (rate-limit/rate-limit.service.ts) */
  readonly pool: pg.Pool;

  constructor(config: AppConfig) {
    if (!config.databaseUrl) throw new Error('SqlPool needs a resolved database URL');
    this.pool = new pg.Pool({ connectionString: config.databaseUrl, max: config.databasePoolSize, options: '-c jit=off' });
    // An idle client losing its connection (database restart) must not crash the process.
    this.pool.on('error', () => undefined);
  }

  readonly run: SqlRunner = async <T>(sql: Prisma.Sql) => (await this.pool.query(sql.text, sql.values)).rows as T[];

  async onModuleDestroy(): Promise<void> {
    await this.pool.end();
  }
}
