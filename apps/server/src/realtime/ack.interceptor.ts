import { type CallHandler, type ExecutionContext, Injectable, Logger, type NestInterceptor } from '@nestjs/common';
import { catchError, map, of, type Observable, tap } from 'rxjs';
import type { Ack } from '#contracts';
import { OverloadedError } from '../common/errors.js';
import { toErrorBody } from '../common/http-error.filter.js';
import { MetricsService } from '../metrics/metrics.service.js';

/**
 * Turns what a gateway handler returns into the acknowledgement `{ok: true, data}`, and anything it
 * throws (validation, domain errors) into `{ok: false, error}` with the same body a REST error has.
 * Unexpected errors are logged and answered as a bare 500. Also times every event.
 */
@Injectable()
export class AckInterceptor implements NestInterceptor {
  private readonly logger = new Logger('PeerGateway');

  constructor(private readonly metrics: MetricsService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<Ack<unknown>> {
    const event = context.switchToWs().getPattern();
    const started = process.hrtime.bigint();
    const record = (outcome: string) =>
      this.metrics.recordSocketEvent(event, outcome, Number(process.hrtime.bigint() - started) / 1e9);
    return next.handle().pipe(
      map((data: unknown): Ack<unknown> => ({ ok: true, data: data ?? null })),
      tap(() => record('ok')),
      catchError((error: unknown) => {
        const body = toErrorBody(error);
        if (body.statusCode >= 500 && !(error instanceof OverloadedError)) this.logger.error({ err: error, event }, `unhandled error in ${event}`);
        record(String(body.statusCode));
        return of<Ack<unknown>>({ ok: false, error: body });
      }),
    );
  }
}
