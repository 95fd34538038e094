import { open, readFile, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { type Placement, placeDownload } from './part-file.js';

/** Next to `<name>.part`: which process is writing it. */
export const LOCK_SUFFIX = '.lock';

interface LockOwner {
  pid: number;
  host: string;
  since: string;
}

type PartPlacement = Extract<Placement, { kind: 'part' }>;

export type ClaimedPlacement =
  | { kind: 'complete'; path: string }
  /** another download is writing this file there */
  | { kind: 'busy'; reason: string }
  | { kind: 'part'; placement: PartPlacement; release(): Promise<void> };

const MAX_ATTEMPTS = 5;

/**
 * Places a download (see placeDownload) and takes the target for this process, so that two
 * downloads of one file into one folder — two `peerdex get`, a get and the daemon, a pull and a
 * push — never write the same `.part`: the second is told who is at it. The lock is a file
 * `<name>.part.lock` created exclusively, holding the owner's pid and host; a lock whose process
 * is gone (same host, no such pid) is stale and taken over. Placement is checked again under the
 * lock, since the owner may have finished meanwhile.
 */
export async function claimPlacement(outputDir: string, name: string, sha256: string, size: number): Promise<ClaimedPlacement> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const first = await placeDownload(outputDir, name, sha256, size);
    if (first.kind === 'complete') return first;
    const lock = await tryLock(first.partPath + LOCK_SUFFIX);
    if ('owner' in lock) return { kind: 'busy', reason: busyReason(dirname(first.partPath), lock.owner, first.partPath + LOCK_SUFFIX) };
    const placement = await placeDownload(outputDir, name, sha256, size).catch(async (error: unknown) => {
      await lock.release();
      throw error;
    });
    if (placement.kind === 'part' && placement.partPath === first.partPath) return { kind: 'part', placement, release: lock.release };
    await lock.release();
    if (placement.kind === 'complete') return placement;
  }
  throw new Error(`could not settle where to put "${name}" in ${outputDir}: other downloads keep changing it`);
}

async function tryLock(path: string): Promise<{ release(): Promise<void> } | { owner: LockOwner | undefined }> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    try {
      const handle = await open(path, 'wx', 0o644);
      try {
        await handle.writeFile(JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() } satisfies LockOwner));
      } finally {
        await handle.close();
      }
      return { release: () => unlink(path).catch(() => undefined) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = await readOwner(path);
    if (owner && isGone(owner)) {
      await unlink(path).catch(() => undefined);
      continue;
    }
    return { owner };
  }
  return { owner: await readOwner(path) };
}

async function readOwner(path: string): Promise<LockOwner | undefined> {
  try {
    const owner = JSON.parse(await readFile(path, 'utf8')) as Partial<LockOwner>;
    return typeof owner.pid === 'number' && typeof owner.host === 'string' ? { pid: owner.pid, host: owner.host, since: String(owner.since) } : undefined;
  } catch {
    return undefined; // being written right now, or not ours to read
  }
}

/** A lock left by a process of this machine that no longer runs. */
function isGone(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function busyReason(dir: string, owner: LockOwner | undefined, lockPath: string): string {
  if (!owner) return `this file is already being downloaded into ${dir} (by another process; if none runs, delete ${lockPath})`;
  const where = owner.host === hostname() ? '' : ` on ${owner.host}`;
  const self = owner.pid === process.pid && !where ? ', this one' : '';
  return `this file is already being downloaded into ${dir} by process ${owner.pid}${where}${self} (since ${owner.since})`;
}
