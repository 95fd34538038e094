/** What the peer serves for one hash: where the bytes are and what they looked like when hashed. */
export interface CatalogueEntry {
  sha256: string;
  absolutePath: string;
  publishedPath: string;
  size: number;
  mtimeMs: number;
  pieceRoot: string;
  pieces: Buffer[];
}

/**
 * The local catalogue, sha256 → files: the only way a request from the network reaches the file
 * system. Several shared files may have the same content; any of them can serve it.
 */
export class ShareCatalogue {
  private readonly byHash = new Map<string, CatalogueEntry[]>();
  private readonly byPath = new Map<string, CatalogueEntry>();

  get fileCount(): number {
    return this.byPath.size;
  }

  lookup(sha256: string): CatalogueEntry | undefined {
    return this.byHash.get(sha256)?.[0];
  }

  /** Every shared file with these bytes. */
  lookupAll(sha256: string): readonly CatalogueEntry[] {
    return this.byHash.get(sha256) ?? [];
  }

  entryAt(absolutePath: string): CatalogueEntry | undefined {
    return this.byPath.get(absolutePath);
  }

  all(): CatalogueEntry[] {
    return [...this.byPath.values()];
  }

  add(entry: CatalogueEntry): void {
    this.remove(entry.absolutePath);
    this.byPath.set(entry.absolutePath, entry);
    const list = this.byHash.get(entry.sha256);
    if (list) list.push(entry);
    else this.byHash.set(entry.sha256, [entry]);
  }

  remove(absolutePath: string): CatalogueEntry | undefined {
    const entry = this.byPath.get(absolutePath);
    if (!entry) return undefined;
    this.byPath.delete(absolutePath);
    const rest = (this.byHash.get(entry.sha256) ?? []).filter((candidate) => candidate !== entry);
    if (rest.length > 0) this.byHash.set(entry.sha256, rest);
    else this.byHash.delete(entry.sha256);
    return entry;
  }

  clear(): void {
    this.byHash.clear();
    this.byPath.clear();
  }
}
