import { createHash } from 'node:crypto';
import { PIECE_SIZE } from '#contracts';

/** SHA-256 of one piece; the leaf of a file's piece hashes. */
export function pieceDigest(data: Uint8Array): Buffer {
  return createHash('sha256').update(data).digest();
}

/** The piece root (libs/contracts/src/pieces.ts): SHA-256 of the concatenated 32-byte leaves. */
export function pieceRootOf(digests: readonly Uint8Array[]): string {
  const hash = createHash('sha256');
  for (const digest of digests) hash.update(digest);
  return hash.digest('hex');
}

/** Hex leaves as sent in a PieceList. */
export function digestsToHex(digests: readonly Uint8Array[]): string[] {
  return digests.map((digest) => Buffer.from(digest).toString('hex'));
}

export function digestsFromHex(hex: readonly string[]): Buffer[] {
  return hex.map((leaf) => Buffer.from(leaf, 'hex'));
}

/** Piece digests packed into one base64 string: 44 characters a piece instead of 66 in a JSON array. */
export function packDigests(digests: readonly Uint8Array[]): string {
  return Buffer.concat(digests.map((digest) => Buffer.from(digest))).toString('base64');
}

export function unpackDigests(packed: string): Buffer[] {
  const bytes = Buffer.from(packed, 'base64');
  const digests: Buffer[] = [];
  for (let offset = 0; offset + 32 <= bytes.length; offset += 32) digests.push(bytes.subarray(offset, offset + 32));
  return digests;
}

/**
 * Cuts a byte stream into PIECE_SIZE pieces and hashes each one as the bytes go by, so a single
 * pass over a file yields both its SHA-256 and its piece digests.
 */
export class PieceHasher {
  readonly digests: Buffer[] = [];
  private current = createHash('sha256');
  private filled = 0;

  update(chunk: Uint8Array): void {
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(PIECE_SIZE - this.filled, chunk.length - offset);
      this.current.update(chunk.subarray(offset, offset + take));
      this.filled += take;
      offset += take;
      if (this.filled === PIECE_SIZE) this.closePiece();
    }
  }

  /** The digests of every piece, the last (shorter) one included. */
  finish(): Buffer[] {
    if (this.filled > 0) this.closePiece();
    return this.digests;
  }

  private closePiece(): void {
    this.digests.push(this.current.digest());
    this.current = createHash('sha256');
    this.filled = 0;
  }
}
