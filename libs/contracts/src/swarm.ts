import { z } from 'zod';
import { Sha256Schema } from './files.js';
import { PIECE_SIZE, pieceCount } from './pieces.js';

/**
 * Partial sources (swarming, docs/protocol.md): a peer downloading a file announces which of its
 * pieces it has verified, and the server lists it next to the complete sources in grants and
 * tickets, so that downloaders of one file feed each other as BitTorrent peers do.
 *
 * The bitfield is base64 (RFC 4648, with padding) of ceil(pieces / 8) bytes; piece i is bit
 * (i mod 8) of byte floor(i / 8), least significant bit first (the encoding of the peer's `.part`
 * sidecar and of PostgreSQL's set_bit on bytea). Bits past the last piece must be 0.
 */

/** Files of more pieces than this (1 TiB at 1 MiB pieces) are not swarmed: their bitfield would be 128 KiB. */
export const MAX_SWARM_PIECES = 1024 * 1024;
/** downloads one peer session may announce at once */
export const MAX_SWARM_DOWNLOADS_PER_SESSION = 32;
/** the partial sources a grant names at most, besides the complete ones */
export const MAX_PARTIAL_SOURCES = 10;
/** the header of a partial source's file responses: its bitfield when the response started */
export const PARTIAL_PIECES_HEADER = 'x-peerdex-pieces';
/** a downloader sends `swarm:have` at most this often, or after this many new pieces, whichever comes first */
export const SWARM_HAVE_INTERVAL_MS = 2_000;
export const SWARM_HAVE_PIECES = 32;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Whether `bitfield` is well-formed for `pieces` pieces; the reason when not. */
export function bitfieldProblem(bitfield: string, pieces: number): string | undefined {
  if (!BASE64.test(bitfield)) return 'must be base64';
  const bytes = Buffer.from(bitfield, 'base64');
  const expected = Math.ceil(pieces / 8);
  if (bytes.length !== expected) return `must hold ${expected} bytes for ${pieces} pieces, not ${bytes.length}`;
  const spare = pieces % 8;
  if (spare !== 0 && (bytes[expected - 1]! >> spare) !== 0) return 'has bits set past the last piece';
  return undefined;
}

export function bitfieldHas(bytes: Uint8Array, index: number): boolean {
  return ((bytes[index >> 3] ?? 0) & (1 << (index & 7))) !== 0;
}

const SwarmFileShape = {
  sha256: Sha256Schema,
  size: z.number().int().min(1).max(MAX_SWARM_PIECES * PIECE_SIZE),
  bitfield: z.string().max(Math.ceil(MAX_SWARM_PIECES / 8 / 3) * 4),
};

function checkBitfield(value: { size: number; bitfield: string }, ctx: z.RefinementCtx): void {
  const problem = bitfieldProblem(value.bitfield, pieceCount(value.size));
  if (problem) ctx.addIssue({ code: 'custom', path: ['bitfield'], message: problem });
}

/** swarm:announce: a download started (or resumed) with these pieces verified. Announcing again replaces it. */
export const SwarmAnnounceSchema = z
  .strictObject({
    ...SwarmFileShape,
    pieceSize: z.literal(PIECE_SIZE, { error: `must be ${PIECE_SIZE}` }),
    pieceRoot: Sha256Schema,
  })
  .superRefine(checkBitfield);
export type SwarmAnnounce = z.infer<typeof SwarmAnnounceSchema>;

/** swarm:have: the download's whole bitfield now (it only grows); sent in batches, not per piece. */
export const SwarmHaveSchema = z.strictObject(SwarmFileShape).superRefine(checkBitfield);
export type SwarmHave = z.infer<typeof SwarmHaveSchema>;

/** swarm:leave: the download ended (completed, failed or cancelled); it is no longer a partial source. */
export const SwarmLeaveSchema = z.strictObject({ sha256: Sha256Schema });
export type SwarmLeave = z.infer<typeof SwarmLeaveSchema>;

export interface SwarmAck {
  /** pieces the server now records for this download */
  pieces: number;
}

/**
 * A partial source's answer to a range touching pieces it has not verified: 416 with
 * `Content-Range: bytes * /size` and this body, so the downloader learns what it does have.
 */
export interface MissingPiecesBody {
  statusCode: 416;
  error: 'Range Not Satisfiable';
  message: string;
  /** the requested pieces this peer has not verified (at most 64 listed) */
  missingPieces: number[];
  /** everything it has verified now */
  bitfield: string;
}
