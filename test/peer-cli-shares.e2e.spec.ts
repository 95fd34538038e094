import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { eventually } from './support/eventually.js';
import { httpClient } from './support/http.js';
import { CliUser, type RunningCommand, startServerForCli } from './support/peer-cli.js';
import type { ServerProcess } from './support/server-process.js';
import { withNote } from './support/with-note.js';

const ADMIN_PASSWORD = 'admin-password-for-cli-tests';

/** Shared folders as the user manages them and as `peerdex up` publishes them: built server, real peers. */
describe('shared folders', () => {
  jest.setTimeout(120_000);
  let server: ServerProcess;
  let reader: CliUser;
  const daemons: RunningCommand[] = [];

  beforeAll(async () => {
    server = await startServerForCli({ ADMIN_PASSWORD });
    reader = await CliUser.create(server.baseUrl);
    await reader.register('reader');
  });

  afterEach(async () => {
    await Promise.all(daemons.splice(0).map((daemon) => daemon.stop()));
  });

  afterAll(async () => {
    await server?.stop();
  });

  async function up(user: CliUser): Promise<RunningCommand> {
    const daemon = user.spawn(['up', '--port', '0', '--host', '127.0.0.1']);
    daemons.push(daemon);
    await daemon.waitFor(/Published \d+ files?|nothing to resend/);
    return daemon;
  }

  async function browsePaths(username: string): Promise<string[]> {
    const browse = await reader.run(['browse', username, '--json']);
    withNote(browse.stderr, () => expect(browse.code).toBe(0));
    return (JSON.parse(browse.stdout) as { files: Array<{ path: string }> }).files.map((file) => file.path).sort();
  }

  async function folderTree(): Promise<{ root: string; music: string }> {
    const root = await mkdtemp(join(tmpdir(), 'shared-'));
    const music = join(root, 'Music');
    await mkdir(music);
    await writeFile(join(root, 'notes.txt'), 'notes');
    await writeFile(join(music, 'first song.mp3'), 'first song bytes');
    return { root, music };
  }

  it('refuses a folder inside a shared one, folds shared folders into a new parent, and explains an unshare of a part', async () => {
    const user = await CliUser.create(server.baseUrl);
    const { root, music } = await folderTree();
    expect((await user.run(['share', root])).stdout).toMatch(/^Sharing /);

    const inner = await user.run(['share', music]);
    withNote(inner.stderr, () => expect(inner.code).toBe(0));
    expect(inner.stdout).toBe(`Already shared: ${music} is part of the shared folder ${root}\n`);
    expect((await user.run(['shares'])).stdout).toBe(`${root}\n`);

    const part = await user.run(['unshare', music]);
    expect(part.code).toBe(1);
    expect(part.stderr).toBe(`peerdex: ${music} is not shared on its own: it is part of the shared folder ${root}; \`peerdex unshare ${root}\` stops sharing all of it\n`);

    // Sharing a parent of shared folders takes them in.
    const other = await user.run(['unshare', root]);
    withNote(other.stderr, () => expect(other.code).toBe(0));
    await user.run(['share', music]);
    const parent = await user.run(['share', root]);
    withNote(parent.stderr, () => expect(parent.code).toBe(0));
    expect(parent.stdout).toBe(`Sharing ${root} (it includes ${music}, shared before, which is now part of it)\n`);
    expect((await user.run(['shares'])).stdout).toBe(`${root}\n`);
  });

  it('publishes every file once and keeps following a sub-folder that was also listed, after it is unshared', async () => {
    const user = await CliUser.create(server.baseUrl);
    await user.register('nora');
    const { root, music } = await folderTree();
    // A list written by an earlier version, which accepted a folder inside a shared one.
    await writeFile(join(user.home, 'config.json'), JSON.stringify({ shares: [root, music] }));
    const daemon = await up(user);
    expect(daemon.output).toMatch(/Published 2 files/);
    const name = basename(root);
    expect(await browsePaths('nora')).toEqual([`${name}/Music/first song.mp3`, `${name}/notes.txt`]);

    const unshared = await user.run(['unshare', music]);
    withNote(unshared.stderr, () => expect(unshared.code).toBe(0));
    await writeFile(join(music, 'second song.mp3'), 'second song bytes');
    await eventually(async () => expect(await browsePaths('nora')).toEqual([`${name}/Music/first song.mp3`, `${name}/Music/second song.mp3`, `${name}/notes.txt`]), 20_000, 300);
  });

  it('follows a running peer through a fold: the files move under the parent and new ones are still seen', async () => {
    const user = await CliUser.create(server.baseUrl);
    await user.register('olga');
    const { root, music } = await folderTree();
    await user.run(['share', music]);
    const daemon = await up(user);
    expect(await browsePaths('olga')).toEqual(['Music/first song.mp3']);

    await user.run(['share', root]);
    const name = basename(root);
    await eventually(async () => expect(await browsePaths('olga')).toEqual([`${name}/Music/first song.mp3`, `${name}/notes.txt`]), 20_000, 300);
    await writeFile(join(music, 'third song.mp3'), 'third song bytes');
    await eventually(async () => expect(await browsePaths('olga')).toContain(`${name}/Music/third song.mp3`), 20_000, 300);
    expect(daemon.output).not.toMatch(/Rescan failed|Watching the shared folders failed/);
  });

  it('does not count files the server refused as served, and says which and why', async () => {
    const api = httpClient(server.baseUrl);
    const admin = (await api.post('/api/v1/auth/login', { username: 'admin', password: ADMIN_PASSWORD })).body.accessToken as string;
    const blocked = await api.post('/api/v1/admin/blocklist', { pattern: '*.exe', reason: 'no executables' }, { token: admin });
    withNote(JSON.stringify(blocked.body), () => expect(blocked.status).toBe(201));

    const user = await CliUser.create(server.baseUrl);
    await user.register('petra');
    const folder = await mkdtemp(join(tmpdir(), 'petra-'));
    await writeFile(join(folder, 'song.mp3'), 'a song');
    await writeFile(join(folder, 'setup.exe'), 'an installer');
    await user.run(['share', folder]);
    const daemon = await up(user);
    expect(daemon.output).toMatch(/Published 1 file; 1 refused: .*setup\.exe \(blocked: no executables\)/);

    const status = await user.run(['status']);
    withNote(status.stdout, () => expect(status.stdout).toMatch(/^Serving: +1 file \(6 B\)/m));
    expect(status.stdout).toMatch(new RegExp(`^Refused: +1 file by the server: ${basename(folder)}/setup\\.exe \\(blocked: no executables\\)$`, 'm'));
    const json = JSON.parse((await user.run(['status', '--json'])).stdout);
    expect(json.peer).toMatchObject({ files: 1, bytes: 6, refused: [{ path: `${basename(folder)}/setup.exe`, reason: 'blocked: no executables' }] });

    // A file added later and refused is counted the same way.
    await writeFile(join(folder, 'other.exe'), 'another installer');
    await eventually(async () => {
      const later = JSON.parse((await user.run(['status', '--json'])).stdout);
      expect(later.peer).toMatchObject({ files: 1, refused: [expect.anything(), expect.anything()] });
    }, 20_000, 300);
    expect(JSON.parse(await readFile(join(user.home, 'config.json'), 'utf8')).shares).toEqual([folder]);
  });
});
