import { Worker } from 'node:worker_threads';

/**
 * Checks stored pieces against their digests on a worker thread, reading them back from the
 * `.part` (the page cache, just written). The receiving thread then only moves bytes from the
 * sockets to the file; on a machine with cores to spare the two SHA-256 passes (pieces here, the
 * whole file in file-digest.ts) run beside it instead of on it.
 */
export interface PieceVerifier {
  /** whether bytes [start, end) of the file hash to `digest` */
  verify(start: number, end: number, digest: Buffer): Promise<boolean>;
  close(): Promise<void>;
}

// Inline source (eval) so the worker runs the same from TypeScript sources under test and from dist/.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { openSync, readSync } = require('node:fs');
const { createHash } = require('node:crypto');
const fd = openSync(workerData.path, 'r');
let buffer = Buffer.allocUnsafe(1024 * 1024);
parentPort.on('message', ({ id, start, end, digest }) => {
  try {
    if (end - start > buffer.length) buffer = Buffer.allocUnsafe(end - start);
    let filled = 0;
    while (filled < end - start) {
      const n = readSync(fd, buffer, filled, end - start - filled, start + filled);
      if (n === 0) break;
      filled += n;
    }
    const actual = createHash('sha256').update(buffer.subarray(0, filled)).digest();
    parentPort.postMessage({ id, ok: filled === end - start && actual.equals(Buffer.from(digest)) });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.message || error) });
  }
});
`;

export function pieceVerifier(path: string): PieceVerifier {
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path } });
  const waiting = new Map<number, { resolve(ok: boolean): void; reject(error: Error): void }>();
  let nextId = 0;
  let failure: Error | undefined;
  const failAll = (error: Error) => {
    failure ??= error;
    for (const { reject } of waiting.values()) reject(error);
    waiting.clear();
  };
  worker.on('message', (message: { id: number; ok?: boolean; error?: string }) => {
    const entry = waiting.get(message.id);
    waiting.delete(message.id);
    if (message.error !== undefined) entry?.reject(new Error(message.error));
    else entry?.resolve(message.ok === true);
  });
  worker.once('error', failAll);
  worker.once('exit', () => failAll(new Error('the piece-checking thread stopped')));
  return {
    verify(start, end, digest) {
      if (failure) return Promise.reject(failure);
      const id = nextId++;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker.postMessage({ id, start, end, digest: new Uint8Array(digest) });
      });
    },
    async close() {
      await worker.terminate();
    },
  };
}
