import type { IncomingMessage, ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';

/** Errors leave the peer in the server's shape: {statusCode, error, message}. */
export function sendError(request: IncomingMessage, response: ServerResponse, statusCode: number, message: string, headers: Record<string, string> = {}): void {
  sendJson(request, response, statusCode, { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message }, headers);
}

export function sendJson(request: IncomingMessage, response: ServerResponse, statusCode: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(statusCode, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  });
  response.end(request.method === 'HEAD' ? undefined : text);
}

/** The bearer token of a request, or undefined. */
export function bearerToken(request: IncomingMessage): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  return match?.[1];
}
