import 'reflect-metadata';
import { createApp } from './app.factory.js';
import { prepareRuntime } from './bootstrap/runtime.js';
import { AppConfig, ConfigError } from './config/app-config.js';
import { startupBanner } from './bootstrap/banner.js';
import { createRootLogger, resolveLogFormat } from './logging/root-logger.js';
import { AdminBootstrapService } from './users/admin-bootstrap.service.js';

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = AppConfig.fromEnv(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`peerdex-server: ${error.message}\n`);
    process.exit(1);
  }
  const format = resolveLogFormat(config.logFormat, process.stdout.isTTY === true);
  const logger = createRootLogger(config.logLevel, { format });
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
  const generatedPassword = app.get(AdminBootstrapService).generatedPassword;
  if (process.stdout.isTTY || process.env.PEERDEX_PRINT_URLS !== '0' || generatedPassword) {
    const admin = generatedPassword ? { username: config.admin.username, generatedPassword } : undefined;
    // JSON logs on stdout stay pure JSON for collectors; the banner is for a person, on stderr then.
    (format === 'json' ? process.stderr : process.stdout).write(startupBanner(base, admin));
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`peerdex-server: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
