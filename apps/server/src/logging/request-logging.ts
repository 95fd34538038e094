import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';

const REQUEST_ID = /^[\w.:-]{1,128}$/;
/** Probes and scrapes every few seconds would drown the log. */
const QUIET_PATHS = new Set(['/metrics', '/health', '/health/live', '/health/ready']);

/** Adopts a caller's X-Request-Id when it looks sane, otherwise makes one; echoes it back. */
export function requestId(request: IncomingMessage, response: ServerResponse): string {
  const incoming = request.headers['x-request-id'];
  const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  response.setHeader('X-Request-Id', id);
  return id;
}

/**
 * One log record per request ("GET /api/v1/me 401 in 3 ms") with its id, method, URL, status and
 * time; 5xx at error level. Bodies are never logged.
 */
export function requestLogging(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId: requestId,
    autoLogging: { ignore: (request) => QUIET_PATHS.has((request.url ?? '').split('?')[0]!) },
    customLogLevel: (_request, response, error) => (error || response.statusCode >= 500 ? 'error' : 'info'),
    customSuccessMessage: (request, response, ms) => `${request.method} ${request.url} ${response.statusCode} in ${Math.round(ms)} ms`,
    customErrorMessage: (request, response) => `${request.method} ${request.url} ${response.statusCode} failed`,
    serializers: {
      req: (request: { id: string; method: string; url: string }) => ({ id: request.id, method: request.method, url: request.url }),
    },
  });
}
