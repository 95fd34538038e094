import { performance } from 'node:perf_hooks';
import { fileName, type FileEntry, MAX_SHARE_BATCH, nameWords, type SearchResponse } from '#contracts';
import { type LibraryFile } from '../corpus.js';
import { type ConnectedPeer, request, RetryLater } from './clients.js';

export interface IndexingResult {
  files: number;
  batches: number;
  /** bytes of the largest batch as JSON: Socket.IO refuses messages above its maxHttpBufferSize */
  largestBatchBytes: number;
  /** first emit to the final batch's acknowledgement */
  indexMs: number;
  rejected: number;
  /** batches refused with 503 and sent again */
  retries: number;
  fileCount: number | undefined;
  probe: { q: string; found: boolean; searchMs: number; attempts: number };
}

export function toEntries(files: LibraryFile[]): FileEntry[] {
  return files.map((file) => ({ path: file.path, size: file.size, sha256: file.sha256, mtime: file.mtime, ...(file.pieceRoot ? { pieceRoot: file.pieceRoot } : {}) }));
}

/**
 * A real peer publishes a whole list with share:sync in batches of MAX_SHARE_BATCH, all sent at
 * once as the `peerdex` client does (the server processes one session's batches in order), the
 * last with final: true; the time runs to the final batch's acknowledgement. Then one search
 * (retried for up to 5 s) must find a file only this list holds.
 */
export async function indexList(peer: ConnectedPeer, searcher: ConnectedPeer, files: LibraryFile[]): Promise<IndexingResult> {
  const entries = toEntries(files);
  const batches: FileEntry[][] = [];
  for (let i = 0; i < entries.length; i += MAX_SHARE_BATCH) batches.push(entries.slice(i, i + MAX_SHARE_BATCH));
  const largestBatchBytes = Math.max(...batches.map((batch) => Buffer.byteLength(JSON.stringify({ files: batch, final: false }))));

  let rejected = 0;
  let fileCount: number | undefined;
  const started = performance.now();
  // A batch refused with 503 is not staged (docs/protocol.md): it is sent again after retryAfter,
  // and the final batch only once every other batch is in, so the list made live is complete.
  const send = async (batch: FileEntry[], final: boolean) => {
    for (;;) {
      try {
        return await request(peer.socket, 'share:sync', { files: batch, final }, 120_000);
      } catch (error) {
        if (!(error instanceof RetryLater)) throw error;
        retries++;
        await new Promise((resolve) => setTimeout(resolve, error.retryAfterS * 1000 + Math.random() * 1000));
      }
    }
  };
  let retries = 0;
  const results = await Promise.all(batches.slice(0, -1).map((batch) => send(batch, false)));
  results.push(await send(batches.at(-1)!, true));
  for (const result of results) {
    rejected += result.rejected.length;
    fileCount = result.fileCount ?? fileCount;
  }
  const indexMs = performance.now() - started;

  const target = uniqueFile(files);
  const q = nameWords(fileName(target.path)).filter((word) => word.length >= 2).join(' ');
  const probeStarted = performance.now();
  let attempts = 0;
  let found = false;
  while (!found && performance.now() - probeStarted < 5_000) {
    attempts++;
    const response: SearchResponse = await request(searcher.socket, 'search', { q, limit: 500 });
    found = response.results.some((result) => result.sha256 === target.sha256);
    if (!found) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { files: entries.length, batches: batches.length, largestBatchBytes, indexMs, rejected, retries, fileCount, probe: { q, found, searchMs: performance.now() - probeStarted, attempts } };
}

/** A personal file (its content exists nowhere else) with a name of several searchable words. */
function uniqueFile(files: LibraryFile[]): LibraryFile {
  const candidates = files.filter((file) => file.personal && nameWords(fileName(file.path)).filter((w) => w.length >= 2).length >= 3);
  return candidates[Math.floor(candidates.length / 2)] ?? files[0]!;
}
