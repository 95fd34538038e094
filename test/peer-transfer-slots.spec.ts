import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PIECE_SIZE } from '#contracts';
import { type PeerFixture, startPeerFixture } from '../apps/peer/src/testing/peer-fixture.js';
import { type TicketAuthority, createTicketAuthority } from '../apps/peer/src/testing/ticket-authority.js';
import { eventually } from './support/eventually.js';
import { openSocket, rawHttp } from './support/raw-http.js';
import { itWithTool, runTool } from './support/tools.js';
import { withNote } from './support/with-note.js';

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/** Upload slots must come back however a downloader goes away: hung up early, stopped reading. */
describe('upload slots', () => {
  const content = randomBytes(8 * PIECE_SIZE);
  const hash = sha256(content);
  let authority: TicketAuthority;
  let workDir: string;

  beforeAll(async () => {
    authority = await createTicketAuthority();
    workDir = await mkdtemp(join(tmpdir(), 'peerdex-slots-'));
  });
  afterAll(() => rm(workDir, { recursive: true, force: true }));

  const ticketFor = (peer: PeerFixture) => authority.issue({ sha: hash, src: [peer.sessionId], size: content.length });
  const getRange = (peer: PeerFixture, ticket: string) =>
    rawHttp(peer.url, [`GET /files/${hash} HTTP/1.1`, 'Host: peer', `Authorization: Bearer ${ticket}`, 'Range: bytes=0-9']);

  /** A downloader that sends its request and hangs up at once, before any answer. */
  function requestAndHangUp(peer: PeerFixture, ticket: string): Promise<void> {
    const socket = openSocket(peer.url);
    return new Promise((resolve) => {
      socket.once('connect', () => {
        socket.write(`GET /files/${hash} HTTP/1.1\r\nHost: peer\r\nAuthorization: Bearer ${ticket}\r\n\r\n`, () => socket.destroy());
      });
      socket.once('close', () => resolve());
      socket.once('error', () => undefined);
    });
  }

  it('gives a slot back when the downloader hangs up before the response starts', async () => {
    const peer = await startPeerFixture(authority, { 'big.bin': content }, { uploadSlots: 4 });
    try {
      const tickets = await Promise.all([1, 2, 3, 4].map(() => ticketFor(peer)));
      for (let round = 0; round < 5; round++) await Promise.all(tickets.map((ticket) => requestAndHangUp(peer, ticket)));
      // Every request has been dealt with (none went out whole), and no slot stayed taken.
      await eventually(() => expect(peer.uploads).toHaveLength(20));
      expect(peer.uploads.every((upload) => upload.result === 'interrupted')).toBe(true);
      expect(peer.server.slots.inUse).toBe(0);
      const response = await getRange(peer, await ticketFor(peer));
      withNote(response.body.toString(), () => expect(response.status).toBe(206));
    } finally {
      await peer.close();
    }
  });

  itWithTool('aria2c', 'aria2')('serves `aria2c -x4 -s4` and has every slot free afterwards', async () => {
    const peer = await startPeerFixture(authority, { 'big.bin': content }, { uploadSlots: 4 });
    try {
      for (let run = 0; run < 3; run++) {
        const dir = await mkdtemp(join(workDir, 'aria2-'));
        const ticket = await ticketFor(peer);
        const result = await runTool(
          'aria2c',
          ['-q', '-x4', '-s4', '-k1M', '--allow-overwrite=true', '--auto-file-renaming=false', '--header', `Authorization: Bearer ${ticket}`, '-d', dir, '-o', 'big.bin', `${peer.url}/files/${hash}`],
          { timeoutMs: 60_000 },
        );
        withNote(result.stdout + result.stderr, () => expect(result.code).toBe(0));
        expect(sha256(await readFile(join(dir, 'big.bin')))).toBe(hash);
      }
      await eventually(() => expect(peer.server.slots.inUse).toBe(0));
      const response = await getRange(peer, await ticketFor(peer));
      expect(response.status).toBe(206);
    } finally {
      await peer.close();
    }
  });

  it('takes the slots back from downloaders that stop reading (write and idle timeouts)', async () => {
    // Large enough that the socket buffers cannot take the whole file.
    const large = randomBytes(48 * PIECE_SIZE);
    const largeHash = sha256(large);
    const peer = await startPeerFixture(authority, { 'large.bin': large }, { uploadSlots: 4, idleTimeoutMs: 1_000, writeTimeoutMs: 1_500, retryAfterSeconds: 1 });
    const sockets = [] as ReturnType<typeof openSocket>[];
    try {
      for (let index = 0; index < 4; index++) {
        const ticket = await authority.issue({ sha: largeHash, src: [peer.sessionId], size: large.length });
        const socket = openSocket(peer.url);
        socket.once('error', () => undefined);
        socket.write(`GET /files/${largeHash} HTTP/1.1\r\nHost: peer\r\nAuthorization: Bearer ${ticket}\r\n\r\n`);
        socket.pause(); // never reads a byte of the answer
        sockets.push(socket);
      }
      await eventually(() => expect(peer.server.slots.inUse).toBe(4));
      const fresh = await authority.issue({ sha: largeHash, src: [peer.sessionId], size: large.length });
      const busy = await rawHttp(peer.url, [`GET /files/${largeHash} HTTP/1.1`, 'Host: peer', `Authorization: Bearer ${fresh}`, 'Range: bytes=0-9']);
      expect(busy.status).toBe(503);
      await eventually(() => expect(peer.server.slots.inUse).toBe(0), 20_000);
      const served = await rawHttp(peer.url, [`GET /files/${largeHash} HTTP/1.1`, 'Host: peer', `Authorization: Bearer ${fresh}`, 'Range: bytes=0-9']);
      expect(served.status).toBe(206);
      expect(served.body.equals(large.subarray(0, 10))).toBe(true);
    } finally {
      for (const socket of sockets) socket.destroy();
      await peer.close();
    }
  });
});
