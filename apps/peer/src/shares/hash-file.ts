import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { PIECE_SIZE } from '#contracts';
import { PieceHasher, pieceRootOf } from './piece-hashes.js';

export interface FileHashes {
  sha256: string;
  pieceRoot: string;
  /** 32-byte SHA-256 of each piece, in order */
  pieces: Buffer[];
  size: number;
  mtimeMs: number;
}

/** Thrown when a file changes while it is being hashed: the digests would describe no version of it. */
export class FileChangedWhileHashingError extends Error {
  constructor(readonly path: string) {
    super(`${path} changed while it was being hashed`);
  }
}

const READ_SIZE = 4 * PIECE_SIZE;

/**
 * Hashes a file in one streaming pass: whole-file SHA-256, piece digests and piece root. Size and
 * mtime come from the open descriptor before and after reading, so the result describes exactly
 * the bytes that were read.
 */
export async function hashFile(path: string): Promise<FileHashes> {
  const handle = await open(path, 'r');
  try {
    const before = await handle.stat();
    const whole = createHash('sha256');
    const pieces = new PieceHasher();
    const buffer = Buffer.allocUnsafe(READ_SIZE);
    let position = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, READ_SIZE, position);
      if (bytesRead === 0) break;
      const chunk = buffer.subarray(0, bytesRead);
      whole.update(chunk);
      pieces.update(chunk);
      position += bytesRead;
    }
    const after = await handle.stat();
    if (position !== before.size || after.size !== before.size || after.mtimeMs !== before.mtimeMs) {
      throw new FileChangedWhileHashingError(path);
    }
    const digests = pieces.finish();
    return { sha256: whole.digest('hex'), pieceRoot: pieceRootOf(digests), pieces: digests, size: before.size, mtimeMs: before.mtimeMs };
  } finally {
    await handle.close();
  }
}
