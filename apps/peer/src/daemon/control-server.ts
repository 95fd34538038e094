import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse, STATUS_CODES } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DAEMON_API_PREFIX, type DaemonStatus, type DownloadView, type ErrorBody, StartDownloadSchema, describeIssues, formatIssues } from '#contracts';
import { DownloadConflictError, DownloadFinishedError, type Downloads } from './downloads.js';
import { outputFolderProblem } from './output-folder.js';

export interface ControlHandlers {
  status(): DaemonStatus;
  downloads: Downloads;
  /** why a download cannot start right now (not connected), or undefined */
  cannotDownload(): string | undefined;
}

/** Host names a page on this machine reaches the API by; anything else is a rebinding attempt. */
const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);
const KEEPALIVE_MS = 15_000;

/**
 * The daemon's local API (docs/client.md): the one interface the `peerdex` command and local web
 * clients use. Loopback only; every request carries the secret written (mode 0600) to daemon.json,
 * and a Host header naming the loopback address, so neither other users of the machine nor web
 * pages (DNS rebinding) can drive it. No CORS headers are ever sent.
 *
 *   GET  /api/v1/status                    DaemonStatus
 *   GET  /api/v1/downloads                 {downloads: DownloadView[]}
 *   POST /api/v1/downloads {sha256, outputDir, seed?}  201 DownloadView; 409 {…, download} when already running
 *   GET  /api/v1/downloads/:id             DownloadView
 *   POST /api/v1/downloads/:id/cancel      DownloadView (cancelled); 409 when it had already ended
 *   GET  /api/v1/events[?download=:id]     text/event-stream: snapshot, then download changes
 */
export class ControlServer {
  readonly token = randomBytes(24).toString('base64url');
  private readonly server: Server;
  private port = 0;

  constructor(private readonly handlers: ControlHandlers) {
    this.server = createServer((request, response) => {
      this.route(request, response).catch((error: Error) => {
        if (!response.headersSent) sendError(response, 500, error.message);
        else response.end();
      });
    });
  }

  listen(): Promise<string> {
    return new Promise((resolve) =>
      this.server.listen(0, '127.0.0.1', () => {
        this.port = (this.server.address() as AddressInfo).port;
        resolve(`http://127.0.0.1:${this.port}`);
      }),
    );
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!this.loopbackHost(request)) return sendError(response, 403, 'the Host header must name this machine\u2019s loopback address');
    if (!this.authorised(request)) return sendError(response, 401, 'missing or wrong token (it is in daemon.json)');
    const url = new URL(request.url ?? '/', 'http://localhost');
    const path = url.pathname.startsWith(`${DAEMON_API_PREFIX}/`) ? url.pathname.slice(DAEMON_API_PREFIX.length) : '';
    const { downloads } = this.handlers;
    const download = /^\/downloads\/([^/]+)(\/cancel)?$/.exec(path);

    if (request.method === 'GET' && path === '/status') return sendJson(response, 200, this.handlers.status());
    if (request.method === 'GET' && path === '/downloads') return sendJson(response, 200, { downloads: downloads.list() });
    if (request.method === 'POST' && path === '/downloads') return this.start(request, response);
    if (request.method === 'GET' && download && !download[2]) {
      const found = downloads.get(download[1]!);
      return found ? sendJson(response, 200, found) : sendError(response, 404, 'no such download');
    }
    if (request.method === 'POST' && download?.[2]) {
      try {
        const cancelled = await downloads.cancel(download[1]!);
        return cancelled ? sendJson(response, 200, cancelled) : sendError(response, 404, 'no such download');
      } catch (error) {
        if (error instanceof DownloadFinishedError) return sendError(response, 409, error.message, { download: error.download });
        throw error;
      }
    }
    if (request.method === 'GET' && path === '/events') return this.events(response, url.searchParams.get('download'));
    sendError(response, 404, `no route ${request.method} ${url.pathname}`);
  }

  private async start(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const parsed = StartDownloadSchema.safeParse(await readJson(request));
    if (!parsed.success) return sendError(response, 400, formatIssues(describeIssues(parsed.error)));
    const { sha256, outputDir, seed } = parsed.data;
    const problem = await outputFolderProblem(outputDir);
    if (problem) return sendError(response, 400, `outputDir: ${outputDir} ${problem}`);
    const unavailable = this.handlers.cannotDownload();
    if (unavailable) return sendError(response, 503, unavailable);
    try {
      sendJson(response, 201, this.handlers.downloads.start(sha256, outputDir, { seed }));
    } catch (error) {
      if (error instanceof DownloadConflictError) return sendError(response, 409, error.message, { download: error.download });
      throw error;
    }
  }

  /** Server-sent events: the current state first, then every change, until the client goes away. */
  private events(response: ServerResponse, only: string | null): void {
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    const wanted = (download: DownloadView) => only === null || download.id === only;
    const send = (event: string, data: unknown) => response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    send('snapshot', { downloads: this.handlers.downloads.list().filter(wanted) });
    const unsubscribe = this.handlers.downloads.subscribe((download) => wanted(download) && send('download', download));
    const keepalive = setInterval(() => response.write(': keep-alive\n\n'), KEEPALIVE_MS);
    response.once('close', () => {
      clearInterval(keepalive);
      unsubscribe();
    });
  }

  private loopbackHost(request: IncomingMessage): boolean {
    const host = request.headers.host ?? '';
    const separator = host.lastIndexOf(':');
    return separator > 0 && LOOPBACK_NAMES.has(host.slice(0, separator).toLowerCase()) && host.slice(separator + 1) === String(this.port);
  }

  private authorised(request: IncomingMessage): boolean {
    const presented = Buffer.from(/^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '');
    const expected = Buffer.from(this.token);
    return presented.length === expected.length && timingSafeEqual(presented, expected);
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
}

function sendError(response: ServerResponse, statusCode: number, message: string, extra: Record<string, unknown> = {}): void {
  const body: ErrorBody = { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message };
  sendJson(response, statusCode, { ...body, ...extra });
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of request) {
    text += chunk;
    if (text.length > 64 * 1024) throw new Error('request too large');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
