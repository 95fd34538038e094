import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { PIECE_SIZE, pieceCount, pieceRange } from '#contracts';
import { digestsFromHex, pieceRootOf, unpackDigests } from '../shares/piece-hashes.js';
import type { PartState } from './part-file.js';
import type { PieceSet } from './piece-set.js';
import { type SourceConnection, SourceError, fetchPieceList } from './source-client.js';
import type { SourceState } from './source-state.js';

/** Piece digests kept in the sidecar, if they still match the root. */
export function digestsFromState(state: PartState | undefined, pieceRoot: string, size: number): Buffer[] | undefined {
  if (!state?.pieces || state.pieceRoot !== pieceRoot) return undefined;
  const digests = unpackDigests(state.pieces);
  return digests.length === pieceCount(size) && pieceRootOf(digests) === pieceRoot ? digests : undefined;
}

/**
 * Asks the sources in turn for the piece list until one matches the piece root. A list that does
 * not match is that source's fault (it is blamed and dropped); a source that cannot answer counts
 * one failure and stays a candidate for data.
 */
export async function fetchVerifiedDigests(
  sources: SourceState[],
  connect: (source: SourceState) => SourceConnection,
  file: { sha256: string; size: number; pieceRoot: string },
): Promise<Buffer[] | undefined> {
  for (const source of sources) {
    if (source.dropped) continue;
    try {
      const list = await fetchPieceList(connect(source), file.sha256);
      const digests = digestsFromHex(list.pieces);
      const matches =
        list.sha256 === file.sha256 && list.size === file.size && list.pieceSize === PIECE_SIZE && digests.length === pieceCount(file.size) && pieceRootOf(digests) === file.pieceRoot;
      if (matches) return digests;
      source.blame('sent a piece list that does not match the piece root');
    } catch (error) {
      if (!(error instanceof SourceError)) throw error;
      source.failed(error.failure);
      source.reason ??= error.message;
    }
  }
  return undefined;
}

/**
 * Re-reads the pieces a previous run stored and keeps only those that still verify; without
 * digests the sidecar's word is taken (the whole-file hash checks everything at the end).
 */
export async function verifyHeldPieces(handle: FileHandle, have: PieceSet, size: number, digests: Buffer[] | undefined): Promise<number> {
  if (!digests) return countBytes(have, size);
  const buffer = Buffer.allocUnsafe(PIECE_SIZE);
  for (let index = 0; index < have.total; index++) {
    if (!have.has(index)) continue;
    const { start, end } = pieceRange(index, size);
    const { bytesRead } = await handle.read(buffer, 0, end - start, start);
    const digest = createHash('sha256').update(buffer.subarray(0, bytesRead)).digest();
    if (bytesRead !== end - start || !digest.equals(digests[index]!)) have.delete(index);
  }
  return countBytes(have, size);
}

export function countBytes(have: PieceSet, size: number): number {
  if (have.complete) return size;
  let bytes = 0;
  for (let index = 0; index < have.total; index++) if (have.has(index)) bytes += pieceRange(index, size).end - pieceRange(index, size).start;
  return bytes;
}
