import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';

/**
 * The whole-file SHA-256 of a file being written, computed as its prefix becomes available so the
 * final check costs almost nothing once the last piece lands. Large files are hashed on a worker
 * thread that reads the written bytes back (from the page cache) while the main thread receives
 * and verifies pieces; two cores then share the two hashing passes.
 */
export interface FileDigest {
  /** bytes [0, upTo) are written and final */
  advance(upTo: number): void;
  /** the SHA-256 of the first `size` bytes, once they are all written */
  finish(size: number): Promise<string>;
  cancel(): Promise<void>;
}

const WORKER_THRESHOLD = 16 * 1024 * 1024;

export function fileDigest(path: string, expectedSize: number): FileDigest {
  return expectedSize >= WORKER_THRESHOLD ? new WorkerDigest(path) : new InlineDigest(path);
}

/** Small files: hash on the main thread at the end. */
class InlineDigest implements FileDigest {
  constructor(private readonly path: string) {}
  advance(): void {}
  async finish(size: number): Promise<string> {
    const hash = createHash('sha256');
    const handle = await open(this.path, 'r');
    try {
      const buffer = Buffer.allocUnsafe(Math.min(Math.max(size, 1), 4 * 1024 * 1024));
      for (let position = 0; position < size; ) {
        const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, size - position), position);
        if (bytesRead === 0) throw new Error(`${this.path} is shorter than ${size} bytes`);
        hash.update(buffer.subarray(0, bytesRead));
        position += bytesRead;
      }
    } finally {
      await handle.close();
    }
    return hash.digest('hex');
  }
  async cancel(): Promise<void> {}
}

// Inline source (eval) so the worker runs the same from TypeScript sources under test and from dist/.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { openSync, readSync, closeSync } = require('node:fs');
const { createHash } = require('node:crypto');
const fd = openSync(workerData.path, 'r');
const hash = createHash('sha256');
const buffer = Buffer.allocUnsafe(4 * 1024 * 1024);
let position = 0, available = 0, finishAt = -1;
parentPort.on('message', (message) => {
  if (message.upTo !== undefined) available = Math.max(available, message.upTo);
  if (message.finish !== undefined) { finishAt = message.finish; available = Math.max(available, finishAt); }
  try {
    while (position < available) {
      const n = readSync(fd, buffer, 0, Math.min(buffer.length, available - position), position);
      if (n === 0) throw new Error('the file is shorter than ' + available + ' bytes');
      hash.update(buffer.subarray(0, n));
      position += n;
    }
    if (finishAt >= 0 && position >= finishAt) { closeSync(fd); parentPort.postMessage({ digest: hash.digest('hex') }); }
  } catch (error) {
    parentPort.postMessage({ error: String(error && error.message || error) });
  }
});
`;

class WorkerDigest implements FileDigest {
  private readonly worker: Worker;
  private readonly result: Promise<string>;
  private sent = 0;

  constructor(path: string) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path } });
    this.result = new Promise<string>((resolve, reject) => {
      this.worker.on('message', (message: { digest?: string; error?: string }) => {
        if (message.digest) resolve(message.digest);
        else reject(new Error(message.error));
        void this.worker.terminate();
      });
      this.worker.once('error', reject);
      this.worker.once('exit', () => reject(new Error('the hashing thread stopped')));
    });
    this.result.catch(() => undefined);
  }

  advance(upTo: number): void {
    // Batches of 8 MiB keep the message traffic small; finish() flushes the rest.
    if (upTo - this.sent < 8 * 1024 * 1024) return;
    this.sent = upTo;
    this.worker.postMessage({ upTo });
  }

  finish(size: number): Promise<string> {
    this.worker.postMessage({ finish: size });
    return this.result;
  }

  async cancel(): Promise<void> {
    await this.worker.terminate();
  }
}
