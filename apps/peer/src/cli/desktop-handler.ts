import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { LINK_SCHEME, MANIFEST_EXTENSION, MANIFEST_MEDIA_TYPE } from '#contracts';
import { writeFileAtomic } from '../util/atomic-write.js';

const run = promisify(execFile);

export const DESKTOP_FILE = 'peerdex.desktop';
export const MIME_PACKAGE_FILE = 'peerdex.xml';
export const SCHEME_TYPE = `x-scheme-handler/${LINK_SCHEME}`;
/** What the desktop entry opens: `peerdex:` links and saved manifests. */
export const HANDLED_TYPES = [SCHEME_TYPE, MANIFEST_MEDIA_TYPE] as const;

/** Where the XDG Base Directory specification puts a user's data and configuration. */
export interface XdgDirs {
  dataHome: string;
  configHome: string;
}

export function xdgDirs(env: NodeJS.ProcessEnv = process.env): XdgDirs {
  // The specification says a relative value is invalid and is to be ignored.
  const absolute = (value: string | undefined) => (value && value.startsWith('/') ? value : undefined);
  return {
    dataHome: absolute(env.XDG_DATA_HOME) ?? join(homedir(), '.local', 'share'),
    configHome: absolute(env.XDG_CONFIG_HOME) ?? join(homedir(), '.config'),
  };
}

/** What running `peerdex get` on a clicked link takes: this very program, its server, its state. */
export interface HandlerCommand {
  node: string;
  cli: string;
  server: string;
  home?: string;
  outputDir: string;
}

/** A step's outcome, in words for the person who ran the command. */
export type Step = { done: string } | { skipped: string };

/**
 * Registers `peerdex:` links and `.peerdex` manifests with a Linux desktop (freedesktop.org
 * specifications): a desktop entry that runs `peerdex get %u` in a terminal, a shared-mime-info
 * package naming the media type and its `*.peerdex` glob, `xdg-mime default` for both types, and
 * the MIME and desktop databases refreshed where their tools exist.
 */
export async function installHandler(dirs: XdgDirs, command: HandlerCommand, env: NodeJS.ProcessEnv = process.env): Promise<Step[]> {
  const applications = join(dirs.dataHome, 'applications');
  const mimePackages = join(dirs.dataHome, 'mime', 'packages');
  await mkdir(applications, { recursive: true });
  await mkdir(mimePackages, { recursive: true });
  await writeFileAtomic(join(applications, DESKTOP_FILE), desktopEntry(command));
  await writeFileAtomic(join(mimePackages, MIME_PACKAGE_FILE), MIME_PACKAGE);
  const steps: Step[] = [
    { done: `wrote ${join(applications, DESKTOP_FILE)}` },
    { done: `wrote ${join(mimePackages, MIME_PACKAGE_FILE)}` },
  ];
  steps.push(await refreshDatabases(dirs, env));
  for (const type of HANDLED_TYPES) {
    steps.push(
      await tool(env, 'xdg-mime', ['default', DESKTOP_FILE, type], `made ${DESKTOP_FILE} the default for ${type}`,
        `set it by hand: add "${type}=${DESKTOP_FILE}" under [Default Applications] in ${join(dirs.configHome, 'mimeapps.list')}`),
    );
  }
  return steps;
}

/** Undoes installHandler: both files, and peerdex.desktop wherever mimeapps.list names it. */
export async function removeHandler(dirs: XdgDirs, env: NodeJS.ProcessEnv = process.env): Promise<Step[]> {
  const steps: Step[] = [];
  for (const path of [join(dirs.dataHome, 'applications', DESKTOP_FILE), join(dirs.dataHome, 'mime', 'packages', MIME_PACKAGE_FILE)]) {
    const existed = await rm(path).then(() => true, (error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? false : Promise.reject(error)));
    steps.push(existed ? { done: `removed ${path}` } : { skipped: `${path} was not there` });
  }
  const mimeapps = join(dirs.configHome, 'mimeapps.list');
  const text = await readFile(mimeapps, 'utf8').catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? undefined : Promise.reject(error)));
  if (text !== undefined) {
    const edited = withoutHandler(text);
    if (edited !== text) {
      await writeFile(mimeapps, edited);
      steps.push({ done: `removed ${DESKTOP_FILE} from ${mimeapps}` });
    }
  }
  steps.push(await refreshDatabases(dirs, env));
  return steps;
}

/**
 * mimeapps.list without peerdex.desktop in the lines of the types it handles (a line left with no
 * application goes); everything else, other applications' lines and comments, stays as it was.
 */
export function withoutHandler(text: string): string {
  const lines = text.split('\n').flatMap((line) => {
    const match = /^([^=#[\s][^=]*)=(.*)$/.exec(line);
    if (!match || !(HANDLED_TYPES as readonly string[]).includes(match[1]!.trim())) return [line];
    const apps = match[2]!.split(';').filter((app) => app.trim() !== '' && app.trim() !== DESKTOP_FILE);
    return apps.length === 0 ? [] : [`${match[1]}=${apps.join(';')};`];
  });
  return lines.join('\n');
}

async function refreshDatabases(dirs: XdgDirs, env: NodeJS.ProcessEnv): Promise<Step> {
  const mime = await tool(env, 'update-mime-database', [join(dirs.dataHome, 'mime')], 'refreshed the MIME database',
    `files named *${MANIFEST_EXTENSION} are recognised once the desktop rebuilds its MIME database (Debian: apt-get install shared-mime-info)`);
  const desktop = await tool(env, 'update-desktop-database', [join(dirs.dataHome, 'applications')], 'refreshed the desktop database',
    'most desktops read the entry without it (Debian: apt-get install desktop-file-utils)');
  if ('skipped' in mime || 'skipped' in desktop) return { skipped: [mime, desktop].map((step) => ('done' in step ? step.done : step.skipped)).join('; ') };
  return { done: `${mime.done} and the desktop database` };
}

/** Runs a desktop tool when it is installed; when it is not, says so and what its absence means. */
async function tool(env: NodeJS.ProcessEnv, name: string, args: string[], done: string, withoutIt: string): Promise<Step> {
  if (!onPath(name, env)) return { skipped: `${name} is not installed: ${withoutIt}` };
  try {
    await run(name, args, { env, timeout: 30_000 });
    return { done };
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    return { skipped: `${name} ${args.join(' ')} failed${stderr ? `: ${stderr}` : ''}; ${withoutIt}` };
  }
}

function onPath(name: string, env: NodeJS.ProcessEnv): boolean {
  return (env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && existsExecutable(join(dir, name)));
}

function existsExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const MIME_PACKAGE = `<?xml version="1.0" encoding="UTF-8"?>
<mime-info xmlns="http://www.freedesktop.org/standards/shared-mime-info">
  <mime-type type="${MANIFEST_MEDIA_TYPE}">
    <comment>Peerdex manifest</comment>
    <sub-class-of type="application/json"/>
    <glob pattern="*${MANIFEST_EXTENSION}"/>
  </mime-type>
</mime-info>
`;

/** The desktop entry (Desktop Entry Specification 1.4, which desktop-file-validate 0.26 knows); Terminal=true shows the download's progress and errors. */
export function desktopEntry(command: HandlerCommand): string {
  const args = [
    ...(command.home ? ['env', `PEERDEX_HOME=${command.home}`] : []),
    command.node,
    command.cli,
    '--server',
    command.server,
    'get',
    '--out',
    command.outputDir,
  ];
  return `[Desktop Entry]
Type=Application
Version=1.4
Name=Peerdex
Comment=Download a file shared on a Peerdex directory
Exec=${args.map(execArgument).join(' ')} %u
Terminal=true
NoDisplay=true
MimeType=${HANDLED_TYPES.join(';')};
Categories=Network;FileTransfer;
`;
}

/**
 * One argument of Exec: quoted when it holds a reserved character, with `"`, backquote, `$` and
 * `\` escaped inside the quotes, `%` doubled (field codes), and then the string escaping of
 * desktop files applied (a backslash is written twice), as the specification's "Exec key" says.
 */
export function execArgument(argument: string): string {
  const fieldSafe = argument.replaceAll('%', '%%');
  const quoted = /[\s"'\\><~|&;$*?#()`]/.test(fieldSafe) ? `"${fieldSafe.replace(/["`$\\]/g, '\\$&')}"` : fieldSafe;
  return quoted.replaceAll('\\', '\\\\');
}
