import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it, jest } from '@jest/globals';
import { MANIFEST_MEDIA_TYPE } from '#contracts';
import { CliUser, PEERDEX_BIN } from './support/peer-cli.js';
import { hasTool } from './support/tools.js';
import { withNote } from './support/with-note.js';

const run = promisify(execFile);
const HAS_XDG_MIME = hasTool('xdg-mime');
const HAS_MIME_DATABASE = hasTool('update-mime-database');
const HAS_DESKTOP_VALIDATOR = hasTool('desktop-file-validate');
for (const [present, tool, pkg] of [[HAS_XDG_MIME, 'xdg-mime', 'xdg-utils'], [HAS_MIME_DATABASE, 'update-mime-database', 'shared-mime-info'], [HAS_DESKTOP_VALIDATOR, 'desktop-file-validate', 'desktop-file-utils']] as const) {
  if (!present) process.stderr.write(`peerdex handler: the ${tool} checks are skipped: it is absent (apt-get install -y ${pkg})\n`);
}

/**
 * `peerdex handler install` and `remove` against a desktop's real files: XDG_DATA_HOME and
 * XDG_CONFIG_HOME point at a temporary folder, and the freedesktop.org tools that are installed
 * (xdg-mime, update-mime-database, desktop-file-validate) read what it wrote.
 */
describe('peerdex handler: peerdex: links and .peerdex files on a Linux desktop', () => {
  jest.setTimeout(60_000);
  const SERVER = 'http://127.0.0.1:3999';
  let user: CliUser;
  let xdg: { XDG_DATA_HOME: string; XDG_CONFIG_HOME: string };
  let downloads: string;
  const desktopFile = () => join(xdg.XDG_DATA_HOME, 'applications', 'peerdex.desktop');
  const mimePackage = () => join(xdg.XDG_DATA_HOME, 'mime', 'packages', 'peerdex.xml');
  const mimeapps = () => join(xdg.XDG_CONFIG_HOME, 'mimeapps.list');
  const queryDefault = async (type: string) => (await run('xdg-mime', ['query', 'default', type], { env: { ...process.env, ...xdg } })).stdout.trim();

  beforeAll(async () => {
    user = await CliUser.create(SERVER);
    const root = await mkdtemp(join(tmpdir(), 'peerdex-desktop-'));
    xdg = { XDG_DATA_HOME: join(root, 'data'), XDG_CONFIG_HOME: join(root, 'config') };
    downloads = join(root, 'Downloads');
    await mkdir(downloads);
    // Another application's association, which install and remove must leave alone.
    await mkdir(xdg.XDG_CONFIG_HOME);
    await writeFile(mimeapps(), '[Default Applications]\ntext/plain=org.gnome.TextEditor.desktop\n');
  });

  it('install writes a desktop entry that runs `peerdex get` on the link, for this server and PEERDEX_HOME', async () => {
    const result = await user.run(['handler', 'install', '--out', downloads], { env: xdg });
    withNote(JSON.stringify(result), () => expect(result.code).toBe(0));
    const entry = await readFile(desktopFile(), 'utf8');
    expect(entry).toContain(`MimeType=x-scheme-handler/peerdex;${MANIFEST_MEDIA_TYPE};\n`);
    expect(entry).toContain('Terminal=true\n');
    expect(entry).toContain(`Exec=env PEERDEX_HOME=${user.home} ${process.execPath} ${PEERDEX_BIN} --server ${SERVER} get --out ${downloads} %u\n`);
    if (HAS_DESKTOP_VALIDATOR) {
      const validation = await run('desktop-file-validate', [desktopFile()]).then(({ stdout }) => stdout, (error: { stdout: string }) => error.stdout);
      expect(validation).toBe('');
    }
  });

  it('the installed command line, run as a desktop runs it on a click, is `peerdex get` (a broken link: exit 2)', async () => {
    const exec = /^Exec=(.*)$/m.exec(await readFile(desktopFile(), 'utf8'))![1]!;
    // The temporary paths hold no spaces or quotes, so the arguments are the words.
    const [command, ...args] = exec.split(' ').map((word) => (word === '%u' ? 'peerdex:?xt=urn:sha256:abc' : word));
    const child = spawn(command!, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    withNote(stderr, () => expect(code).toBe(2));
    expect(stderr).toContain('not a valid peerdex: link: the hash must be 64 hexadecimal digits');
  });

  it('install declares the media type and its *.peerdex glob to shared-mime-info', async () => {
    const xml = await readFile(mimePackage(), 'utf8');
    expect(xml).toContain(`<mime-type type="${MANIFEST_MEDIA_TYPE}">`);
    expect(xml).toContain('<glob pattern="*.peerdex"/>');
    if (HAS_MIME_DATABASE) expect(await readFile(join(xdg.XDG_DATA_HOME, 'mime', 'globs2'), 'utf8')).toContain(`${MANIFEST_MEDIA_TYPE}:*.peerdex`);
  });

  (HAS_XDG_MIME ? it : it.skip)('install makes peerdex.desktop the default for both types, as xdg-mime reads it', async () => {
    expect(await queryDefault('x-scheme-handler/peerdex')).toBe('peerdex.desktop');
    expect(await queryDefault(MANIFEST_MEDIA_TYPE)).toBe('peerdex.desktop');
  });

  it('remove undoes it: the files, the defaults and the MIME database entry go, other applications stay', async () => {
    const result = await user.run(['handler', 'remove'], { env: xdg });
    withNote(JSON.stringify(result), () => expect(result.code).toBe(0));
    expect(existsSync(desktopFile())).toBe(false);
    expect(existsSync(mimePackage())).toBe(false);
    const associations = await readFile(mimeapps(), 'utf8');
    expect(associations).not.toContain('peerdex');
    expect(associations).toContain('text/plain=org.gnome.TextEditor.desktop');
    if (HAS_XDG_MIME) {
      expect(await queryDefault('x-scheme-handler/peerdex')).toBe('');
      expect(await queryDefault(MANIFEST_MEDIA_TYPE)).toBe('');
    }
    if (HAS_MIME_DATABASE) expect(await readFile(join(xdg.XDG_DATA_HOME, 'mime', 'globs2'), 'utf8')).not.toContain('peerdex');
  });

  it('remove a second time has nothing left to do and says so', async () => {
    const result = await user.run(['handler', 'remove'], { env: xdg });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('peerdex.desktop was not there');
  });
});
