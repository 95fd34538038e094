import { statfs } from 'node:fs/promises';
import { formatBytes } from '#contracts';

/** Bytes an unprivileged process may still write in the file system holding `dir`. */
export async function freeSpace(dir: string): Promise<number> {
  const stats = await statfs(dir);
  return stats.bavail * stats.bsize;
}

/** The one line a download that does not fit ends with. */
export async function noSpaceReason(dir: string, neededBytes: number): Promise<string> {
  const free = await freeSpace(dir).catch(() => 0);
  return `not enough space in ${dir}: needs ${formatBytes(neededBytes)}, ${formatBytes(free)} free`;
}

/** Why a download of `neededBytes` more cannot start in `dir`, or undefined when it fits. */
export async function spaceShortage(dir: string, neededBytes: number): Promise<string | undefined> {
  const free = await freeSpace(dir).catch(() => Number.POSITIVE_INFINITY); // cannot tell: try, and see
  return free < neededBytes ? noSpaceReason(dir, neededBytes) : undefined;
}

/** A write that failed because the disk (or the user's quota) is full, wherever it is wrapped. */
export function isOutOfSpace(error: unknown): boolean {
  for (let cause = error, depth = 0; cause && depth < 5; cause = (cause as { cause?: unknown }).cause, depth++) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC' || code === 'EDQUOT') return true;
  }
  return false;
}
