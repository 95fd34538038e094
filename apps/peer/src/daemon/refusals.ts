import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { countOf, type FileEntry, type RefusedFile, type RejectedEntry } from '#contracts';
import { writeFileAtomic } from '../util/atomic-write.js';

const FILE = 'refused.json';

/**
 * The files the server refused to list (blocklisted, invalid names): shared on disk, but not
 * served to anyone. Kept per list digest in the state directory, so a peer that takes its list
 * back after a restart still knows which they were.
 */
export class Refusals {
  private readonly byPath = new Map<string, string>();

  constructor(private readonly stateDir: string) {}

  get size(): number {
    return this.byPath.size;
  }

  has(path: string): boolean {
    return this.byPath.has(path);
  }

  list(): RefusedFile[] {
    return [...this.byPath].map(([path, reason]) => ({ path, reason }));
  }

  /** After a whole list was published: the refusals are exactly these (indices into `entries`). */
  async published(entries: readonly FileEntry[], rejected: readonly RejectedEntry[], digest: string): Promise<void> {
    this.byPath.clear();
    this.record(entries, rejected);
    await this.save(digest);
  }

  /** After a delta: removed and re-sent paths lose their old refusal; new refusals are recorded. */
  async changed(added: readonly FileEntry[], removed: readonly string[], rejected: readonly RejectedEntry[], digest: string): Promise<void> {
    for (const path of [...removed, ...added.map((entry) => entry.path)]) this.byPath.delete(path);
    this.record(added, rejected);
    await this.save(digest);
  }

  /** The server kept our list: the refusals saved with that digest still hold. */
  async restore(digest: string): Promise<void> {
    const saved = await readFile(join(this.stateDir, FILE), 'utf8').then((text) => JSON.parse(text) as { digest?: string; refused?: RefusedFile[] }, () => undefined);
    this.byPath.clear();
    if (saved?.digest !== digest) return;
    for (const { path, reason } of saved.refused ?? []) this.byPath.set(path, reason);
  }

  /** "; 1 refused: Music/setup.exe (blocked: no executables)", for the log; empty when none. */
  summary(): string {
    const [first] = this.list();
    if (!first) return '';
    const example = `${first.path} (${first.reason})`;
    return this.size === 1 ? `; 1 refused: ${example}` : `; ${countOf(this.size, 'file')} refused, e.g. ${example} (see \`peerdex status\`)`;
  }

  private record(entries: readonly FileEntry[], rejected: readonly RejectedEntry[]): void {
    for (const { index, reason } of rejected) {
      const entry = entries[index];
      if (entry) this.byPath.set(entry.path, reason);
    }
  }

  private async save(digest: string): Promise<void> {
    await writeFileAtomic(join(this.stateDir, FILE), JSON.stringify({ digest, refused: this.list() }));
  }
}
