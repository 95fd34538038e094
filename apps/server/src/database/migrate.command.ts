import { prepareRuntime } from '../bootstrap/runtime.js';
import { AppConfig, ConfigError } from '../config/app-config.js';
import { createRootLogger, resolveLogFormat } from '../logging/root-logger.js';

/** `npm run db:migrate`: applies pending migrations (to the embedded database if DATABASE_URL is unset) and exits. */
try {
  const config = AppConfig.fromEnv(process.env);
  const runtime = await prepareRuntime(config, createRootLogger(config.logLevel, { format: resolveLogFormat(config.logFormat, process.stdout.isTTY === true) }));
  await runtime.stop();
} catch (error) {
  process.stderr.write(`db:migrate: ${error instanceof ConfigError ? error.message : (error as Error).message}\n`);
  process.exit(1);
}
