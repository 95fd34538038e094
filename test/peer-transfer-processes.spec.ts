import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PIECE_SIZE } from '#contracts';
import { hashFile } from '../apps/peer/src/shares/hash-file.js';
import { type PeerFixture, startPeerFixture } from '../apps/peer/src/testing/peer-fixture.js';
import { STANDALONE_PEER, startPeerProcess } from '../apps/peer/src/testing/peer-process.js';
import { type TicketAuthority, createTicketAuthority } from '../apps/peer/src/testing/ticket-authority.js';
import { downloadFile } from '../apps/peer/src/transfer/downloader.js';

describe('downloads between peer processes', () => {
  const content = randomBytes(24 * PIECE_SIZE);
  const hash = createHash('sha256').update(content).digest('hex');
  let root: string;
  let authority: TicketAuthority;
  let keysFile: string;
  let local: PeerFixture;

  beforeAll(async () => {
    if (!existsSync(STANDALONE_PEER)) throw new Error('run `npm run build` first: this test starts the built peer');
    root = await mkdtemp(join(tmpdir(), 'peerdex-processes-'));
    authority = await createTicketAuthority();
    keysFile = join(root, 'ticket-keys.json');
    await writeFile(keysFile, JSON.stringify(authority.jwks));
    local = await startPeerFixture(authority, { 'file.bin': content }, { uploadBytesPerSecond: 8 * PIECE_SIZE });
  });
  afterAll(async () => {
    await local?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('finishes from the remaining source when a source process is killed mid-way', async () => {
    const share = join(root, 'remote-share');
    await mkdir(share);
    await writeFile(join(share, 'file.bin'), content);
    const remoteSession = randomUUID();
    const remote = await startPeerProcess({ shares: [share], stateDir: join(root, 'remote-state'), keysFile, sessionId: remoteSession, rateBytesPerSecond: 8 * PIECE_SIZE });
    try {
      const { pieceRoot } = await hashFile(join(share, 'file.bin'));
      let killed: Promise<void> | undefined;
      let doneAtKill = 0;
      const outcome = await downloadFile(
        {
          sha256: hash,
          size: content.length,
          pieceRoot,
          name: 'file.bin',
          sources: [
            { sessionId: remoteSession, url: remote.url },
            { sessionId: local.sessionId, url: local.url },
          ],
          ticket: await authority.issue({ sha: hash, src: [remoteSession, local.sessionId] }),
          outputDir: join(root, 'downloads'),
        },
        {
          piecesPerRequest: 2,
          onProgress: (progress) => {
            if (!killed && progress.bytesDone >= 6 * PIECE_SIZE) {
              doneAtKill = progress.bytesDone;
              killed = remote.kill();
            }
          },
        },
      );
      await killed;
      expect(killed).toBeDefined();
      expect(remote.child.signalCode).toBe('SIGKILL');
      expect(doneAtKill).toBeLessThan(content.length);
      expect(outcome).toMatchObject({ ok: true, bytes: content.length, badSources: [] });
      expect(outcome.sourcesUsed).toContain(local.sessionId);
      expect((await readFile(outcome.path!)).equals(content)).toBe(true);
    } finally {
      await remote.kill();
    }
  });
});
