import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { AppConfig } from '../config/app-config.js';
import { PrismaClient } from '../generated/prisma/client.js';

@Injectable()
export class PrismaService extends PrismaClient implements OnModuleInit, OnModuleDestroy {
  constructor(config: AppConfig) {
    if (!config.databaseUrl) throw new Error('PrismaService needs a resolved database URL');
    // JIT compilation pays off for long analytical queries, not for an index of short lookups and
    // bulk inserts, where its compile time only adds latency.
    super({ adapter: new PrismaPg({ connectionString: config.databaseUrl, max: config.databasePoolSize, options: '-c jit=off' }) });
  }

  /** Fails start-up when the database is unreachable instead of failing the first request. */
  async onModuleInit(): Promise<void> {
    await this.$connect();
    await this.$queryRaw`SELECT 1`;
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
  }
}
