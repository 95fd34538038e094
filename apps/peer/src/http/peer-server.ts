import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PIECE_SIZE, type PieceList, type TicketClaims } from '#contracts';
import type { CatalogueEntry, ShareCatalogue } from '../shares/catalogue.js';
import { digestsToHex } from '../shares/piece-hashes.js';
import { RateLimiter } from '../util/rate-limiter.js';
import type { PartialFiles } from './partial-files.js';
import { PushReceiver } from './push-receiver.js';
import { bearerToken, sendError, sendJson } from './responses.js';
import { type ServeFileContext, type UploadRecord, serveFile } from './serve-file.js';
import { servePartial } from './serve-partial.js';
import { TicketRefusedError, type TicketVerifier } from './ticket-verifier.js';
import { SessionHistory } from './session-history.js';
import { UploadLog } from './upload-log.js';
import { UploadSlots } from './upload-slots.js';

export interface PeerServerOptions {
  catalogue: ShareCatalogue;
  /** downloads in progress whose verified pieces are served too (swarming) */
  partials?: PartialFiles;
  tickets: TicketVerifier;
  /** this peer's current session id on the server; undefined while not connected */
  sessionId: () => string | undefined;
  /**
   * how long tickets naming a previous session id of this peer are still served after it was last
   * current (a server restart or reconnection gives the peer a new id mid-download; default 10 min)
   */
  sessionGraceMs?: number;
  /** files served at once, one slot per ticket (default 4) */
  uploadSlots?: number;
  /** seconds a refused downloader is told to wait (default 10) */
  retryAfterSeconds?: number;
  /** a connection on which nothing moves for this long is closed (default 30 s) */
  idleTimeoutMs?: number;
  /** a response whose downloader takes no data for this long is ended, freeing its slot (default 60 s) */
  writeTimeoutMs?: number;
  /** total upload rate in bytes per second; unlimited when unset */
  uploadBytesPerSecond?: number;
  /** a shared file changed since it was hashed: re-hash it and update the index */
  onStaleFile?: (entry: CatalogueEntry) => void;
  /** every file response, when it ends (for statistics and tests) */
  onUpload?: (record: UploadRecord) => void;
  /** the uploads log: who got which file, and how it went (see UploadLog) */
  log?: (line: string) => void;
}

const FILE_ROUTE = /^\/files\/([^/?#]*)(\/pieces)?$/;
const PUSH_ROUTE = /^\/push\/([^/?#]*)$/;
const SHA256 = /^[0-9a-fA-F]{64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Tickets are bearer tokens (RFC 6750); a 401 says so, as RFC 9110 §11.6.1 requires. */
const BEARER_CHALLENGE = 'Bearer realm="peerdex"';

/**
 * The peer's HTTP endpoint (docs/protocol.md). Routes match the raw request path: nothing from the
 * network is decoded into a file-system path; files are found by hash in the catalogue only.
 */
export class PeerServer {
  readonly pushes = new PushReceiver();
  readonly slots: UploadSlots;
  readonly rateLimiter?: RateLimiter;
  private readonly server: Server;
  private readonly sessions: SessionHistory;
  private readonly uploadLog?: UploadLog;

  constructor(private readonly options: PeerServerOptions) {
    this.slots = new UploadSlots(options.uploadSlots ?? 4);
    this.sessions = new SessionHistory(options.sessionId, options.sessionGraceMs ?? 600_000);
    if (options.log) this.uploadLog = new UploadLog(options.log);
    if (options.uploadBytesPerSecond) this.rateLimiter = new RateLimiter(options.uploadBytesPerSecond);
    const idleTimeoutMs = options.idleTimeoutMs ?? 30_000;
    // No limit on a whole request (a push of a large file takes long); the idle timeout ends stalls.
    this.server = createServer({ keepAliveTimeout: Math.min(30_000, idleTimeoutMs), headersTimeout: idleTimeoutMs, requestTimeout: 0 }, (request, response) => {
      this.route(request, response).catch(() => {
        if (!response.headersSent) sendError(request, response, 500, 'internal error');
        else response.destroy();
      });
    });
    this.server.setTimeout(idleTimeoutMs, (socket) => socket.destroy());
  }

  get catalogue(): ShareCatalogue {
    return this.options.catalogue;
  }

  get onStaleFile(): (entry: CatalogueEntry) => void {
    return this.options.onStaleFile ?? (() => undefined);
  }

  /** Starts listening; resolves with the base URL (port 0 picks a free port). */
  listen(port = 0, host = '127.0.0.1'): Promise<string> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        const address = this.server.address() as AddressInfo;
        const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
        resolve(`http://${shownHost}:${address.port}`);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '').split('?')[0]!;
    const method = request.method ?? 'GET';
    if (path === '/healthz') {
      if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed(request, response, 'GET, HEAD');
      return sendJson(request, response, 200, { status: 'ok' });
    }
    const file = FILE_ROUTE.exec(path);
    if (file && SHA256.test(file[1]!)) {
      const sha256 = file[1]!.toLowerCase();
      if (file[2]) {
        if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed(request, response, 'GET, HEAD');
        const claims = await this.authorize(request, response, sha256);
        if (claims) this.sendPieces(request, response, sha256);
        return;
      }
      if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed(request, response, 'GET, HEAD');
      const claims = await this.authorize(request, response, sha256);
      if (!claims) return;
      // A complete copy first; else a download in progress, for its verified pieces only.
      const partial = this.options.catalogue.lookup(sha256) ? undefined : this.options.partials?.lookup(sha256);
      if (partial) return servePartial(request, response, claims, this.serveContext(), partial);
      return serveFile(request, response, claims, this.serveContext());
    }
    const push = PUSH_ROUTE.exec(path);
    if (push && UUID.test(push[1]!) && this.pushes.isExpected(push[1]!.toLowerCase())) {
      const ticketId = push[1]!.toLowerCase();
      if (method !== 'PUT') return methodNotAllowed(request, response, 'PUT');
      const claims = await this.authorizePush(request, response, ticketId);
      if (claims) return this.pushes.receive(request, response, ticketId, claims);
      return;
    }
    // Everything else, including anything that is not exactly 64 hex digits ("..", %2e%2e, %2F).
    sendError(request, response, 404, 'not found');
  }

  private serveContext(): ServeFileContext {
    return {
      catalogue: this.options.catalogue,
      slots: this.slots,
      retryAfterSeconds: this.options.retryAfterSeconds ?? 10,
      rateLimiter: this.rateLimiter,
      writeTimeoutMs: this.options.writeTimeoutMs ?? 60_000,
      onStaleFile: this.onStaleFile,
      onUploadStart: (record) => this.uploadLog?.started(record),
      onUpload: (record) => {
        this.uploadLog?.ended(record);
        this.options.onUpload?.(record);
      },
      onBusy: (record) => this.uploadLog?.busy(record.download, record.downloader, record.name, this.slots.capacity),
    };
  }

  /** The ticket's claims when it allows fetching `sha256` from this peer; otherwise answers 401/403. */
  private async authorize(request: IncomingMessage, response: ServerResponse, sha256: string): Promise<TicketClaims | undefined> {
    const claims = await this.verifiedClaims(request, response);
    if (!claims) return undefined;
    if (claims.sha !== sha256) return refuse(request, response, 403, 'the ticket is for another file');
    if (!this.sessions.accepts(claims.src)) return refuse(request, response, 403, 'the ticket does not name this peer as a source');
    return claims;
  }

  private async authorizePush(request: IncomingMessage, response: ServerResponse, ticketId: string): Promise<TicketClaims | undefined> {
    const claims = await this.verifiedClaims(request, response);
    if (!claims) return undefined;
    if (claims.jti !== ticketId) return refuse(request, response, 403, 'the ticket is for another push');
    if (!claims.push || !this.sessions.accepts([claims.push])) return refuse(request, response, 403, 'the ticket does not name this peer as the receiver');
    if (claims.sha !== this.pushes.expectedHash(ticketId)) return refuse(request, response, 403, 'the ticket is for another file');
    return claims;
  }

  private async verifiedClaims(request: IncomingMessage, response: ServerResponse): Promise<TicketClaims | undefined> {
    const token = bearerToken(request);
    if (!token) return refuse(request, response, 401, 'a ticket is required (Authorization: Bearer <ticket>)', { 'www-authenticate': BEARER_CHALLENGE });
    try {
      return await this.options.tickets.verify(token);
    } catch (error) {
      if (!(error instanceof TicketRefusedError)) throw error;
      const headers: Record<string, string> = error.status === 401 ? { 'www-authenticate': invalidTicketChallenge(error.message) } : error.status === 503 ? { 'retry-after': '5' } : {};
      return refuse(request, response, error.status, error.message, headers);
    }
  }

  private sendPieces(request: IncomingMessage, response: ServerResponse, sha256: string): void {
    const entry = this.options.catalogue.lookup(sha256) ?? this.options.partials?.lookup(sha256);
    if (!entry) return sendError(request, response, 404, 'this peer does not share that file');
    const body: PieceList = { sha256, size: entry.size, pieceSize: PIECE_SIZE, pieces: digestsToHex(entry.pieces) };
    sendJson(request, response, 200, body, { etag: `"${sha256}"` });
  }
}

function refuse(request: IncomingMessage, response: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): undefined {
  // An upload nobody will read: close the connection rather than swallow the body.
  if (request.method === 'PUT') headers.connection = 'close';
  sendError(request, response, status, message, headers);
  return undefined;
}

function invalidTicketChallenge(message: string): string {
  return `${BEARER_CHALLENGE}, error="invalid_token", error_description="${message.replace(/["\\]/g, '')}"`;
}

function methodNotAllowed(request: IncomingMessage, response: ServerResponse, allow: string): void {
  sendError(request, response, 405, `use ${allow}`, { allow });
}
