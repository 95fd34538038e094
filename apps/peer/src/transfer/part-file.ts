import { link, open, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { hashFile } from '../shares/hash-file.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { isOutOfSpace } from './disk-space.js';

export const PART_SUFFIX = '.part';
/** The sidecar next to `<name>.part`: which file it is and which pieces it already holds. */
export const STATE_SUFFIX = '.part.json';

const HEX64 = /^[0-9a-f]{64}$/;
export const PartStateSchema = z.object({
  version: z.literal(1),
  sha256: z.string().regex(HEX64),
  size: z.number().int().min(0),
  pieceRoot: z.string().regex(HEX64).nullable(),
  /** the verified piece digests, packed (see piece-hashes.ts), once known */
  pieces: z.string().optional(),
  /** bitfield of pieces written (and verified, when piece digests are known) */
  done: z.string(),
});
export type PartState = z.infer<typeof PartStateSchema>;

export type Placement =
  | { kind: 'complete'; path: string }
  | { kind: 'part'; finalName: string; partPath: string; statePath: string; state?: PartState };

const MAX_NAME_ATTEMPTS = 1000;

/** Why `name` cannot be a file name in the output folder, or undefined. */
export function fileNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'must not be empty';
  if (Buffer.byteLength(name) > 255) return 'must be at most 255 bytes';
  if (name === '.' || name === '..') return 'must not be "." or ".."';
  if (/[/\\]/.test(name)) return 'must not contain "/" or "\\"';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'must not contain control characters';
  return undefined;
}

/** "song.mp3" → "song.mp3", "song (1).mp3", "song (2).mp3"...; ".bashrc" → ".bashrc (1)". */
export function numberedName(name: string, n: number): string {
  if (n === 0) return name;
  const dot = name.lastIndexOf('.');
  return dot > 0 ? `${name.slice(0, dot)} (${n})${name.slice(dot)}` : `${name} (${n})`;
}

/**
 * Decides where a download goes without ever overwriting anything: an existing file with the
 * same content means the download is already complete; a `.part` of the same content is resumed;
 * names taken by other content move the download to "name (1).ext", "name (2).ext"...
 */
export async function placeDownload(outputDir: string, name: string, sha256: string, size: number): Promise<Placement> {
  for (let n = 0; n < MAX_NAME_ATTEMPTS; n++) {
    const finalName = numberedName(name, n);
    const finalPath = join(outputDir, finalName);
    const existing = await stat(finalPath).catch(() => undefined);
    if (existing) {
      if (existing.isFile() && existing.size === size && (await sameContent(finalPath, sha256))) return { kind: 'complete', path: finalPath };
      continue;
    }
    const partPath = finalPath + PART_SUFFIX;
    const statePath = finalPath + STATE_SUFFIX;
    const partExists = await stat(partPath).then(() => true, () => false);
    const state = await readState(statePath);
    if (!partExists && !state) return { kind: 'part', finalName, partPath, statePath };
    if (state && state.sha256 === sha256 && state.size === size) return { kind: 'part', finalName, partPath, statePath, state: partExists ? state : undefined };
    // Another download's .part (or a stray file of that name): leave it alone.
  }
  throw new Error(`no free name for "${name}" in ${outputDir} after ${MAX_NAME_ATTEMPTS} attempts`);
}

export async function readState(statePath: string): Promise<PartState | undefined> {
  try {
    const parsed = PartStateSchema.safeParse(JSON.parse(await readFile(statePath, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Writes the sidecar atomically (a new file renamed over the old). On a full disk there is no
 * room for the new file, yet the sidecar must record what was stored for the download to resume:
 * it is then overwritten in place, which needs no new space (its length hardly changes).
 */
export async function saveState(statePath: string, state: PartState): Promise<void> {
  const text = JSON.stringify(state);
  try {
    await writeFileAtomic(statePath, text);
  } catch (error) {
    if (!isOutOfSpace(error) || !(await overwriteInPlace(statePath, Buffer.from(text)))) throw error;
  }
}

async function overwriteInPlace(path: string, data: Buffer): Promise<boolean> {
  const handle = await open(path, 'r+').catch(() => undefined);
  if (!handle) return false;
  try {
    if ((await handle.stat()).size < data.length) return false;
    await handle.write(data, 0, data.length, 0);
    await handle.truncate(data.length);
    await handle.sync();
    return true;
  } finally {
    await handle.close();
  }
}

/**
 * Gives a verified `.part` its final name. link() refuses to replace an existing file, so a file
 * that appeared under the chosen name meanwhile is never overwritten: the next free name is used.
 */
export async function finalizePart(outputDir: string, placement: Extract<Placement, { kind: 'part' }>): Promise<string> {
  const base = placement.finalName;
  for (let n = 0; n < MAX_NAME_ATTEMPTS; n++) {
    const finalPath = join(outputDir, numberedName(base, n));
    try {
      await link(placement.partPath, finalPath);
      await unlink(placement.partPath);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') continue;
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EXDEV') throw error;
      // File systems without hard links (FAT, some network mounts): check, then rename.
      if (await stat(finalPath).then(() => true, () => false)) continue;
      await rename(placement.partPath, finalPath);
    }
    await rm(placement.statePath, { force: true });
    return finalPath;
  }
  throw new Error(`no free name for "${base}" in ${outputDir}`);
}

export async function discardPart(placement: Extract<Placement, { kind: 'part' }>): Promise<void> {
  await rm(placement.partPath, { force: true });
  await rm(placement.statePath, { force: true });
}

async function sameContent(path: string, sha256: string): Promise<boolean> {
  try {
    return (await hashFile(path)).sha256 === sha256;
  } catch {
    return false;
  }
}
