import { mkdir, stat } from 'node:fs/promises';

const PROBLEMS: Record<string, string> = {
  EEXIST: 'is a file, not a folder',
  ENOTDIR: 'is inside a file, not a folder',
  EACCES: 'cannot be created or written here: permission denied',
  EPERM: 'cannot be created or written here: permission denied',
  EROFS: 'is on a read-only file system',
  ENOSPC: 'cannot be created: the disk is full',
};

/**
 * Makes sure a download has a folder to go into (creating it if needed): undefined when it is
 * usable, otherwise what is wrong, in words ("is a file, not a folder") instead of `EEXIST … mkdir`.
 */
export async function outputFolderProblem(dir: string): Promise<string | undefined> {
  try {
    await mkdir(dir, { recursive: true });
    if (!(await stat(dir)).isDirectory()) return PROBLEMS.EEXIST;
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    return PROBLEMS[code] ?? `cannot be used: ${(error as Error).message}`;
  }
}
