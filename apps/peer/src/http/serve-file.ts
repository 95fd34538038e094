import { type FileHandle, open } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TicketClaims } from '#contracts';
import type { CatalogueEntry, ShareCatalogue } from '../shares/catalogue.js';
import type { RateLimiter } from '../util/rate-limiter.js';
import { parseByteRange } from './byte-range.js';
import { attachmentDisposition } from './content-disposition.js';
import { sendRange } from './send-range.js';
import { sendError } from './responses.js';
import type { UploadSlots } from './upload-slots.js';

export interface UploadRecord {
  sha256: string;
  ticketId: string;
  /** the download the request belongs to (see downloadKey): what holds an upload slot */
  download: string;
  /** the downloader's username, as the ticket names it */
  downloader: string;
  /** the name the file is shared under here */
  name: string;
  status: number;
  /** requested byte range [start, end) */
  start: number;
  end: number;
  /** bytes actually read from disk for the response (less when the downloader hung up) */
  bytesSent: number;
  /** the range went out whole, or the downloader went away (or stopped reading) before */
  result: 'complete' | 'interrupted';
}

export interface ServeFileContext {
  catalogue: ShareCatalogue;
  slots: UploadSlots;
  retryAfterSeconds: number;
  rateLimiter?: RateLimiter;
  /** a chunk the downloader does not take within this long ends the response */
  writeTimeoutMs: number;
  onStaleFile(entry: CatalogueEntry): void;
  /** a response starts (it holds a slot); `onUpload` follows when it ends */
  onUploadStart(record: UploadRecord): void;
  onUpload(record: UploadRecord): void;
  /** a downloader turned away: every slot is busy */
  onBusy(record: Pick<UploadRecord, 'ticketId' | 'download' | 'downloader' | 'name'>): void;
}

/**
 * GET/HEAD /files/:sha256 once the ticket has been checked. The file is found by hash in the
 * catalogue, opened, and its descriptor's size and mtime compared with what was hashed: a file
 * edited since is never served under the old hash (409, and the owner is told to re-hash it).
 * The bytes come from that same descriptor.
 */
export async function serveFile(request: IncomingMessage, response: ServerResponse, claims: TicketClaims, context: ServeFileContext): Promise<void> {
  const opened = await openCurrent(claims.sha, context);
  if (opened === 'not-shared') return sendError(request, response, 404, 'this peer does not share that file');
  if (opened === 'stale') return sendError(request, response, 409, 'the file changed since it was hashed; it is being re-indexed');
  const { handle, entry } = opened;
  const file = { sha256: entry.sha256, size: entry.size, name: fileName(entry) };
  let handed = false;
  try {
    const range = requestedRange(request, file);
    if (range === 'unsatisfiable') {
      return sendError(request, response, 416, `the range is outside the file (${entry.size} bytes)`, { 'content-range': `bytes */${entry.size}` });
    }
    handed = await sendOpenedRange(request, response, claims, context, handle, file, range);
  } finally {
    if (!handed) await handle.close();
  }
}

export interface ServedFile {
  sha256: string;
  size: number;
  /** the name it is shared (or being downloaded) under */
  name: string;
}

/**
 * Answers with bytes [start, end) of an open file: the headers, then (for GET) the bytes under an
 * upload slot, the rate limit and the write timeout. True when it took `handle` over (and closed it).
 */
export async function sendOpenedRange(
  request: IncomingMessage,
  response: ServerResponse,
  claims: TicketClaims,
  context: ServeFileContext,
  handle: FileHandle,
  file: ServedFile,
  range: { start: number; end: number; partial: boolean },
  extraHeaders: Record<string, string> = {},
): Promise<boolean> {
  const { start, end, partial } = range;
  const headers: Record<string, string | number> = {
    ...extraHeaders,
    'accept-ranges': 'bytes',
    etag: `"${file.sha256}"`,
    'cache-control': 'no-store',
    'content-disposition': attachmentDisposition(file.name),
    'content-type': 'application/octet-stream',
    'content-length': end - start,
  };
  if (partial) headers['content-range'] = `bytes ${start}-${end - 1}/${file.size}`;
  const status = partial ? 206 : 200;
  if (request.method === 'HEAD') {
    response.writeHead(status, headers).end();
    return false;
  }
  const download = downloadKey(claims);
  const release = context.slots.tryAcquire(download);
  if (!release) {
    context.onBusy({ ticketId: claims.jti, download, downloader: claims.dun, name: file.name });
    sendError(request, response, 503, `all ${context.slots.capacity} upload slots are busy`, { 'retry-after': String(context.retryAfterSeconds) });
    return false;
  }
  const record: UploadRecord = { sha256: file.sha256, ticketId: claims.jti, download, downloader: claims.dun, name: file.name, status, start, end, bytesSent: 0, result: 'interrupted' };
  context.onUploadStart(record);
  // The downloader may have hung up while the ticket was checked and the file opened: its
  // 'close' has been and gone, so waiting for it would keep the slot forever.
  if (response.destroyed) {
    release();
    context.onUpload(record);
    return false;
  }
  response.once('close', release);
  response.writeHead(status, headers);
  await streamRange(handle, response, context, record);
  return true;
}

/**
 * One download, whatever ticket it came with: a connected downloader's session and file (its
 * renewed tickets, every few seconds while swarming, are still the same download and share one
 * upload slot and one log line); a ticket without a session (REST) is a download of its own.
 */
export function downloadKey(claims: TicketClaims): string {
  return claims.dsn ? `${claims.sub}/${claims.dsn}/${claims.sha}` : claims.jti;
}

export type Opened = { handle: FileHandle; entry: CatalogueEntry } | 'not-shared' | 'stale';

const reportedStale = new WeakSet<CatalogueEntry>();

export async function openCurrent(sha256: string, context: Pick<ServeFileContext, 'catalogue' | 'onStaleFile'>): Promise<Opened> {
  let sawStale = false;
  // Several shared files may hold the same bytes: any unchanged one will do.
  for (const entry of [...context.catalogue.lookupAll(sha256)]) {
    const handle = await open(entry.absolutePath, 'r').catch(() => undefined);
    const info = await handle?.stat().catch(() => undefined);
    if (handle && info && info.isFile() && info.size === entry.size && info.mtimeMs === entry.mtimeMs) return { handle, entry };
    await handle?.close();
    sawStale = true;
    // Tell the owner once per stale entry; it re-hashes and replaces the entry.
    if (!reportedStale.has(entry)) {
      reportedStale.add(entry);
      context.onStaleFile(entry);
    }
  }
  return sawStale ? 'stale' : 'not-shared';
}

/** The byte range a GET asks for (RFC 9110 §14; an If-Range naming another version means the whole file). */
export function requestedRange(request: IncomingMessage, entry: Pick<ServedFile, 'sha256' | 'size'>): { start: number; end: number; partial: boolean } | 'unsatisfiable' {
  const ifRange = request.headers['if-range'];
  const whole = { start: 0, end: entry.size, partial: false };
  // If-Range naming another version: send the whole file rather than a piece of something else.
  if (ifRange !== undefined && ifRange !== `"${entry.sha256}"`) return whole;
  const range = parseByteRange(request.headers.range, entry.size);
  if (range.kind === 'unsatisfiable') return 'unsatisfiable';
  return range.kind === 'partial' ? { start: range.start, end: range.end, partial: true } : whole;
}

async function streamRange(handle: FileHandle, response: ServerResponse, context: ServeFileContext, record: UploadRecord): Promise<void> {
  const sent = { bytes: 0 };
  try {
    await sendRange(handle, record.start, record.end, response, sent, { limiter: context.rateLimiter, writeTimeoutMs: context.writeTimeoutMs });
    response.end();
    record.result = 'complete';
  } catch {
    // The downloader hung up, stopped reading, or the disk failed mid-way: the connection cannot carry on.
    response.destroy();
  } finally {
    await handle.close().catch(() => undefined);
    record.bytesSent = sent.bytes;
    context.onUpload(record);
  }
}

/** The name the file is shared under (the last segment of its published path). */
export function fileName(entry: CatalogueEntry): string {
  return entry.publishedPath.slice(entry.publishedPath.lastIndexOf('/') + 1);
}
