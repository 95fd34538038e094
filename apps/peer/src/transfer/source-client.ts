import { type Agent, type IncomingMessage, request as httpRequest } from 'node:http';
import { PARTIAL_PIECES_HEADER, PEER_PATHS, type PieceList, PieceListSchema, pieceRange } from '#contracts';

/** Why a source failed a request, which decides what the downloader does with it next. */
export type SourceFailure =
  /** 503: every upload slot is busy; ask again after `retryAfterMs` */
  | { kind: 'busy'; retryAfterMs: number }
  /** 4xx: the source will not serve this (no longer shared, changed) */
  | { kind: 'refused'; status: number; message: string }
  /** 401/403: the source refuses the ticket (expired, or naming a session it no longer has) */
  | { kind: 'ticket'; status: number; message: string }
  /** connection refused or reset, 5xx, timeout, truncated body: the source is failing */
  | { kind: 'dead'; message: string }
  /** bytes that failed verification against the piece digest: the source lied */
  | { kind: 'bad-piece'; index: number }
  /** 416 from a partial source: it has not verified those pieces yet; `bitfield` is what it has */
  | { kind: 'missing'; message: string; bitfield?: string };

export class SourceError extends Error {
  constructor(readonly failure: SourceFailure) {
    super(describeFailure(failure));
  }
}

export function describeFailure(failure: SourceFailure): string {
  switch (failure.kind) {
    case 'busy':
      return `busy (retry after ${Math.round(failure.retryAfterMs / 1000)} s)`;
    case 'refused':
    case 'ticket':
      return `refused with ${failure.status}: ${failure.message}`;
    case 'dead':
      return failure.message;
    case 'bad-piece':
      return `sent piece ${failure.index} with the wrong bytes`;
    case 'missing':
      return `does not have those pieces yet: ${failure.message}`;
  }
}

export interface SourceConnection {
  url: string;
  ticket: string;
  agent: Agent;
  /** a request whose socket stays silent this long has failed */
  idleTimeoutMs: number;
  signal: AbortSignal;
}

export interface SpanRequest {
  sha256: string;
  size: number;
  first: number;
  count: number;
  /** a buffer of exactly `length` bytes for the next piece */
  allocate(length: number): Buffer;
  /** a complete piece (in a buffer from `allocate`); resolves once it is checked and stored */
  onPiece(index: number, data: Buffer): Promise<void>;
  /** a partial source said which pieces it has now (its PARTIAL_PIECES_HEADER) */
  onPieces?(bitfield: string): void;
}

const MAX_PENDING_WRITES = 4;

/** Fetches pieces [first, first+count) with one range request, handing on each as it completes. */
export async function fetchSpan(source: SourceConnection, span: SpanRequest): Promise<void> {
  const start = pieceRange(span.first, span.size).start;
  const end = pieceRange(span.first + span.count - 1, span.size).end;
  const response = await send(source, PEER_PATHS.file(span.sha256), { range: `bytes=${start}-${end - 1}` });
  const pieces = response.headers[PARTIAL_PIECES_HEADER];
  if (typeof pieces === 'string' && response.statusCode === 206) span.onPieces?.(pieces);
  if (response.statusCode === 206) {
    const expected = `bytes ${start}-${end - 1}/${span.size}`;
    if (response.headers['content-range'] !== expected) throw fail(response, { kind: 'dead', message: `answered ${response.headers['content-range']} for ${expected}` });
  } else if (!(response.statusCode === 200 && start === 0 && end === span.size)) {
    throw fail(response, await statusFailure(response));
  }
  await receivePieces(response, span, start, end);
}

/** GET /files/:sha256/pieces, shape-checked (checking it against the root is the caller's job). */
export async function fetchPieceList(source: SourceConnection, sha256: string): Promise<PieceList> {
  const response = await send(source, PEER_PATHS.pieces(sha256), {});
  if (response.statusCode !== 200) throw fail(response, await statusFailure(response));
  const body = await readBody(response, 64 * 1024 * 1024);
  let parsed: ReturnType<typeof PieceListSchema.safeParse>;
  try {
    parsed = PieceListSchema.safeParse(JSON.parse(body.toString('utf8')));
  } catch {
    throw new SourceError({ kind: 'refused', status: 200, message: 'sent a piece list that is not JSON' });
  }
  if (!parsed.success) throw new SourceError({ kind: 'refused', status: 200, message: 'sent a malformed piece list' });
  return parsed.data;
}

function send(source: SourceConnection, path: string, headers: Record<string, string>): Promise<IncomingMessage> {
  const target = new URL(source.url.replace(/\/+$/, '') + path);
  return new Promise((resolve, reject) => {
    const request = httpRequest(target, { agent: source.agent, headers: { ...headers, authorization: `Bearer ${source.ticket}` }, signal: source.signal });
    request.setTimeout(source.idleTimeoutMs, () => request.destroy(new SourceError({ kind: 'dead', message: `silent for ${source.idleTimeoutMs} ms` })));
    request.once('response', resolve);
    request.once('error', (error) => reject(asSourceError(error, source.signal)));
    request.end();
  });
}

/**
 * Cuts the response into pieces: socket chunks are copied into piece buffers from `allocate`
 * (a reused pool), so the chunks die young instead of being kept alive, promoted and collected
 * expensively while their writes are pending.
 */
function receivePieces(response: IncomingMessage, span: SpanRequest, start: number, end: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const pending = new Set<Promise<void>>();
    let index = span.first;
    let position = start;
    let piece = span.allocate(pieceRange(index, span.size).end - position);
    let filled = 0;
    let failed = false;
    let paused = false;

    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      response.destroy();
      // Writes already issued finish first: their pieces are good and their buffers in use.
      void Promise.allSettled(pending).then(() => reject(error));
    };
    const completePiece = () => {
      const stored: Promise<void> = span.onPiece(index, piece).then(
        () => {
          pending.delete(stored);
          // Storage slower than the network: reading resumes once writes catch up (TCP pushes back).
          if (paused && pending.size < MAX_PENDING_WRITES) {
            paused = false;
            response.resume();
          }
        },
        (error: unknown) => fail(new StorageError(error)),
      );
      pending.add(stored);
      index++;
      if (position < end) {
        piece = span.allocate(pieceRange(index, span.size).end - position);
        filled = 0;
      }
    };

    response.on('data', (chunk: Buffer) => {
      let offset = 0;
      while (!failed && offset < chunk.length && position < end) {
        const take = Math.min(piece.length - filled, chunk.length - offset);
        chunk.copy(piece, filled, offset, offset + take);
        filled += take;
        offset += take;
        position += take;
        if (filled === piece.length) completePiece();
      }
      if (!failed && pending.size >= MAX_PENDING_WRITES) {
        paused = true;
        response.pause();
      }
    });
    response.once('end', () => {
      if (failed) return;
      if (position < end) return fail(new SourceError({ kind: 'dead', message: `the response stopped after ${position - start} of ${end - start} bytes` }));
      // A piece that could not be stored fails the span even when its bytes were the last to come.
      void Promise.all(pending).then(() => failed || resolve(), fail);
    });
    response.once('error', (error) => fail(error instanceof SourceError ? error : new SourceError({ kind: 'dead', message: `connection failed: ${errorText(error)}` })));
    response.once('aborted', () => fail(new SourceError({ kind: 'dead', message: 'the connection was cut mid-response' })));
  });
}

/** Writing to the local disk failed: this peer's problem, never the source's. */
export class StorageError extends Error {
  constructor(override readonly cause: unknown) {
    super(`could not write the download: ${errorText(cause)}`);
  }
}

async function statusFailure(response: IncomingMessage): Promise<SourceFailure> {
  const status = response.statusCode ?? 0;
  const { message, body } = await errorBody(response);
  // A partial source without those pieces says which it has (docs/protocol.md, swarming).
  if (status === 416 && typeof body?.bitfield === 'string') return { kind: 'missing', message, bitfield: body.bitfield };
  if (status === 503) return { kind: 'busy', retryAfterMs: retryAfterMs(response.headers['retry-after']) };
  if (status >= 500) return { kind: 'dead', message: `answered ${status}: ${message}` };
  if (status === 401 || status === 403) return { kind: 'ticket', status, message };
  return { kind: 'refused', status, message };
}

function fail(response: IncomingMessage, failure: SourceFailure): SourceError {
  response.resume();
  return new SourceError(failure);
}

async function errorBody(response: IncomingMessage): Promise<{ message: string; body?: Record<string, unknown> }> {
  try {
    const text = (await readBody(response, 256 * 1024)).toString('utf8');
    const parsed = JSON.parse(text) as Record<string, unknown>;
    return { message: typeof parsed.message === 'string' ? parsed.message : text.slice(0, 200), body: parsed };
  } catch {
    return { message: `status ${response.statusCode}` };
  }
}

async function readBody(response: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > limit) {
      response.destroy();
      throw new SourceError({ kind: 'refused', status: response.statusCode ?? 0, message: 'the response is too large' });
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function retryAfterMs(header: string | undefined): number {
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds, 3600) * 1000;
  const date = header ? Date.parse(header) : NaN;
  return Number.isFinite(date) ? Math.max(0, Math.min(date - Date.now(), 3_600_000)) : 5_000;
}

function asSourceError(error: unknown, signal: AbortSignal): unknown {
  if (signal.aborted || error instanceof SourceError) return error;
  return new SourceError({ kind: 'dead', message: `connection failed: ${errorText(error)}` });
}

function errorText(error: unknown): string {
  if (error instanceof SourceError) return error.message;
  const code = (error as NodeJS.ErrnoException)?.code;
  return code ?? (error instanceof Error ? error.message : String(error));
}
