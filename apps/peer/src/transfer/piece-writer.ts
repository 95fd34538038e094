import { Worker } from 'node:worker_threads';

/**
 * Checks and writes pieces on a worker thread, and computes the whole-file SHA-256 there too. The
 * receiving thread hands each piece buffer over (transferred, not copied); the worker hashes it,
 * writes it to the `.part` only if it matches its digest, and feeds it to the whole-file hash when
 * it is next in line. Pieces that arrive ahead of the line are held (up to HOLD_LIMIT) until it
 * reaches them, or read back from the file then — as are the pieces a resumed download already had.
 * Each byte is thus hashed twice (the protocol's piece leaves and whole-file hash) but read from
 * memory once, off the receiving thread.
 */
export interface PieceWriter {
  /** hashes `data` against `digest` and, when it matches, writes it at `position` */
  store(position: number, data: Buffer, digest: Buffer): Promise<boolean>;
  /** pieces already in the file (a resumed download): read back when the whole-file hash gets there */
  alreadyStored(ranges: Array<[start: number, length: number]>): void;
  /** the whole file's SHA-256, once every piece is stored */
  finish(size: number): Promise<string>;
  close(): Promise<void>;
}

// Inline source (eval) so the worker runs the same from TypeScript sources under test and from dist/.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { openSync, writeSync, readSync } = require('node:fs');
const { createHash } = require('node:crypto');
const HOLD_LIMIT = 64 * 1024 * 1024;
const fd = openSync(workerData.path, 'r+');
const whole = createHash('sha256');
let next = 0;
const held = new Map();
let heldBytes = 0;
const onDisk = new Map();
let readBuffer = null;

function readBack(position, length) {
  if (!readBuffer || readBuffer.length < length) readBuffer = Buffer.allocUnsafe(Math.max(length, 1024 * 1024));
  for (let filled = 0; filled < length; ) {
    const n = readSync(fd, readBuffer, filled, length - filled, position + filled);
    if (n === 0) throw new Error('the file is shorter than expected at ' + (position + filled));
    filled += n;
  }
  whole.update(readBuffer.subarray(0, length));
}

function advance() {
  for (;;) {
    const piece = held.get(next);
    if (piece) {
      held.delete(next);
      heldBytes -= piece.data.length;
      whole.update(piece.data);
      next += piece.data.length;
      parentPort.postMessage({ release: piece.arrayBuffer }, [piece.arrayBuffer]);
      continue;
    }
    const length = onDisk.get(next);
    if (length === undefined) return;
    onDisk.delete(next);
    readBack(next, length);
    next += length;
  }
}

parentPort.on('message', (message) => {
  if (message.stored) {
    for (const [start, length] of message.stored) onDisk.set(start, length);
    return;
  }
  if (message.finish !== undefined) {
    try {
      advance();
      if (next !== message.finish) throw new Error('the whole-file hash stopped at ' + next + ' of ' + message.finish + ' bytes');
      parentPort.postMessage({ id: message.id, digest: whole.digest('hex') });
    } catch (error) {
      parentPort.postMessage({ id: message.id, error: String(error && error.message || error) });
    }
    return;
  }
  const { id, position, arrayBuffer, offset, length, digest } = message;
  const data = Buffer.from(arrayBuffer, offset, length);
  try {
    const ok = createHash('sha256').update(data).digest().equals(Buffer.from(digest));
    if (!ok) return parentPort.postMessage({ id, ok, arrayBuffer }, [arrayBuffer]);
    for (let written = 0; written < length; ) written += writeSync(fd, data, written, length - written, position + written);
    if (position === next) {
      whole.update(data);
      next += length;
      parentPort.postMessage({ id, ok, arrayBuffer }, [arrayBuffer]);
      advance();
    } else if (heldBytes + length <= HOLD_LIMIT) {
      held.set(position, { data, arrayBuffer });
      heldBytes += length;
      parentPort.postMessage({ id, ok });
    } else {
      onDisk.set(position, length);
      parentPort.postMessage({ id, ok, arrayBuffer }, [arrayBuffer]);
    }
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.message || error), code: error && error.code, arrayBuffer }, [arrayBuffer]);
  }
});
`;

interface Reply {
  id?: number;
  ok?: boolean;
  digest?: string;
  error?: string;
  /** the errno code of a failed write (ENOSPC…) */
  code?: string;
  arrayBuffer?: ArrayBuffer;
  release?: ArrayBuffer;
}

interface Waiting {
  resolve(value: boolean | string): void;
  reject(error: Error): void;
}

/** `release` gets every piece buffer back once the worker is done with it, for reuse. */
export function pieceWriter(path: string, release: (buffer: Buffer) => void): PieceWriter {
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path } });
  const waiting = new Map<number, Waiting>();
  let nextId = 0;
  let failure: Error | undefined;
  const failAll = (error: Error) => {
    failure ??= error;
    for (const { reject } of waiting.values()) reject(error);
    waiting.clear();
  };
  worker.on('message', (reply: Reply) => {
    if (reply.release) return release(Buffer.from(reply.release));
    if (reply.arrayBuffer) release(Buffer.from(reply.arrayBuffer));
    const entry = waiting.get(reply.id!);
    if (!entry) return;
    waiting.delete(reply.id!);
    if (reply.error !== undefined) entry.reject(Object.assign(new Error(reply.error), reply.code ? { code: reply.code } : {}));
    else entry.resolve(reply.digest ?? reply.ok === true);
  });
  worker.once('error', failAll);
  worker.once('exit', () => failAll(new Error('the piece-writing thread stopped')));
  const ask = <T extends boolean | string>(message: object, transfer: ArrayBuffer[] = []): Promise<T> => {
    if (failure) return Promise.reject(failure);
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      waiting.set(id, { resolve: resolve as (value: boolean | string) => void, reject });
      worker.postMessage({ ...message, id }, transfer);
    });
  };
  return {
    store(position, data, digest) {
      const { buffer: arrayBuffer, byteOffset: offset, byteLength: length } = data;
      // Transferred: `data` is unusable here; the buffer comes back through `release`.
      return ask<boolean>({ position, arrayBuffer, offset, length, digest: new Uint8Array(digest) }, [arrayBuffer as ArrayBuffer]);
    },
    alreadyStored(ranges) {
      worker.postMessage({ stored: ranges });
    },
    finish(size) {
      return ask<string>({ finish: size });
    },
    async close() {
      await worker.terminate();
    },
  };
}
