import { PIECE_SIZE } from '#contracts';

/**
 * Reused piece-sized buffers. A download moves every byte through one of a handful of these
 * instead of allocating a fresh megabyte per piece, which kept the garbage collector busy.
 */
export class PieceBufferPool {
  private readonly free: Buffer[] = [];

  constructor(private readonly maxFree = 64) {}

  /** A buffer of exactly `length` bytes (a view of a pooled one when shorter than a piece). */
  take(length: number): Buffer {
    if (length > PIECE_SIZE) return Buffer.allocUnsafe(length);
    const buffer = this.free.pop() ?? Buffer.allocUnsafeSlow(PIECE_SIZE);
    return length === PIECE_SIZE ? buffer : buffer.subarray(0, length);
  }

  release(buffer: Buffer): void {
    if (buffer.buffer.byteLength !== PIECE_SIZE || buffer.byteOffset !== 0 || this.free.length >= this.maxFree) return;
    this.free.push(Buffer.from(buffer.buffer, 0, PIECE_SIZE));
  }
}
