import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Logger } from 'pino';
import { AppModule } from './app.module.js';
import { setUpOpenApi } from './common/openapi.js';
import { apiSecurityHeaders, landingPageSecurityHeaders, pageSecurityHeaders } from './common/security-headers.js';
import { AppConfig } from './config/app-config.js';
import { LANDING_PAGE_PATH, LANDING_PAGE_STYLE_HASH } from './links/landing-page.js';
import { PinoNestLogger } from './logging/nest-logger.js';
import { requestLogging } from './logging/request-logging.js';
import { httpMetricsMiddleware } from './metrics/http-metrics.middleware.js';
import { MetricsService } from './metrics/metrics.service.js';
import { PeerIoAdapter } from './realtime/peer-io.adapter.js';
import { serveAdminPanel } from './moderation/admin-panel.js';

export const API_PREFIX = 'api/v1';
export const JSON_BODY_LIMIT = '100kb';
/** The OpenAPI UI (setUpOpenApi), a page: it gets the page CSP. */
const OPENAPI_PATH = '/api/docs';

/** Builds the whole server; main.ts and the tests both start it this way. */
export async function createApp(config: AppConfig, logger: Logger): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(new PinoNestLogger(logger));
  app.use(requestLogging(logger));
  app.useWebSocketAdapter(new PeerIoAdapter(app, config));
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  app.use(apiSecurityHeaders);
  app.use(OPENAPI_PATH, pageSecurityHeaders);
  app.use(LANDING_PAGE_PATH, landingPageSecurityHeaders(LANDING_PAGE_STYLE_HASH));
  app.use(httpMetricsMiddleware(app.get(MetricsService)));
  app.useBodyParser('json', { limit: JSON_BODY_LIMIT });
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health', 'health/live', 'health/ready', 'metrics', `${LANDING_PAGE_PATH.slice(1)}/:sha256`] });
  serveAdminPanel(app);
  setUpOpenApi(app);
  return app;
}
