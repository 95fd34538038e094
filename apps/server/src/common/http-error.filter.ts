import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import type { Request, Response } from 'express';
import type { ErrorBody } from '#contracts';
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailable } from '../database/database-unavailable.js';
import { DomainError, OverloadedError, RateLimitedError } from './errors.js';

/**
 * Every REST error leaves the server here, as {statusCode, error, message} (and retryAfter, with
 * a Retry-After header, for 429 and 503). Domain errors carry
 * their own status; Nest's HttpExceptions keep theirs; body-parser's errors (malformed JSON, too
 * large) become 400 and 413; a database that cannot be used becomes 503 with Retry-After; anything
 * else is logged with the request id and answered as a bare 500.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpErrorFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const response = host.switchToHttp().getResponse<Response>();
    const request = host.switchToHttp().getRequest<Request>();
    const body = toErrorBody(exception);
    if (body.statusCode === 503) {
      this.logger.warn({ requestId: request.id }, `${request.method} ${request.path}: ${errorSummary(exception)}`);
    } else if (body.statusCode >= 500) {
      this.logger.error({ err: exception, requestId: request.id }, `unhandled error on ${request.method} ${request.path}`);
    }
    if (response.headersSent) return;
    if (body.retryAfter) response.setHeader('Retry-After', String(body.retryAfter));
    response.status(body.statusCode).json(body);
  }
}

export function toErrorBody(exception: unknown): ErrorBody {
  if (exception instanceof RateLimitedError || exception instanceof OverloadedError) {
    return { ...errorBody(exception.status, exception.message), retryAfter: exception.retryAfterSeconds };
  }
  if (exception instanceof DomainError) return errorBody(exception.status, exception.message);
  if (isDatabaseUnavailable(exception)) {
    return { ...errorBody(503, 'The database is unavailable right now; try again shortly'), retryAfter: DATABASE_RETRY_AFTER_SECONDS };
  }
  if (exception instanceof HttpException) {
    // Nest wraps body-parser's errors (malformed JSON, body too large) and keeps them as the cause.
    return bodyParserError(exception.cause) ?? errorBody(exception.getStatus(), httpExceptionMessage(exception));
  }
  return bodyParserError(exception) ?? errorBody(500, 'Internal server error');
}

export function errorBody(statusCode: number, message: string): ErrorBody {
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message };
}

function httpExceptionMessage(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : exception.message;
}

/** body-parser marks its errors with a `type` and an HTTP status. */
function bodyParserError(exception: unknown): ErrorBody | undefined {
  if (typeof exception !== 'object' || exception === null) return undefined;
  const { type, status, limit } = exception as { type?: string; status?: number; limit?: number };
  switch (type) {
    case 'entity.parse.failed':
      return errorBody(400, `Malformed JSON body: ${(exception as Error).message}`);
    case 'entity.too.large':
      return errorBody(413, `Request body is larger than the ${limit ?? 'allowed'} byte limit`);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return errorBody(415, (exception as Error).message);
    default:
      return typeof status === 'number' && status >= 400 && status < 500 ? errorBody(status, (exception as Error).message) : undefined;
  }
}

/** The last line of an error's message (Prisma puts the cause there), for a warning that needs no stack. */
export function errorSummary(exception: unknown): string {
  return (exception instanceof Error ? exception.message : String(exception)).trim().split('\n').at(-1)!.slice(0, 300);
}
