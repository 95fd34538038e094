import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { basename, join, relative, resolve, sep } from 'node:path';
import { sharePathProblem } from '#contracts';

/** A regular file found in a shared folder, before hashing. */
export interface FoundFile {
  /** absolute path as reached through the shared folder (symlinks not resolved) */
  absolutePath: string;
  /** `<folder name>/<relative path with />`, as published */
  publishedPath: string;
  size: number;
  mtimeMs: number;
}

export interface SkippedFile {
  absolutePath: string;
  reason: string;
}

export interface FolderScan {
  files: FoundFile[];
  skipped: SkippedFile[];
}

/**
 * The published name of each shared folder: its own name, with " (2)", " (3)"... for later
 * folders of the same name, so two "Music" folders stay apart in the index (order as given).
 */
export function publishedFolderNames(folders: readonly string[]): string[] {
  const taken = new Set<string>();
  return folders.map((folder) => {
    const base = basename(resolve(folder)) || 'share';
    let name = base;
    for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${base} (${n})`;
    taken.add(name.toLowerCase());
    return name;
  });
}

/**
 * Walks shared folders into the list of files to publish. Follows symlinks only while their
 * target stays inside the same shared folder (and never into a directory twice, so link loops
 * end); skips sockets, FIFOs, devices, unreadable directories, names the index would refuse, and
 * the download engine's own `.part` files and their sidecars.
 */
export async function scanFolders(folders: readonly string[]): Promise<FolderScan> {
  const result: FolderScan = { files: [], skipped: [] };
  const names = publishedFolderNames(folders);
  for (const [index, folder] of folders.entries()) {
    const root = resolve(folder);
    let realRoot: string;
    try {
      realRoot = await realpath(root);
      if (!(await stat(realRoot)).isDirectory()) throw new Error('not a directory');
    } catch (error) {
      result.skipped.push({ absolutePath: root, reason: `shared folder unusable: ${describe(error)}` });
      continue;
    }
    await walk({ root, realRoot, folderName: names[index]!, visited: new Set([realRoot]), result }, root);
  }
  return result;
}

/** The folder name seeded files are published under: `seeding/<file name>`. */
export const SEEDING_FOLDER = 'seeding';

export interface SeedScan extends FolderScan {
  /** seeded files that are gone (moved or deleted), or no longer regular files */
  missing: string[];
}

/**
 * Single files shared by seeding (completed downloads), published as `seeding/<name>` (`seeding
 * (2)/<name>` for a second file of the same name). A file already found in a shared folder is
 * published there only.
 */
export async function scanSeededFiles(paths: readonly string[], alreadyFound: ReadonlySet<string>): Promise<SeedScan> {
  const result: SeedScan = { files: [], skipped: [], missing: [] };
  const taken = new Set<string>();
  for (const path of paths) {
    const absolutePath = resolve(path);
    if (alreadyFound.has(absolutePath)) continue;
    const info = await stat(absolutePath).catch(() => undefined);
    if (!info?.isFile()) {
      result.missing.push(path);
      continue;
    }
    const name = basename(absolutePath);
    let publishedPath = `${SEEDING_FOLDER}/${name}`;
    for (let n = 2; taken.has(publishedPath.toLowerCase()); n++) publishedPath = `${SEEDING_FOLDER} (${n})/${name}`;
    const problem = sharePathProblem(publishedPath);
    if (problem) {
      result.skipped.push({ absolutePath, reason: `name cannot be published: path ${problem}` });
      continue;
    }
    taken.add(publishedPath.toLowerCase());
    result.files.push({ absolutePath, publishedPath, size: info.size, mtimeMs: info.mtimeMs });
  }
  return result;
}

interface WalkContext {
  root: string;
  realRoot: string;
  folderName: string;
  visited: Set<string>;
  result: FolderScan;
}

async function walk(context: WalkContext, directory: string): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await readdir(directory, { withFileTypes: true });
  } catch (error) {
    context.result.skipped.push({ absolutePath: directory, reason: `unreadable folder: ${describe(error)}` });
    return;
  }
  const names = new Set(entries.map((entry) => entry.name));
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const absolutePath = join(directory, entry.name);
    if (isDownloadInProgress(entry.name, names)) continue;
    if (entry.isSymbolicLink()) {
      await visitSymlink(context, absolutePath);
    } else if (entry.isDirectory()) {
      await walk(context, absolutePath);
    } else if (entry.isFile()) {
      await addFile(context, absolutePath);
    } else {
      context.result.skipped.push({ absolutePath, reason: 'not a regular file (socket, FIFO or device)' });
    }
  }
}

async function visitSymlink(context: WalkContext, absolutePath: string): Promise<void> {
  let target: string;
  try {
    target = await realpath(absolutePath);
  } catch (error) {
    context.result.skipped.push({ absolutePath, reason: `broken symlink: ${describe(error)}` });
    return;
  }
  if (target !== context.realRoot && !target.startsWith(context.realRoot + sep)) {
    context.result.skipped.push({ absolutePath, reason: 'symlink leads outside the shared folder' });
    return;
  }
  const info = await stat(target).catch(() => undefined);
  if (info?.isDirectory()) {
    if (context.visited.has(target)) return;
    context.visited.add(target);
    await walk(context, absolutePath);
  } else if (info?.isFile()) {
    await addFile(context, absolutePath);
  } else {
    context.result.skipped.push({ absolutePath, reason: 'symlink to something that is not a regular file' });
  }
}

async function addFile(context: WalkContext, absolutePath: string): Promise<void> {
  const publishedPath = `${context.folderName}/${relative(context.root, absolutePath).split(sep).join('/')}`;
  const problem = sharePathProblem(publishedPath);
  if (problem) {
    context.result.skipped.push({ absolutePath, reason: `name cannot be published: path ${problem}` });
    return;
  }
  try {
    const info = await stat(absolutePath);
    context.result.files.push({ absolutePath, publishedPath, size: info.size, mtimeMs: info.mtimeMs });
  } catch (error) {
    context.result.skipped.push({ absolutePath, reason: `unreadable: ${describe(error)}` });
  }
}

/** `x.part` with its `x.part.json` sidecar (and the sidecar and `x.part.lock`) are unfinished downloads. */
function isDownloadInProgress(name: string, siblings: ReadonlySet<string>): boolean {
  if (name.endsWith('.part')) return siblings.has(`${name}.json`);
  if (name.endsWith('.part.json')) return siblings.has(name.slice(0, -'.json'.length));
  if (name.endsWith('.part.lock')) return siblings.has(name.slice(0, -'.lock'.length));
  return false;
}

function describe(error: unknown): string {
  return error instanceof Error ? ((error as NodeJS.ErrnoException).code ?? error.message) : String(error);
}
