import { statfs } from 'node:fs/promises';

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** 12582912 → "12.0 MiB": binary units, as the admin panel shows sizes. */
export function formatBinarySize(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 1 : 0)} ${UNITS[unit]}`;
}

/** Bytes an unprivileged process may still write in the file system holding `dir`. */
export async function freeSpace(dir: string): Promise<number> {
  const stats = await statfs(dir);
  return stats.bavail * stats.bsize;
}

/** The one line a download that does not fit ends with. */
export async function noSpaceReason(dir: string, neededBytes: number): Promise<string> {
  const free = await freeSpace(dir).catch(() => 0);
  return `not enough space in ${dir}: needs ${formatBinarySize(neededBytes)}, ${formatBinarySize(free)} free`;
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
