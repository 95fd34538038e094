import 'reflect-metadata';
import { createApp } from './app.factory.js';
import { prepareRuntime } from './bootstrap/runtime.js';
import { AppConfig, ConfigError } from './config/app-config.js';
import { createRootLogger } from './logging/root-logger.js';

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = AppConfig.fromEnv(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`peerdex-server: ${error.message}\n`);
    process.exit(1);
  }
  const logger = createRootLogger(config.logLevel);
  const runtime = await prepareRuntime(config, logger);
  const app = await createApp(runtime.config, logger);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal} received: closing connections, then the database`);
    const forceExit = setTimeout(() => process.exit(1), 15_000).unref();
    try {
      await app.close();
      await runtime.stop();
    } finally {
      clearTimeout(forceExit);
      logger.info('stopped');
      process.exit(0);
    }
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));

  await app.listen(config.port, config.host);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const base = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`;
  logger.info({ port }, `Peerdex server listening on ${base}`);
  if (process.stdout.isTTY || process.env.PEERDEX_PRINT_URLS !== '0') {
    process.stdout.write(
      [
        '',
        `  Peerdex directory server is up`,
        `  API        ${base}/api/v1`,
        `  API docs   ${base}/api/docs`,
        `  Admin      ${base}/admin`,
        `  Health     ${base}/health/ready`,
        `  Metrics    ${base}/metrics`,
        '',
      ].join('\n') + '\n',
    );
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`peerdex-server: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
