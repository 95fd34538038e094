import type { NestExpressApplication } from '@nestjs/platform-express';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../apps/server/src/app.factory.js';
import { prepareRuntime } from '../../apps/server/src/bootstrap/runtime.js';
import { AppConfig } from '../../apps/server/src/config/app-config.js';
import { PrismaService } from '../../apps/server/src/database/prisma.service.js';
import { createRootLogger } from '../../apps/server/src/logging/root-logger.js';
import { SearchIndexService } from '../../apps/server/src/search/memory-index/search-index.service.js';
import { createTestDatabase } from './database.js';

export interface TestServer {
  baseUrl: string;
  app: NestExpressApplication;
  prisma: PrismaService;
  config: AppConfig;
  close(): Promise<void>;
}

/**
 * The real server, built as main.ts builds it, on its own database and a free port on loopback.
 * `env` overrides configuration the way environment variables would.
 */
export async function startTestServer(
  env: Record<string, string> = {},
  options: { logs?: { write(line: string): void }; waitForSearchIndex?: boolean } = {},
): Promise<TestServer> {
  const config = AppConfig.fromEnv({
    DATABASE_URL: await createTestDatabase(),
    JWT_SECRET: 'test-secret-that-is-long-enough-for-hs256',
    PEERDEX_DATA_DIR: await mkdtemp(join(tmpdir(), 'peerdex-test-data-')),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ADMIN_PASSWORD: 'admin-password',
    // Tests publish and search right after; a reused ranking would hide what was just published.
    SEARCH_CACHE_TTL: '0',
    ...env,
  });
  const logger = createRootLogger(config.logLevel, { destination: options.logs });
  const runtime = await prepareRuntime(config, logger);
  const app = await createApp(runtime.config, logger);
  await app.listen(0, '127.0.0.1');
  // A node answers searches once its index is built from PostgreSQL (503 before): tests start after.
  if (options.waitForSearchIndex !== false) await app.get(SearchIndexService).whenBuilt();
  const { port } = app.getHttpServer().address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    app,
    prisma: app.get(PrismaService),
    config: runtime.config,
    close: async () => {
      await app.close();
      await runtime.stop();
    },
  };
}
