import { createHash } from 'node:crypto';
import type { FileEntry } from '#contracts';

/**
 * The digest a peer offers when it reconnects (docs/protocol.md): SHA-256 over the entries sorted
 * by path, one line "path \0 size \0 sha256 \0 pieceRoot \n" each. Equal lists, equal digests.
 */
export function shareDigest(entries: FileEntry[]): string {
  const hash = createHash('sha256');
  for (const entry of [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    hash.update(`${entry.path}\0${entry.size}\0${entry.sha256}\0${entry.pieceRoot ?? ''}\n`);
  }
  return hash.digest('hex');
}

/** What changed between two published lists: entries to add (new or changed) and paths to remove. */
export function listDelta(before: FileEntry[], after: FileEntry[]): { added: FileEntry[]; removed: string[] } {
  const previous = new Map(before.map((entry) => [entry.path, entry]));
  const current = new Set(after.map((entry) => entry.path));
  const added = after.filter((entry) => {
    const old = previous.get(entry.path);
    return !old || old.sha256 !== entry.sha256 || old.size !== entry.size;
  });
  const removed = before.filter((entry) => !current.has(entry.path)).map((entry) => entry.path);
  return { added, removed };
}
