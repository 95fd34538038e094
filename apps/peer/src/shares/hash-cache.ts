import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { pieceCount } from '#contracts';
import { writeFileAtomic } from '../util/atomic-write.js';
import type { FileHashes } from './hash-file.js';
import { packDigests, unpackDigests } from './piece-hashes.js';

const HEX64 = /^[0-9a-f]{64}$/;

const CacheFileSchema = z.object({
  version: z.literal(1),
  entries: z.record(
    z.string(),
    z.object({
      size: z.number().int().min(0),
      mtimeMs: z.number().min(0),
      sha256: z.string().regex(HEX64),
      pieceRoot: z.string().regex(HEX64),
      pieces: z.string(),
    }),
  ),
});
type CacheRecord = z.infer<typeof CacheFileSchema>['entries'][string];

export const HASH_CACHE_FILE = 'hash-cache.json';

/**
 * Remembers the hashes of files by absolute path, size and mtime, so that a rescan hashes only
 * what changed. Lives in the caller's state directory and is replaced atomically on save; a
 * missing or unreadable cache just means hashing again.
 */
export class HashCache {
  private entries = new Map<string, CacheRecord>();
  private dirty = false;

  private constructor(private readonly file: string) {}

  static async open(stateDir: string): Promise<HashCache> {
    const cache = new HashCache(join(stateDir, HASH_CACHE_FILE));
    try {
      const parsed = CacheFileSchema.safeParse(JSON.parse(await readFile(cache.file, 'utf8')));
      if (parsed.success) cache.entries = new Map(Object.entries(parsed.data.entries));
    } catch {
      // No cache yet, or one from a crash in the middle of an older format: start afresh.
    }
    return cache;
  }

  get size(): number {
    return this.entries.size;
  }

  get(absolutePath: string, size: number, mtimeMs: number): FileHashes | undefined {
    const record = this.entries.get(absolutePath);
    if (!record || record.size !== size || record.mtimeMs !== mtimeMs) return undefined;
    const pieces = unpackDigests(record.pieces);
    if (pieces.length !== pieceCount(size)) return undefined;
    return { sha256: record.sha256, pieceRoot: record.pieceRoot, pieces, size, mtimeMs };
  }

  set(absolutePath: string, hashes: FileHashes): void {
    this.entries.set(absolutePath, {
      size: hashes.size,
      mtimeMs: hashes.mtimeMs,
      sha256: hashes.sha256,
      pieceRoot: hashes.pieceRoot,
      pieces: packDigests(hashes.pieces),
    });
    this.dirty = true;
  }

  delete(absolutePath: string): void {
    if (this.entries.delete(absolutePath)) this.dirty = true;
  }

  /** Forgets every path not in `keep` (files that are gone or no longer shared). */
  retainOnly(keep: ReadonlySet<string>): void {
    for (const path of this.entries.keys()) {
      if (!keep.has(path)) {
        this.entries.delete(path);
        this.dirty = true;
      }
    }
  }

  async save(): Promise<void> {
    if (!this.dirty) return;
    const body = { version: 1 as const, entries: Object.fromEntries(this.entries) };
    await writeFileAtomic(this.file, JSON.stringify(body));
    this.dirty = false;
  }
}
