import { Worker } from 'node:worker_threads';

/**
 * Checks and writes pieces on a worker thread. The receiving thread hands each piece buffer over
 * (transferred, not copied); the worker hashes it, writes it to the `.part` only if it matches its
 * digest, and hands the buffer back for reuse. Receiving and hashing then use separate cores, and
 * no piece is read back from the file to be checked.
 */
export interface PieceWriter {
  /** hashes `data` against `digest` and, when it matches, writes it at `position`; the buffer comes back for reuse */
  store(position: number, data: Buffer, digest: Buffer): Promise<{ ok: boolean; buffer: Buffer }>;
  close(): Promise<void>;
}

// Inline source (eval) so the worker runs the same from TypeScript sources under test and from dist/.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { openSync, writeSync } = require('node:fs');
const { createHash } = require('node:crypto');
const fd = openSync(workerData.path, 'r+');
parentPort.on('message', ({ id, position, arrayBuffer, offset, length, digest }) => {
  const data = Buffer.from(arrayBuffer, offset, length);
  try {
    const ok = createHash('sha256').update(data).digest().equals(Buffer.from(digest));
    if (ok) for (let written = 0; written < length; ) written += writeSync(fd, data, written, length - written, position + written);
    parentPort.postMessage({ id, ok, arrayBuffer }, [arrayBuffer]);
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.message || error), arrayBuffer }, [arrayBuffer]);
  }
});
`;

interface Reply {
  id: number;
  ok?: boolean;
  error?: string;
  arrayBuffer: ArrayBuffer;
}

export function pieceWriter(path: string): PieceWriter {
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path } });
  const waiting = new Map<number, { offset: number; length: number; resolve(result: { ok: boolean; buffer: Buffer }): void; reject(error: Error): void }>();
  let nextId = 0;
  let failure: Error | undefined;
  const failAll = (error: Error) => {
    failure ??= error;
    for (const { reject } of waiting.values()) reject(error);
    waiting.clear();
  };
  worker.on('message', (reply: Reply) => {
    const entry = waiting.get(reply.id);
    if (!entry) return;
    waiting.delete(reply.id);
    if (reply.error !== undefined) entry.reject(new Error(reply.error));
    else entry.resolve({ ok: reply.ok === true, buffer: Buffer.from(reply.arrayBuffer, entry.offset, entry.length) });
  });
  worker.once('error', failAll);
  worker.once('exit', () => failAll(new Error('the piece-writing thread stopped')));
  return {
    store(position, data, digest) {
      if (failure) return Promise.reject(failure);
      const id = nextId++;
      const { buffer: arrayBuffer, byteOffset: offset, byteLength: length } = data;
      return new Promise((resolve, reject) => {
        waiting.set(id, { offset, length, resolve, reject });
        // Transferred: `data` is unusable here until it comes back in the reply.
        worker.postMessage({ id, position, arrayBuffer, offset, length, digest: new Uint8Array(digest) }, [arrayBuffer as ArrayBuffer]);
      });
    },
    async close() {
      await worker.terminate();
    },
  };
}
