import { stat } from 'node:fs/promises';
import type { FileEntry } from '#contracts';
import { type CatalogueEntry, ShareCatalogue } from './catalogue.js';
import { FileChangedWhileHashingError, type FileHashes, hashFile } from './hash-file.js';
import { HashCache } from './hash-cache.js';
import { type FoundFile, type SkippedFile, scanFolders, scanSeededFiles } from './scan-folders.js';

export interface ShareLibraryOptions {
  /** folders to share, in a stable order (it decides which of two same-named folders gets " (2)") */
  folders: string[];
  /** single files to share besides (seeding: completed downloads), published as `seeding/<name>` */
  files?: string[];
  /** where the hash cache lives; the caller's per-user state directory */
  stateDir: string;
  /** the hash function; replaceable so tests can count how often files are really hashed */
  hash?: (absolutePath: string) => Promise<FileHashes>;
  onProgress?: (progress: { filesDone: number; filesTotal: number; currentPath: string }) => void;
}

export interface ScanReport {
  entries: FileEntry[];
  /** files hashed in this scan (new or changed) */
  hashed: number;
  /** files whose hashes came from the cache */
  fromCache: number;
  skipped: SkippedFile[];
  /** of `files`, those that are gone (moved or deleted): no longer shared */
  missingFiles: string[];
}

export interface FileRefresh {
  /** the entry to withdraw from the index (its hash is stale), if it was published */
  removed?: FileEntry;
  /** the file's new entry, if it still exists and could be hashed */
  added?: FileEntry;
}

const CACHE_SAVE_INTERVAL_MS = 30_000;

/**
 * What this peer shares: scans the folders, hashes what the cache does not know, and keeps the
 * published FileEntry list and the serving catalogue in step.
 */
export class ShareLibrary {
  readonly catalogue = new ShareCatalogue();
  private readonly hash: (absolutePath: string) => Promise<FileHashes>;

  private constructor(
    private options: ShareLibraryOptions,
    private readonly cache: HashCache,
  ) {
    this.hash = options.hash ?? hashFile;
  }

  static async open(options: ShareLibraryOptions): Promise<ShareLibrary> {
    return new ShareLibrary(options, await HashCache.open(options.stateDir));
  }

  /** Changes the shared folders (`peerdex share` while the peer runs); the next scan uses them. */
  setFolders(folders: string[]): void {
    this.options = { ...this.options, folders: [...folders] };
  }

  /** Changes the single files shared besides the folders (seeding); the next scan uses them. */
  setFiles(files: string[]): void {
    this.options = { ...this.options, files: [...files] };
  }

  /** The published entries, as last scanned or refreshed. */
  entries(): FileEntry[] {
    return this.catalogue.all().map(toFileEntry);
  }

  async scan(): Promise<ScanReport> {
    const found = await scanFolders(this.options.folders);
    const seeded = await scanSeededFiles(this.options.files ?? [], new Set(found.files.map((file) => file.absolutePath)));
    found.files.push(...seeded.files);
    const report: ScanReport = { entries: [], hashed: 0, fromCache: 0, skipped: [...found.skipped, ...seeded.skipped], missingFiles: seeded.missing };
    const fresh: CatalogueEntry[] = [];
    let lastSave = Date.now();
    for (const [index, file] of found.files.entries()) {
      this.options.onProgress?.({ filesDone: index, filesTotal: found.files.length, currentPath: file.absolutePath });
      const cached = this.cache.get(file.absolutePath, file.size, file.mtimeMs);
      const hashes = cached ?? (await this.hashFound(file, report.skipped));
      if (!hashes) continue;
      if (cached) report.fromCache++;
      else report.hashed++;
      fresh.push(catalogueEntry(file, hashes));
      if (Date.now() - lastSave > CACHE_SAVE_INTERVAL_MS) {
        // A long first scan keeps its progress if the peer is stopped half-way.
        await this.cache.save();
        lastSave = Date.now();
      }
    }
    this.cache.retainOnly(new Set(fresh.map((entry) => entry.absolutePath)));
    await this.cache.save();
    this.catalogue.clear();
    for (const entry of fresh) this.catalogue.add(entry);
    report.entries = fresh.map(toFileEntry);
    return report;
  }

  /**
   * Re-reads one published file, e.g. after the HTTP endpoint found it changed on disk: withdraws
   * the stale entry and publishes the new hashes. The result is the delta to send to the server.
   */
  async refreshFile(absolutePath: string): Promise<FileRefresh> {
    const previous = this.catalogue.remove(absolutePath);
    const result: FileRefresh = previous ? { removed: toFileEntry(previous) } : {};
    const info = await stat(absolutePath).catch(() => undefined);
    if (!previous || !info?.isFile()) {
      this.cache.delete(absolutePath);
      await this.cache.save();
      return result;
    }
    const found: FoundFile = { absolutePath, publishedPath: previous.publishedPath, size: info.size, mtimeMs: info.mtimeMs };
    const hashes = await this.hashFound(found, []);
    if (hashes) {
      const entry = catalogueEntry(found, hashes);
      this.catalogue.add(entry);
      result.added = toFileEntry(entry);
    }
    await this.cache.save();
    return result;
  }

  private async hashFound(file: FoundFile, skipped: SkippedFile[]): Promise<FileHashes | undefined> {
    for (let attempt = 1; ; attempt++) {
      try {
        const hashes = await this.hash(file.absolutePath);
        file.size = hashes.size;
        file.mtimeMs = hashes.mtimeMs;
        this.cache.set(file.absolutePath, hashes);
        return hashes;
      } catch (error) {
        // A file being written gets one more chance; after that it waits for the next scan.
        if (error instanceof FileChangedWhileHashingError && attempt < 2) continue;
        this.cache.delete(file.absolutePath);
        const reason = error instanceof FileChangedWhileHashingError ? 'kept changing while hashed' : `unreadable: ${(error as NodeJS.ErrnoException).code ?? String(error)}`;
        skipped.push({ absolutePath: file.absolutePath, reason });
        return undefined;
      }
    }
  }
}

function catalogueEntry(file: FoundFile, hashes: FileHashes): CatalogueEntry {
  return {
    sha256: hashes.sha256,
    absolutePath: file.absolutePath,
    publishedPath: file.publishedPath,
    size: hashes.size,
    mtimeMs: hashes.mtimeMs,
    pieceRoot: hashes.pieceRoot,
    pieces: hashes.pieces,
  };
}

function toFileEntry(entry: CatalogueEntry): FileEntry {
  return { path: entry.publishedPath, size: entry.size, sha256: entry.sha256, mtime: Math.floor(entry.mtimeMs), pieceRoot: entry.pieceRoot };
}
