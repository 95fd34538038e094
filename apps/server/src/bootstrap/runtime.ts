import { join } from 'node:path';
import type { Logger } from 'pino';
import { AppConfig } from '../config/app-config.js';
import { loadOrCreateSecrets } from '../config/secrets.js';
import { startEmbeddedPostgres } from '../database/embedded-postgres.js';
import { migrate } from '../database/migrator.js';
import { databaseIdentity, registerNode } from './node-registry.js';

export interface Runtime {
  /** configuration with the database URL and secrets resolved */
  config: AppConfig;
  /** stops what prepareRuntime started (the embedded database); call after the app closed */
  stop(): Promise<void>;
}

/**
 * Everything that must hold before the application starts: generated secrets, a database (the
 * embedded one when DATABASE_URL is unset) and its migrations.
 */
export async function prepareRuntime(config: AppConfig, logger: Logger): Promise<Runtime> {
  const needsSecrets = !config.jwtSecret || !config.databaseUrl || !config.ticketSigningKey;
  const secrets = needsSecrets ? await loadOrCreateSecrets(config.dataDir) : undefined;

  let databaseUrl = config.databaseUrl;
  let stop = async () => undefined as void;
  if (!databaseUrl) {
    const embedded = await startEmbeddedPostgres({
      dataDir: join(config.dataDir, 'postgres'),
      port: config.embeddedPgPort,
      password: secrets!.embeddedPgPassword,
      database: 'peerdex',
      log: (line) => logger.info(line),
    });
    logger.info(`embedded PostgreSQL running with data in ${join(config.dataDir, 'postgres')}`);
    databaseUrl = embedded.url;
    stop = () => embedded.stop();
  }

  let node: Awaited<ReturnType<typeof registerNode>>;
  try {
    const { applied, alreadyApplied } = await migrate(databaseUrl, { log: (line) => logger.info(line) });
    logger.info(`database schema up to date (${applied.length} applied now, ${alreadyApplied} before)`);
    node = await registerNode(config.dataDir, config.nodeId, databaseIdentity(databaseUrl, config.databaseUrl ? undefined : join(config.dataDir, 'postgres')));
  } catch (error) {
    await stop();
    throw error;
  }
  if (node.deadNodeIds.length) logger.info(`sessions of ${node.deadNodeIds.length} server(s) that died on this machine will be ended: ${node.deadNodeIds.join(', ')}`);
  const resolved = config.with({
    databaseUrl,
    jwtSecret: config.jwtSecret ?? secrets!.jwtSecret,
    ticketSigningKey: config.ticketSigningKey ?? secrets!.ticketSigningKey,
    deadNodeIds: node.deadNodeIds,
  });
  return {
    config: resolved,
    stop: async () => {
      await node.leave();
      await stop();
    },
  };
}
