import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { Logger } from 'pino';
import { AppModule } from './app.module.js';
import { AppConfig } from './config/app-config.js';
import { PinoNestLogger } from './logging/nest-logger.js';
import { requestLogging } from './logging/request-logging.js';
import { httpMetricsMiddleware } from './metrics/http-metrics.middleware.js';
import { MetricsService } from './metrics/metrics.service.js';
import { PeerIoAdapter } from './realtime/peer-io.adapter.js';
import { serveAdminPanel } from './moderation/admin-panel.js';

export const API_PREFIX = 'api/v1';
export const JSON_BODY_LIMIT = '100kb';

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
  app.use(httpMetricsMiddleware(app.get(MetricsService)));
  app.useBodyParser('json', { limit: JSON_BODY_LIMIT });
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health', 'health/live', 'health/ready', 'metrics'] });
  serveAdminPanel(app);
  setUpOpenApi(app);
  return app;
}

function setUpOpenApi(app: NestExpressApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Peerdex directory API')
      .setDescription(
        'Accounts, the share index and search of a brokered peer-to-peer directory. ' +
          'Errors always have the shape {statusCode, error, message}. The Socket.IO protocol is described in docs/protocol.md.',
      )
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An access token from /auth/login' })
      .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'A personal API key from /me/api-keys (search API only)' }, 'api-key')
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
}
