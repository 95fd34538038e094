import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, rmdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PIECE_SIZE } from '#contracts';
import { type PeerFixture, startPeerFixture } from '../apps/peer/src/testing/peer-fixture.js';
import { type TicketAuthority, createTicketAuthority } from '../apps/peer/src/testing/ticket-authority.js';
import { readState } from '../apps/peer/src/transfer/part-file.js';
import { downloadFile } from '../apps/peer/src/transfer/downloader.js';
import { PieceSet } from '../apps/peer/src/transfer/piece-set.js';
import { withNote } from './support/with-note.js';

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/** A small real file system (tmpfs) in a temporary folder; undefined where mounting is not allowed. */
function mountTmpfs(sizeMiB: number): string | undefined {
  const dir = execFileSync('mktemp', ['-d', join(tmpdir(), 'peerdex-small-disk-XXXXXX')]).toString().trim();
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMiB}m`, 'tmpfs', dir], { stdio: 'ignore' });
    return dir;
  } catch {
    execFileSync('rmdir', [dir]);
    return undefined;
  }
}

const probe = mountTmpfs(1);
if (probe) execFileSync('umount', [probe]);
if (probe) execFileSync('rmdir', [probe]);
else process.stderr.write('skipping the disk-full tests: mounting a tmpfs needs root (or CAP_SYS_ADMIN) here\n');
const itWithSmallDisk = probe ? it : it.skip;

/** Writes zeros into `dir` until the file system says it is full. */
function fillUp(path: string): void {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(64 * 1024);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
}

describe('downloading onto a disk that is (or becomes) full', () => {
  let authority: TicketAuthority;
  const mounts: string[] = [];
  const peers: PeerFixture[] = [];

  beforeAll(async () => {
    authority = await createTicketAuthority();
  });
  afterAll(async () => {
    for (const peer of peers) await peer.close();
    for (const dir of mounts) {
      execFileSync('umount', ['-l', dir]);
      await rmdir(dir);
    }
  });

  async function setUp(fileMiB: number, diskMiB: number, rate: number) {
    const content = randomBytes(fileMiB * PIECE_SIZE);
    const peer = await startPeerFixture(authority, { 'data.bin': content }, { uploadBytesPerSecond: rate });
    peers.push(peer);
    const disk = mountTmpfs(diskMiB)!;
    mounts.push(disk);
    const outputDir = await mkdtemp(join(disk, 'downloads-'));
    const hash = sha256(content);
    const input = {
      sha256: hash,
      size: content.length,
      pieceRoot: peer.library.entries()[0]!.pieceRoot!,
      name: 'data.bin',
      sources: [{ sessionId: peer.sessionId, url: peer.url }],
      ticket: await authority.issue({ sha: hash, src: [peer.sessionId], size: content.length }),
      outputDir,
    };
    return { content, peer, disk, outputDir, input };
  }

  itWithSmallDisk('refuses at once, with one clear line, a file larger than the free space', async () => {
    const { peer, outputDir, input } = await setUp(12, 8, 64 * PIECE_SIZE);
    const outcome = await downloadFile(input);
    expect(outcome.ok).toBe(false);
    expect(outcome.reason).toMatch(new RegExp(`^not enough space in ${outputDir}: needs 12 MiB, [\\d.]+ MiB free$`));
    expect(peer.uploads.reduce((sum, upload) => sum + upload.bytesSent, 0)).toBe(0);
    expect(await readdir(outputDir)).toEqual([]);
  });

  // A small file is written on the receiving thread, a large one on the piece-writing thread.
  for (const [fileMiB, diskMiB] of [
    [6, 8],
    [20, 24],
  ] as const) {
    itWithSmallDisk(`fails at once when the disk fills up during a ${fileMiB} MiB download, and resumes once there is room`, async () => {
      const { content, outputDir, disk, input } = await setUp(fileMiB, diskMiB, 4 * PIECE_SIZE);
      const filler = join(disk, 'filler');
      let filled = false;
      const outcome = await downloadFile(input, {
        onProgress: (progress) => {
          if (!filled && progress.bytesDone >= 2 * PIECE_SIZE) {
            filled = true;
            fillUp(filler);
          }
        },
      });
      expect(filled).toBe(true);
      withNote(JSON.stringify(outcome), () => expect(outcome.ok).toBe(false));
      expect(outcome.reason).toMatch(new RegExp(`^not enough space in ${outputDir}: needs [\\d.]+ MiB, [\\d.]+ (Ki|Mi)?B free$`));
      // What was verified stays, with its sidecar, for the next attempt.
      expect((await readdir(outputDir)).sort()).toEqual(['data.bin.part', 'data.bin.part.json']);
      const state = (await readState(join(outputDir, 'data.bin.part.json')))!;
      expect(PieceSet.fromBase64(fileMiB, state.done).count).toBeGreaterThanOrEqual(2);

      await rm(filler);
      const resumed = await downloadFile(input);
      expect(resumed).toMatchObject({ ok: true });
      expect(resumed.resumedBytes).toBeGreaterThanOrEqual(2 * PIECE_SIZE);
      expect(sha256(await readFile(join(outputDir, 'data.bin')))).toBe(sha256(content));
    });
  }
});
