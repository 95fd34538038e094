import { open } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type MissingPiecesBody, PARTIAL_PIECES_HEADER, PIECE_SIZE, type TicketClaims } from '#contracts';
import type { PartialFile } from '../transfer/swarm.js';
import { sendJson, sendError } from './responses.js';
import { type ServeFileContext, requestedRange, sendOpenedRange } from './serve-file.js';

/** at most this many missing pieces are named in a 416 body (the bitfield says the rest) */
const LISTED_MISSING = 64;

/**
 * GET/HEAD /files/:sha256 for a file still being downloaded here (a partial source), once the
 * ticket has been checked: a range made only of verified pieces is served like a complete file's
 * (same slots, rate limit, timeouts); a range touching any piece not verified yet, or a request
 * for the whole file, is a 416 whose JSON body names the missing pieces and carries the current
 * bitfield. Unverified bytes never leave the peer.
 */
export async function servePartial(request: IncomingMessage, response: ServerResponse, claims: TicketClaims, context: ServeFileContext, file: PartialFile): Promise<void> {
  const range = requestedRange(request, file);
  if (range === 'unsatisfiable') {
    return sendError(request, response, 416, `the range is outside the file (${file.size} bytes)`, { 'content-range': `bytes */${file.size}` });
  }
  const missing = missingPieces(file, range.start, range.end);
  if (missing.length > 0) {
    const body: MissingPiecesBody = {
      statusCode: 416,
      error: 'Range Not Satisfiable',
      message: `this peer is still downloading the file and has not verified ${missing.length === 1 ? `piece ${missing[0]}` : `pieces ${missing.slice(0, 8).join(', ')}${missing.length > 8 ? '…' : ''}`} yet`,
      missingPieces: missing.slice(0, LISTED_MISSING),
      bitfield: file.have.toBase64(),
    };
    return sendJson(request, response, 416, body, { 'content-range': `bytes */${file.size}` });
  }
  // The download may have finished (or failed) meanwhile: its .part is then gone.
  const handle = await open(file.path, 'r').catch(() => undefined);
  if (!handle) return sendError(request, response, 404, 'this peer no longer has that file');
  let handed = false;
  try {
    // Every answer says what this peer has now: downloaders learn new pieces without asking.
    handed = await sendOpenedRange(request, response, claims, context, handle, file, range, { [PARTIAL_PIECES_HEADER]: file.have.toBase64() });
  } finally {
    if (!handed) await handle.close();
  }
}

/** Pieces overlapping bytes [start, end) that are not verified. */
function missingPieces(file: PartialFile, start: number, end: number): number[] {
  const missing: number[] = [];
  if (end <= start) return missing;
  for (let index = Math.floor(start / PIECE_SIZE); index <= Math.floor((end - 1) / PIECE_SIZE); index++) {
    if (!file.have.has(index)) missing.push(index);
  }
  return missing;
}
