import { createHash } from 'node:crypto';
import { mkdir, open } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PIECE_SIZE, pieceCount, type TicketClaims } from '#contracts';
import { PieceHasher, pieceRootOf } from '../shares/piece-hashes.js';
import { claimPlacement } from '../transfer/download-lock.js';
import { discardPart, finalizePart, saveState } from '../transfer/part-file.js';
import { PieceSet } from '../transfer/piece-set.js';
import { type DownloadOutcome, InvalidDownloadRequestError, parseDownloadRequest } from '../transfer/download-request.js';
import { sendError, sendJson } from './responses.js';

/** Ticket ids as the push route accepts them (lower case, as PeerServer passes them on). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A push this peer asked for: a firewalled source will PUT the file to /push/:ticketId. */
export interface ExpectedPush {
  ticketId: string;
  sha256: string;
  size: number;
  pieceRoot: string | null;
  name: string;
  outputDir: string;
  /** how long to wait for the uploader to start, or to come back after an interrupted upload (default 10 min) */
  idleTimeoutMs?: number;
}

interface Pending {
  push: ExpectedPush;
  resolve(outcome: DownloadOutcome): void;
  timer?: NodeJS.Timeout;
  receiving: boolean;
}

/**
 * The receiving half of Napster's push: downloads that arrive instead of being fetched. An upload
 * goes into `<name>.part` like a pulled download, is verified (SHA-256 and piece root) and gets
 * its final name the same way, never overwriting anything.
 */
export class PushReceiver {
  private readonly pending = new Map<string, Pending>();

  /** Registers a push and resolves with its outcome once it has arrived (or never came). */
  expect(expected: ExpectedPush): Promise<DownloadOutcome> {
    const push = { ...expected, ticketId: expected.ticketId.toLowerCase() };
    if (!UUID.test(push.ticketId)) throw new InvalidDownloadRequestError('invalid push: ticketId must be a UUID');
    parseDownloadRequest({ ...push, sources: [], ticket: 'push' });
    if (this.pending.has(push.ticketId)) throw new Error(`a push for ticket ${push.ticketId} is already expected`);
    return new Promise((resolve) => {
      const entry: Pending = { push, resolve, receiving: false };
      this.pending.set(push.ticketId, entry);
      this.armTimer(entry);
    });
  }

  /** pushes arriving right now */
  get receiving(): number {
    let count = 0;
    for (const entry of this.pending.values()) if (entry.receiving) count++;
    return count;
  }

  isExpected(ticketId: string): boolean {
    return this.pending.has(ticketId);
  }

  expectedHash(ticketId: string): string | undefined {
    return this.pending.get(ticketId)?.push.sha256;
  }

  cancel(ticketId: string, reason = 'cancelled'): void {
    const entry = this.pending.get(ticketId.toLowerCase());
    if (entry) this.settle(entry, failure(entry.push, reason));
  }

  /** PUT /push/:ticketId after the ticket has been checked against this push. */
  async receive(request: IncomingMessage, response: ServerResponse, ticketId: string, claims: TicketClaims): Promise<void> {
    const entry = this.pending.get(ticketId);
    if (!entry) return sendError(request, response, 404, 'no push is expected for this ticket');
    if (entry.receiving) return sendError(request, response, 409, 'this push is already being received');
    const { push } = entry;
    const declared = request.headers['content-length'];
    if (declared === undefined) return sendError(request, response, 411, 'a push must declare its Content-Length');
    if (Number(declared) !== push.size) return sendError(request, response, 400, `the file has ${push.size} bytes, not ${declared}`);

    entry.receiving = true;
    clearTimeout(entry.timer);
    const uploader = claims.src.length === 1 ? claims.src : [];
    let release: (() => Promise<void>) | undefined;
    try {
      await mkdir(push.outputDir, { recursive: true });
      const claimed = await claimPlacement(push.outputDir, push.name, push.sha256, push.size);
      if (claimed.kind === 'complete') {
        // The body is not wanted: answer and let the connection close after the answer.
        sendJson(request, response, 200, { status: 'already-complete' }, { connection: 'close' });
        return this.settle(entry, { ok: true, bytes: 0, sha256: push.sha256, path: claimed.path, sourcesUsed: [], badSources: [], alreadyComplete: true });
      }
      if (claimed.kind === 'busy') {
        sendError(request, response, 409, claimed.reason, { connection: 'close' });
        return this.settle(entry, failure(push, claimed.reason));
      }
      release = claimed.release;
      const { placement } = claimed;
      const have = new PieceSet(pieceCount(push.size));
      const state = { version: 1 as const, sha256: push.sha256, size: push.size, pieceRoot: push.pieceRoot, done: have.toBase64() };
      await saveState(placement.statePath, state);
      const received = await receiveInto(request, placement.partPath, push.size);
      if (received.bytes !== push.size) {
        // The uploader went away: keep the pieces that arrived for a later attempt, pulled or pushed.
        for (let index = 0; index < Math.floor(received.bytes / PIECE_SIZE); index++) have.add(index);
        await saveState(placement.statePath, { ...state, done: have.toBase64() });
        // The target is free before the push counts as awaited again: a retry must find it so.
        await release();
        release = undefined;
        entry.receiving = false;
        this.armTimer(entry);
        return;
      }
      const rootOk = push.pieceRoot === null || pieceRootOf(received.pieces) === push.pieceRoot;
      if (received.sha256 !== push.sha256 || !rootOk) {
        await discardPart(placement);
        sendError(request, response, 422, 'the delivered bytes do not match the expected SHA-256');
        return this.settle(entry, { ...failure(push, 'the pushed file failed verification; discarded'), bytes: received.bytes, badSources: uploader });
      }
      const path = await finalizePart(push.outputDir, placement);
      response.writeHead(204).end();
      this.settle(entry, { ok: true, bytes: received.bytes, sha256: push.sha256, path, sourcesUsed: uploader, badSources: [] });
    } catch (error) {
      if (!response.headersSent) sendError(request, response, 500, 'the push could not be stored');
      this.settle(entry, failure(push, `the push could not be stored: ${error instanceof Error ? error.message : String(error)}`));
    } finally {
      await release?.();
    }
  }

  private armTimer(entry: Pending): void {
    clearTimeout(entry.timer);
    entry.timer = setTimeout(() => this.settle(entry, failure(entry.push, 'the uploader never delivered the file')), entry.push.idleTimeoutMs ?? 600_000);
    entry.timer.unref();
  }

  private settle(entry: Pending, outcome: DownloadOutcome): void {
    clearTimeout(entry.timer);
    if (this.pending.get(entry.push.ticketId) !== entry) return;
    this.pending.delete(entry.push.ticketId);
    entry.resolve(outcome);
  }
}

function failure(push: ExpectedPush, reason: string): DownloadOutcome {
  return { ok: false, bytes: 0, sha256: push.sha256, path: null, sourcesUsed: [], badSources: [], reason };
}

/** Streams the request body into a fresh `.part`, hashing as it goes; stops at `size` bytes. */
async function receiveInto(request: IncomingMessage, partPath: string, size: number): Promise<{ bytes: number; sha256: string; pieces: Buffer[] }> {
  const whole = createHash('sha256');
  const pieces = new PieceHasher();
  const handle = await open(partPath, 'w');
  let bytes = 0;
  try {
    for await (const chunk of request as AsyncIterable<Buffer>) {
      const part = chunk.subarray(0, Math.max(0, size - bytes));
      whole.update(part);
      pieces.update(part);
      await handle.write(part, 0, part.length, bytes);
      bytes += part.length;
    }
  } catch {
    // Connection lost mid-upload: report how far it got.
  } finally {
    await handle.close();
  }
  return { bytes, sha256: whole.digest('hex'), pieces: pieces.finish() };
}
