import type { FileHandle } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import type { RateLimiter } from '../util/rate-limiter.js';

const CHUNK = 1024 * 1024;

export interface SendOptions {
  /** the peer's upload rate limit, shared by all uploads */
  limiter?: RateLimiter;
  /** a chunk the other side has not taken after this long fails the send (and destroys `target`) */
  writeTimeoutMs?: number;
}
const THROTTLED_CHUNK = 64 * 1024;

/**
 * Sends bytes [start, end) of an open file into `target` (an HTTP response, or a push request),
 * counting the bytes read in `sent.bytes` (also when it fails half-way). Two buffers take turns — one is read into while the other is
 * being written — so a gigabyte goes out without allocating a gigabyte: a read stream's fresh
 * buffer per read, kept alive until the socket took it, cost the uploader about a third of its
 * CPU in garbage collection. With a limiter, chunks are small and wait for their turn.
 */
export async function sendRange(handle: FileHandle, start: number, end: number, target: Writable, sent: { bytes: number }, options: SendOptions = {}): Promise<void> {
  const { limiter, writeTimeoutMs } = options;
  const size = limiter ? THROTTLED_CHUNK : CHUNK;
  const buffers = [Buffer.allocUnsafeSlow(size), Buffer.allocUnsafeSlow(size)];
  let turn = 0;
  let position = start;
  let writing: Promise<void> = Promise.resolve();
  // Failures surface as rejected writes; the stream's own 'error' events must not go unheard.
  const absorb = () => undefined;
  target.on('error', absorb);
  try {
    while (position < end) {
      const buffer = buffers[turn]!;
      turn ^= 1;
      const { bytesRead } = await handle.read(buffer, 0, Math.min(size, end - position), position);
      if (bytesRead === 0) throw new Error('the file ended early');
      position += bytesRead;
      sent.bytes += bytesRead;
      if (limiter) await limiter.take(bytesRead);
      // The other buffer's write must be done before this one is written (and that one refilled).
      await writing;
      writing = writeChunk(target, buffer.subarray(0, bytesRead), writeTimeoutMs);
      // Handled when awaited on the next turn; until then a failure must not count as unhandled.
      writing.catch(() => undefined);
    }
    await writing;
  } finally {
    target.off('error', absorb);
  }
}

function writeChunk(target: Writable, chunk: Buffer, timeoutMs: number | undefined): Promise<void> {
  if (target.destroyed) return Promise.reject(new Error('the connection closed'));
  return new Promise((resolve, reject) => {
    const onClose = () => reject(new Error('the connection closed'));
    target.once('close', onClose);
    // A reader that stops reading would hold its upload slot for ever: its chunk times out.
    const timer = timeoutMs === undefined ? undefined : setTimeout(() => target.destroy(new Error(`the other side took no data for ${timeoutMs} ms`)), timeoutMs);
    target.write(chunk, (error) => {
      clearTimeout(timer);
      target.off('close', onClose);
      if (error) reject(error);
      else resolve();
    });
  });
}
