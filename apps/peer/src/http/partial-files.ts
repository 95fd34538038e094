import type { PartialFile } from '../transfer/swarm.js';

/** The downloads in progress this peer serves from, by hash (never by a path from the network). */
export class PartialFiles {
  private readonly byHash = new Map<string, PartialFile>();

  lookup(sha256: string): PartialFile | undefined {
    return this.byHash.get(sha256);
  }

  all(): PartialFile[] {
    return [...this.byHash.values()];
  }

  /** Serves `file`'s verified pieces from now on; the returned function stops it (only this file). */
  add(file: PartialFile): () => void {
    this.byHash.set(file.sha256, file);
    return () => {
      if (this.byHash.get(file.sha256) === file) this.byHash.delete(file.sha256);
    };
  }
}
