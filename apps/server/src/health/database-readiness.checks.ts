import { Injectable, type OnModuleInit } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';
import { defaultMigrationsDir, readMigrations } from '../database/migrator.js';
import { ReadinessService } from './readiness.service.js';

/**
 * The database part of readiness: PostgreSQL answers, and every migration this build ships is
 * applied (a node started from a newer build than the schema, or a schema rolled back under it,
 * must not take traffic).
 */
@Injectable()
export class DatabaseReadinessChecks implements OnModuleInit {
  constructor(
    private readonly prisma: PrismaService,
    private readonly readiness: ReadinessService,
  ) {}

  async onModuleInit(): Promise<void> {
    const shipped = (await readMigrations(defaultMigrationsDir())).map((migration) => migration.name);
    this.readiness.register('postgresql:connection', async () => {
      const started = process.hrtime.bigint();
      await this.prisma.$queryRaw`SELECT 1`;
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      return { status: 'pass', componentType: 'datastore', observedValue: Math.round(ms * 10) / 10, observedUnit: 'ms' };
    });
    this.readiness.register('postgresql:migrations', async () => {
      const rows = await this.prisma.$queryRaw<Array<{ migration_name: string }>>`
        SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
      const applied = new Set(rows.map((row) => row.migration_name));
      const missing = shipped.filter((name) => !applied.has(name));
      return missing.length === 0
        ? { status: 'pass', componentType: 'datastore', observedValue: shipped.length }
        : { status: 'fail', componentType: 'datastore', observedValue: shipped.length - missing.length, output: `not applied: ${missing.join(', ')}` };
    });
  }
}
