import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FileEntrySchema, PIECE_SIZE } from '#contracts';
import { HASH_CACHE_FILE } from '../apps/peer/src/shares/hash-cache.js';
import { type FileHashes, hashFile } from '../apps/peer/src/shares/hash-file.js';
import { ShareLibrary } from '../apps/peer/src/shares/share-library.js';

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/** The piece root computed the slow, obvious way, independently of the streaming hasher. */
function expectedPieceRoot(data: Buffer): string {
  const leaves: Buffer[] = [];
  for (let start = 0; start < data.length; start += PIECE_SIZE) leaves.push(createHash('sha256').update(data.subarray(start, start + PIECE_SIZE)).digest());
  return sha256(Buffer.concat(leaves));
}

describe('share scanning, hashing and the hash cache', () => {
  let root: string;
  let music: string;
  let otherMusic: string;
  const big = randomBytes(50 * 1000 * 1000);
  const song = randomBytes(PIECE_SIZE + 1);

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'peerdex-shares-'));
    music = join(root, 'a', 'Music');
    otherMusic = join(root, 'b', 'Music');
    await mkdir(join(music, 'Björk', 'Homogenic (1997)'), { recursive: true });
    await writeFile(join(music, 'Björk', 'Homogenic (1997)', '01 — Hunter.mp3'), song);
    await writeFile(join(music, '日本語の曲.flac'), 'non-ascii name');
    await writeFile(join(music, 'empty.txt'), '');
    await writeFile(join(music, 'big.bin'), big);
    await writeFile(join(music, 'inside-target.txt'), 'reached through a link');
    await symlink(join(music, 'inside-target.txt'), join(music, 'link-inside.txt'));
    await writeFile(join(root, 'secret.txt'), 'outside every share');
    await symlink(join(root, 'secret.txt'), join(music, 'link-outside.txt'));
    await symlink(root, join(music, 'dir-link-outside'));
    await symlink(music, join(music, 'Björk', 'loop'));
    execFileSync('mkfifo', [join(music, 'a-fifo')]);
    // An unfinished download in a shared folder is not shared.
    await writeFile(join(music, 'incoming.mp3.part'), 'half');
    await writeFile(join(music, 'incoming.mp3.part.json'), '{}');
    await mkdir(otherMusic, { recursive: true });
    await writeFile(join(otherMusic, 'same-name-folder.ogg'), 'second Music folder');
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('hashes a file in one pass: whole SHA-256, piece digests and root', async () => {
    const hashes = await hashFile(join(music, 'big.bin'));
    expect(hashes.sha256).toBe(sha256(big));
    expect(hashes.pieces).toHaveLength(Math.ceil(big.length / PIECE_SIZE));
    expect(hashes.pieceRoot).toBe(expectedPieceRoot(big));
    const empty = await hashFile(join(music, 'empty.txt'));
    expect(empty).toMatchObject({ sha256: sha256(Buffer.alloc(0)), pieceRoot: sha256(Buffer.alloc(0)), pieces: [], size: 0 });
  });

  it('publishes folder-name paths, keeps same-named folders apart, and skips what must not be shared', async () => {
    const library = await ShareLibrary.open({ folders: [music, otherMusic], stateDir: join(root, 'state-publish') });
    const report = await library.scan();
    const paths = report.entries.map((entry) => entry.path).sort();
    expect(paths).toEqual(
      [
        'Music (2)/same-name-folder.ogg',
        'Music/Björk/Homogenic (1997)/01 — Hunter.mp3',
        'Music/big.bin',
        'Music/empty.txt',
        'Music/inside-target.txt',
        'Music/link-inside.txt',
        'Music/日本語の曲.flac',
      ].sort(),
    );
    for (const entry of report.entries) expect(FileEntrySchema.safeParse(entry).success).toBe(true);
    const hunter = report.entries.find((entry) => entry.path.endsWith('Hunter.mp3'))!;
    expect(hunter).toMatchObject({ size: song.length, sha256: sha256(song), pieceRoot: expectedPieceRoot(song) });
    const skippedReasons = Object.fromEntries(report.skipped.map((skip) => [skip.absolutePath.slice(music.length + 1), skip.reason]));
    expect(skippedReasons['link-outside.txt']).toMatch(/outside the shared folder/);
    expect(skippedReasons['dir-link-outside']).toMatch(/outside the shared folder/);
    expect(skippedReasons['a-fifo']).toMatch(/not a regular file/);
    // The link back to the share's root ends there instead of looping.
    expect(paths.some((path) => path.includes('secret') || path.includes('.part') || path.includes('loop'))).toBe(false);
    expect(library.catalogue.lookup(sha256(big))?.absolutePath).toBe(join(music, 'big.bin'));
  });

  it('never hashes an unchanged file twice, across restarts', async () => {
    const stateDir = join(root, 'state-cache');
    const hashed: string[] = [];
    const counting = (path: string): Promise<FileHashes> => {
      hashed.push(path);
      return hashFile(path);
    };
    const first = await (await ShareLibrary.open({ folders: [music], stateDir, hash: counting })).scan();
    expect(first.hashed).toBe(first.entries.length);
    expect(hashed).toHaveLength(first.entries.length);

    hashed.length = 0;
    const restarted = await ShareLibrary.open({ folders: [music], stateDir, hash: counting });
    const second = await restarted.scan();
    expect(hashed).toEqual([]);
    expect(second).toMatchObject({ hashed: 0, fromCache: first.entries.length });
    expect(second.entries).toEqual(first.entries);

    // Only the file that changed is hashed again.
    const changed = join(music, '日本語の曲.flac');
    await writeFile(changed, 'new content for the non-ascii file');
    await utimes(changed, new Date(), new Date(Date.now() + 10_000));
    const third = await restarted.scan();
    expect(hashed).toEqual([changed]);
    expect(third.hashed).toBe(1);
  });

  it('survives a damaged cache file by hashing again', async () => {
    const stateDir = join(root, 'state-damaged');
    await mkdir(stateDir, { recursive: true });
    await writeFile(join(stateDir, HASH_CACHE_FILE), '{"version":1,"entries":{"/x":');
    const report = await (await ShareLibrary.open({ folders: [otherMusic], stateDir })).scan();
    expect(report).toMatchObject({ hashed: 1, fromCache: 0 });
    const again = await (await ShareLibrary.open({ folders: [otherMusic], stateDir })).scan();
    expect(again).toMatchObject({ hashed: 0, fromCache: 1 });
  });

  it('reports a missing shared folder instead of failing the scan', async () => {
    const library = await ShareLibrary.open({ folders: [join(root, 'nope'), otherMusic], stateDir: join(root, 'state-missing') });
    const report = await library.scan();
    expect(report.entries.map((entry) => entry.path)).toEqual(['Music/same-name-folder.ogg']);
    expect(report.skipped[0]!.reason).toMatch(/shared folder unusable/);
  });
});
