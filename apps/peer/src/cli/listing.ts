import type { CliContext } from './context.js';
import { UsageError } from './errors.js';
import { sameServer } from './peer-home.js';

/** A file as the last `search` or `browse` listed it, so `get 3` and `report 3` can name it. */
export interface ListedFile {
  sha256: string;
  name: string;
  size: number;
}

export interface LastList {
  server: string;
  /** what was listed: `search "radiohead creep"`, `browse alice` */
  title: string;
  files: ListedFile[];
}

export const LAST_LIST = 'last-list.json';

/** The file a `<file>` argument names, with its name when the last list had it. */
export type FileTarget = { sha256: string; name?: string };

/** Numbers count from 1, up to the largest browse (10,000); hash prefixes have at least six characters. */
const NUMBER = /^\d{1,5}$/;
const PREFIX = /^[0-9a-fA-F]{6,63}$/;

export async function saveLastList(context: CliContext, title: string, files: ListedFile[]): Promise<void> {
  const list: LastList = { server: context.server, title, files: files.map(({ sha256, name, size }) => ({ sha256, name, size })) };
  await context.home.write(LAST_LIST, list);
}

/**
 * For commands that take a file or a username (report): the file when `target` is a sha256, a
 * result number, or the start of a hash in the last list; undefined otherwise (a username, even
 * a hex-looking one like "decade" that starts no listed hash).
 */
export async function fileOrUndefined(context: CliContext, target: string): Promise<FileTarget | undefined> {
  if (/^[0-9a-fA-F]{64}$/.test(target) || NUMBER.test(target)) return resolveFile(context, target, '<target>');
  if (!PREFIX.test(target)) return undefined;
  return resolveFile(context, target, '<target>').catch(() => undefined);
}

/**
 * A sha256, a number from the last list, or the first characters of a hash in it (unambiguous)
 * → the file. Anything else is a usage error naming what is accepted.
 */
export async function resolveFile(context: CliContext, target: string, what = '<file>'): Promise<FileTarget> {
  if (/^[0-9a-fA-F]{64}$/.test(target)) {
    const sha256 = target.toLowerCase();
    return { sha256, name: (await lastList(context))?.files.find((file) => file.sha256 === sha256)?.name };
  }
  if (!NUMBER.test(target) && !PREFIX.test(target)) {
    throw new UsageError(`${what} must be a sha256, its first characters, or a number from the last \`peerdex search\` or \`peerdex browse\` (got "${target}")`);
  }
  const last = await lastList(context);
  if (!last) throw new UsageError('no previous search or browse on this server: run `peerdex search <words>` or `peerdex browse <user>` first');
  if (NUMBER.test(target)) {
    const file = last.files[Number(target) - 1];
    if (!file) throw new UsageError(`the last list (${last.title}) has ${last.files.length === 1 ? '1 file' : `${last.files.length} files`}; there is no #${target}`);
    return file;
  }
  const prefix = target.toLowerCase();
  const matches = [...new Map(last.files.filter((file) => file.sha256.startsWith(prefix)).map((file) => [file.sha256, file])).values()];
  if (matches.length === 0) throw new UsageError(`no file in the last list (${last.title}) starts with ${target}; give the whole sha256`);
  if (matches.length > 1) throw new UsageError(`${target} starts ${matches.length} different files in the last list; give more characters`);
  return matches[0]!;
}

async function lastList(context: CliContext): Promise<LastList | undefined> {
  const last = await context.home.read<LastList>(LAST_LIST);
  return last && sameServer(last.server, context.server) ? last : undefined;
}
