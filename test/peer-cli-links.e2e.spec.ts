import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { buildPeerdexLink, parsePeerdexLink } from '#contracts';
import { CliUser, type CliResult, type RunningCommand, startServerForCli } from './support/peer-cli.js';
import type { ServerProcess } from './support/server-process.js';
import { withNote } from './support/with-note.js';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** A usage error as `peerdex` reports it: exit code 2 and one line on stderr saying what is wrong. */
function expectUsageError(result: CliResult, message: string): void {
  withNote(JSON.stringify(result), () => expect(result.code).toBe(2));
  expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(result.stderr).toContain(message);
}

/** `peerdex link`, and `peerdex get` with a peerdex: link or a .peerdex manifest, between real processes. */
describe('links and manifests from the command line', () => {
  jest.setTimeout(120_000);
  let server: ServerProcess;
  let alice: CliUser, bob: CliUser;
  let aliceUp: RunningCommand;
  const song = randomBytes(3 * 1024 * 1024 + 17);
  const songHash = sha256(song);

  beforeAll(async () => {
    server = await startServerForCli();
    [alice, bob] = await Promise.all([CliUser.create(server.baseUrl), CliUser.create(server.baseUrl)]);
    await alice.register('alice');
    await bob.register('bob');
    const share = await mkdtemp(join(tmpdir(), 'alice-links-'));
    await writeFile(join(share, 'Beyoncé – Halo.flac'), song);
    await alice.run(['share', share]);
    aliceUp = alice.spawn(['up', '--port', '0', '--host', '127.0.0.1']);
    await aliceUp.waitFor(/Published 1 file/);
  });

  afterAll(async () => {
    await aliceUp?.stop();
    await server?.stop();
  });

  async function linkOf(hash: string): Promise<string> {
    const result = await bob.run(['link', hash]);
    withNote(JSON.stringify(result), () => expect(result.code).toBe(0));
    return result.stdout.trim();
  }

  it('prints the link of a file: its hash, name, size and this server', async () => {
    const link = await linkOf(songHash);
    expect(parsePeerdexLink(link)).toEqual({ ok: true, link: { sha256: songHash, name: 'Beyoncé – Halo.flac', size: song.length, server: server.baseUrl } });
    const json = JSON.parse((await bob.run(['link', songHash, '--json'])).stdout);
    expect(json).toMatchObject({ link, page: `${server.baseUrl}/f/${songHash}`, manifest: { sha256: songHash, version: 1 } });
  });

  it('prints the link of a result number from the last search, and says when no online peer shares a hash', async () => {
    const search = await bob.run(['search', 'halo']);
    withNote(JSON.stringify(search), () => expect(search.code).toBe(0));
    expect(await linkOf('1')).toBe(await linkOf(songHash));
    const unknown = await bob.run(['link', sha256(Buffer.from('nobody shares this'))]);
    withNote(JSON.stringify(unknown), () => expect(unknown.code).toBe(1));
    expect(unknown.stderr).toBe(`peerdex: No online peer shares ${sha256(Buffer.from('nobody shares this'))}\n`);
  });

  it('downloads from a peerdex: link', async () => {
    const out = await mkdtemp(join(tmpdir(), 'bob-from-link-'));
    const result = await bob.run(['get', await linkOf(songHash), '--out', out]);
    withNote(JSON.stringify(result), () => expect(result.code).toBe(0));
    expect(sha256(await readFile(join(out, 'Beyoncé – Halo.flac')))).toBe(songHash);
  });

  it('downloads from a saved .peerdex manifest, by path and by file:// URL as a desktop passes it', async () => {
    const response = await fetch(`${server.baseUrl}/api/v1/files/${songHash}/manifest`);
    const saved = join(await mkdtemp(join(tmpdir(), 'bob-manifests-')), 'Beyoncé – Halo.flac.peerdex');
    await writeFile(saved, Buffer.from(await response.arrayBuffer()));
    for (const argument of [saved, pathToFileURL(saved).href]) {
      const out = await mkdtemp(join(tmpdir(), 'bob-from-manifest-'));
      const result = await bob.run(['get', argument, '--out', out]);
      withNote(`${argument}: ${JSON.stringify(result)}`, () => expect(result.code).toBe(0));
      expect(sha256(await readFile(join(out, 'Beyoncé – Halo.flac')))).toBe(songHash);
    }
  });

  it('refuses a link with a hash of the wrong length', async () => {
    const link = buildPeerdexLink({ sha256: songHash, name: 'x.flac' }).replace(songHash, songHash.slice(0, 40));
    expectUsageError(await bob.run(['get', link]), 'not a valid peerdex: link: the hash must be 64 hexadecimal digits (got 40 characters');
  });

  it('refuses a link for another server, naming the option that would follow it', async () => {
    const link = buildPeerdexLink({ sha256: songHash, size: song.length, server: 'https://elsewhere.example.org' });
    expectUsageError(
      await bob.run(['get', link]),
      `this link is for the server https://elsewhere.example.org, but peerdex uses ${server.baseUrl}; to follow it, run: peerdex --server https://elsewhere.example.org get`,
    );
  });

  it('refuses a link whose size differs from the one the server knows', async () => {
    const link = buildPeerdexLink({ sha256: songHash, size: 999, server: server.baseUrl });
    expectUsageError(await bob.run(['get', link]), `this link says the file has 999 B (999 bytes) but the server knows it with 3 MiB (${song.length} bytes)`);
  });

  it('refuses an altered or broken manifest', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bob-bad-manifests-'));
    const good = (await (await fetch(`${server.baseUrl}/api/v1/files/${songHash}/manifest`)).json()) as { size: number };
    const altered = join(dir, 'altered.peerdex');
    await writeFile(altered, JSON.stringify({ ...good, size: good.size + 1 }));
    expectUsageError(await bob.run(['get', altered]), 'this manifest says the file has');
    const notJson = join(dir, 'not-json.peerdex');
    await writeFile(notJson, 'peerdex!');
    expectUsageError(await bob.run(['get', notJson]), `${notJson} is not a .peerdex manifest: it is not JSON`);
    const newer = join(dir, 'newer.peerdex');
    await writeFile(newer, JSON.stringify({ ...good, version: 2 }));
    expectUsageError(await bob.run(['get', newer]), 'version: is newer than this peerdex reads (it reads version 1): update peerdex');
    expectUsageError(await bob.run(['get', join(dir, 'missing.peerdex')]), `no manifest file at ${join(dir, 'missing.peerdex')}`);
  });
});
