import type { NextFunction, Request, Response } from 'express';
import type { MetricsService } from './metrics.service.js';

/**
 * Times every HTTP request, labelled by the route pattern that matched (never the raw path, which
 * would give one time series per file hash).
 */
export function httpMetricsMiddleware(metrics: MetricsService) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    response.on('finish', () => {
      const route = (request.route as { path?: string } | undefined)?.path;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.recordHttp(request.method, route ? `${request.baseUrl}${route}` : 'unmatched', response.statusCode, seconds);
    });
    next();
  };
}
