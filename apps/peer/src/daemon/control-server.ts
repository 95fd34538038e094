import { createServer, type IncomingMessage, type Server, type ServerResponse, STATUS_CODES } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DAEMON_API_PREFIX, type ErrorBody } from '#contracts';
import { type ControlHandlers, ControlError, type Route, controlRoutes, type EventSink } from './control-routes.js';
import type { UiAccess } from './ui-access.js';
import type { UiAssets } from './ui-assets.js';

export type { ControlHandlers } from './control-routes.js';

/** Host names a page on this machine reaches the API by; anything else is a rebinding attempt. */
const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);
const KEEPALIVE_MS = 15_000;
const SAFE_METHODS = new Set(['GET', 'HEAD']);
/** The UI's own page: its scripts and styles from here only, no framing by other sites. */
const UI_HEADERS = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};
const SIGN_IN_PAGE = `<!doctype html><meta charset="utf-8"><title>Peerdex</title>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">
<h1>Peerdex</h1><p>This browser is not signed in to your peer, or its login link was used already or expired.</p>
<p>Run <code>peerdex ui</code> in a terminal: it opens a fresh one-time link here.</p></body>`;

export interface ControlServerOptions {
  access: UiAccess;
  /** the built web UI; absent with `--no-ui` (the API alone still serves the command) */
  ui?: UiAssets;
  /** port to listen on: the UI's fixed port, or 0 for any free one */
  port: number;
}

/**
 * The daemon's local API and web UI (docs/client.md): the one interface the `peerdex` command
 * and the browser use. Loopback only; every API request carries the command's bearer token or the
 * UI's cookie (see UiAccess), and a Host header naming the loopback address and this port, so
 * neither other users of the machine nor web pages (DNS rebinding, cross-site requests) can drive
 * it. No CORS headers are ever sent.
 */
export class ControlServer {
  private readonly server: Server;
  private readonly routes: Route[];
  private port = 0;

  constructor(
    handlers: ControlHandlers,
    private readonly options: ControlServerOptions,
  ) {
    this.routes = controlRoutes(handlers);
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: Error) => {
        if (!response.headersSent) sendError(response, 500, error.message);
        else response.end();
      });
    });
  }

  get token(): string {
    return this.options.access.token;
  }

  /** Resolves with the base URL; rejects as `listen` does (EADDRINUSE…). */
  listen(): Promise<string> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, '127.0.0.1', () => {
        this.server.off('error', reject);
        this.port = (this.server.address() as AddressInfo).port;
        resolve(`http://127.0.0.1:${this.port}`);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!this.loopbackHost(request)) return sendError(response, 403, 'the Host header must name this machine\u2019s loopback address and this port');
    const url = new URL(request.url ?? '/', 'http://localhost');
    const { access, ui } = this.options;
    if (!url.pathname.startsWith(`${DAEMON_API_PREFIX}/`)) {
      if (!ui) return sendError(response, 404, 'the web UI is off (`peerdex up --no-ui`)');
      if (!SAFE_METHODS.has(request.method ?? '')) return sendError(response, 405, 'only GET here');
      if (url.pathname === '/login') return this.login(url, response);
      const file = ui.find(url.pathname);
      if (!file) return sendError(response, 404, 'no such file');
      const isPage = file.contentType.startsWith('text/html');
      if (isPage && !access.hasCookie(request, this.port)) {
        return void response.writeHead(401, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...UI_HEADERS }).end(SIGN_IN_PAGE);
      }
      response.writeHead(200, {
        'content-type': file.contentType,
        'cache-control': file.immutable ? 'public, max-age=31536000, immutable' : 'no-store',
        ...UI_HEADERS,
      });
      return void response.end(request.method === 'HEAD' ? undefined : file.body);
    }
    const byToken = access.hasToken(request);
    if (!byToken && !access.hasCookie(request, this.port)) return sendError(response, 401, 'sign in first: run `peerdex ui` (the command uses the token in daemon.json)');
    // A cookie rides along on requests other sites make; a page of ours always names its origin.
    if (!byToken && !SAFE_METHODS.has(request.method ?? '') && request.headers.origin !== `http://${request.headers.host}`) {
      return sendError(response, 403, 'cross-origin requests are refused');
    }
    return this.route(request, response, url);
  }

  private async route(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const path = url.pathname.slice(DAEMON_API_PREFIX.length);
    let pathMatched = false;
    for (const route of this.routes) {
      const match = route.path.exec(path);
      if (!match) continue;
      pathMatched = true;
      if (route.method !== request.method) continue;
      if (route.tokenOnly && !this.options.access.hasToken(request)) return sendError(response, 403, 'only the `peerdex` command may do this');
      if (route.events) return this.events(response, route.events, url);
      try {
        const body = route.method === 'GET' ? undefined : await readJson(request);
        const { status, body: answer } = await route.handle({ params: match.slice(1), query: url.searchParams, body, origin: `http://127.0.0.1:${this.port}` });
        return sendJson(response, status, answer);
      } catch (error) {
        if (error instanceof ControlError) return sendError(response, error.status, error.message, error.extra);
        throw error;
      }
    }
    sendError(response, pathMatched ? 405 : 404, `no route ${request.method} ${url.pathname}`);
  }

  /** Server-sent events: the current state first, then every change, until the client goes away. */
  private events(response: ServerResponse, open: (sink: EventSink, query: URLSearchParams) => () => void, url: URL): void {
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    const unsubscribe = open((event, data) => response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`), url.searchParams);
    const keepalive = setInterval(() => response.write(': keep-alive\n\n'), KEEPALIVE_MS);
    response.once('close', () => {
      clearInterval(keepalive);
      unsubscribe();
    });
  }

  /** The one-time link from `peerdex ui`: spends the code, sets the cookie, goes to the UI. */
  private login(url: URL, response: ServerResponse): void {
    if (!this.options.access.spendLoginCode(url.searchParams.get('code'))) {
      return void response.writeHead(401, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...UI_HEADERS }).end(SIGN_IN_PAGE);
    }
    response.writeHead(303, { location: '/', 'set-cookie': this.options.access.cookie(this.port), 'cache-control': 'no-store', ...UI_HEADERS }).end();
  }

  private loopbackHost(request: IncomingMessage): boolean {
    const host = request.headers.host ?? '';
    const separator = host.lastIndexOf(':');
    return separator > 0 && LOOPBACK_NAMES.has(host.slice(0, separator).toLowerCase()) && host.slice(separator + 1) === String(this.port);
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  response.end(body === undefined ? undefined : JSON.stringify(body));
}

function sendError(response: ServerResponse, statusCode: number, message: string, extra: Record<string, unknown> = {}): void {
  const body: ErrorBody = { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message };
  sendJson(response, statusCode, { ...body, ...extra });
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of request) {
    text += chunk;
    if (text.length > 64 * 1024) throw new ControlError(413, 'request too large');
  }
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ControlError(400, 'the body is not valid JSON');
  }
}
