import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Sha256Schema } from '#contracts';
import type { DownloadProgress } from '../transfer/download-request.js';
import type { FetchResult } from './fetch-file.js';
import type { RefusedFile } from './refusals.js';

export interface DaemonStatus {
  server: string;
  username: string;
  connected: boolean;
  sessionId: string | null;
  address: string | null;
  firewalled: boolean | null;
  endpoint: string;
  shares: string[];
  /** files listed by the server (refused ones not counted) and their size */
  files: number;
  bytes: number;
  refused: RefusedFile[];
  uploadsInProgress: number;
  downloadsInProgress: number;
}

export interface ControlHandlers {
  status(): DaemonStatus;
  download(sha256: string, outputDir: string, onProgress: (progress: DownloadProgress) => void): Promise<FetchResult>;
}

/** Progress and the result of a download, as NDJSON lines on the control connection. */
export type DownloadEvent = { type: 'progress'; progress: DownloadProgress } | { type: 'result'; result: FetchResult } | { type: 'error'; message: string };

/**
 * The daemon's local control endpoint, for the CLI: loopback only, and every request must carry
 * the secret written (mode 0600) to daemon.json, so other users of the machine cannot drive it.
 *
 *   GET  /status                       → DaemonStatus
 *   POST /downloads {sha256, outputDir} → NDJSON DownloadEvents until the result
 */
export class ControlServer {
  readonly token = randomBytes(24).toString('base64url');
  private readonly server: Server;

  constructor(private readonly handlers: ControlHandlers) {
    this.server = createServer((request, response) => {
      this.route(request, response).catch((error: Error) => {
        if (!response.headersSent) json(response, 500, { message: error.message });
        else response.end();
      });
    });
  }

  listen(): Promise<string> {
    return new Promise((resolve) =>
      this.server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(this.server.address() as AddressInfo).port}`)),
    );
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!this.authorised(request)) return json(response, 401, { message: 'missing or wrong control token' });
    if (request.method === 'GET' && request.url === '/status') return json(response, 200, this.handlers.status());
    if (request.method === 'POST' && request.url === '/downloads') {
      const body = (await readJson(request)) as { sha256?: unknown; outputDir?: unknown };
      const sha256 = Sha256Schema.safeParse(body.sha256);
      if (!sha256.success || typeof body.outputDir !== 'string') return json(response, 400, { message: 'expected {sha256, outputDir}' });
      response.writeHead(200, { 'content-type': 'application/x-ndjson' });
      const send = (event: DownloadEvent) => response.write(`${JSON.stringify(event)}\n`);
      try {
        const result = await this.handlers.download(sha256.data, body.outputDir, (progress) => send({ type: 'progress', progress }));
        send({ type: 'result', result });
      } catch (error) {
        send({ type: 'error', message: (error as Error).message });
      }
      response.end();
      return;
    }
    json(response, 404, { message: 'no such control route' });
  }

  private authorised(request: IncomingMessage): boolean {
    const presented = Buffer.from(/^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '');
    const expected = Buffer.from(this.token);
    return presented.length === expected.length && timingSafeEqual(presented, expected);
  }
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
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
    return {};
  }
}
