import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';

/**
 * Shared folders never overlap: a folder inside a shared one is already shared (its files are
 * published once, under the outer folder's name), and sharing a parent takes the shared folders
 * inside it in. Paths are compared by where they really are (symlinks resolved), as listed otherwise.
 */
export interface FolderPlacement {
  /** the shared folder that is or contains the folder */
  container?: string;
  /** shared folders inside the folder */
  inside: string[];
}

/** True when `inner` is `outer` or somewhere below it. */
export function isWithin(inner: string, outer: string): boolean {
  const path = relative(outer, inner);
  return path === '' || (!path.startsWith('..') && !isAbsolute(path));
}

/** Where `folder` stands among the shared folders. */
export async function placeFolder(folder: string, shares: readonly string[]): Promise<FolderPlacement> {
  const real = await realOrResolved(folder);
  const placement: FolderPlacement = { inside: [] };
  for (const share of shares) {
    const shareReal = await realOrResolved(share);
    if (isWithin(real, shareReal)) placement.container ??= share;
    else if (isWithin(shareReal, real)) placement.inside.push(share);
  }
  return placement;
}

/**
 * The folders to publish and watch: the listed ones minus any inside (or equal to) an earlier or
 * outer one. Lists written before overlaps were refused may hold both a folder and its parent.
 */
export async function effectiveFolders(folders: readonly string[]): Promise<string[]> {
  const real = await Promise.all(folders.map(realOrResolved));
  return folders.filter((_, index) =>
    real.every((other, otherIndex) => otherIndex === index || !isWithin(real[index]!, other) || (other === real[index] && otherIndex > index)),
  );
}

async function realOrResolved(folder: string): Promise<string> {
  return realpath(folder).catch(() => resolve(folder));
}
