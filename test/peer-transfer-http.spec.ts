import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { request as rawRequest } from 'node:http';
import { utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PIECE_SIZE, PieceListSchema } from '#contracts';
import { pieceRootOf } from '../apps/peer/src/shares/piece-hashes.js';
import { type PeerFixture, startPeerFixture } from '../apps/peer/src/testing/peer-fixture.js';
import { type TicketAuthority, createTicketAuthority } from '../apps/peer/src/testing/ticket-authority.js';
import { eventually } from './support/eventually.js';
import { withNote } from './support/with-note.js';

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/** A request exactly as written, path included: fetch would normalise "..". */
function raw(url: string, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const request = rawRequest({ hostname, port, path, method, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks) }));
    });
    request.on('error', reject);
    request.end();
  });
}

describe('peer HTTP endpoint', () => {
  const content = randomBytes(3 * PIECE_SIZE + 12345);
  const hash = sha256(content);
  let authority: TicketAuthority;
  let peer: PeerFixture;
  let ticket: string;

  beforeAll(async () => {
    authority = await createTicketAuthority();
    peer = await startPeerFixture(authority, { 'album/track.bin': content, 'notes.txt': 'hello' });
    ticket = await authority.issue({ sha: hash, src: [peer.sessionId], size: content.length });
  });
  afterAll(() => peer.close());

  const get = (path: string, headers: Record<string, string> = {}, method = 'GET') => raw(peer.url, path, headers, method);
  const withTicket = (token = ticket, extra: Record<string, string> = {}) => ({ authorization: `Bearer ${token}`, ...extra });

  it('answers the reachability probe without a ticket', async () => {
    const response = await get('/healthz');
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body.toString())).toEqual({ status: 'ok' });
  });

  it('serves the whole file with its validators', async () => {
    const response = await get(`/files/${hash}`, withTicket());
    expect(response.status).toBe(200);
    expect(response.body.equals(content)).toBe(true);
    expect(response.headers['content-length']).toBe(String(content.length));
    expect(response.headers['accept-ranges']).toBe('bytes');
    expect(response.headers.etag).toBe(`"${hash}"`);
  });

  it('serves byte ranges with 206 and Content-Range', async () => {
    const response = await get(`/files/${hash}`, withTicket(ticket, { range: 'bytes=1000-2999' }));
    expect(response.status).toBe(206);
    expect(response.headers['content-range']).toBe(`bytes 1000-2999/${content.length}`);
    expect(response.body.equals(content.subarray(1000, 3000))).toBe(true);

    const suffix = await get(`/files/${hash}`, withTicket(ticket, { range: 'bytes=-100' }));
    expect(suffix.status).toBe(206);
    expect(suffix.body.equals(content.subarray(content.length - 100))).toBe(true);
  });

  it('answers 416 for a range outside the file', async () => {
    const response = await get(`/files/${hash}`, withTicket(ticket, { range: `bytes=${content.length}-` }));
    expect(response.status).toBe(416);
    expect(response.headers['content-range']).toBe(`bytes */${content.length}`);
  });

  it('answers HEAD with headers only', async () => {
    const response = await get(`/files/${hash}`, withTicket(ticket, { range: 'bytes=0-9' }), 'HEAD');
    expect(response.status).toBe(206);
    expect(response.headers['content-length']).toBe('10');
    expect(response.body.length).toBe(0);
  });

  it('serves the piece list, whose root matches the published one', async () => {
    const response = await get(`/files/${hash}/pieces`, withTicket());
    expect(response.status).toBe(200);
    const list = PieceListSchema.parse(JSON.parse(response.body.toString()));
    expect(list).toMatchObject({ sha256: hash, size: content.length, pieceSize: PIECE_SIZE });
    expect(list.pieces).toHaveLength(4);
    const published = peer.library.entries().find((entry) => entry.sha256 === hash)!;
    expect(pieceRootOf(list.pieces.map((leaf) => Buffer.from(leaf, 'hex')))).toBe(published.pieceRoot);
  });

  it('refuses requests without a valid, current ticket for this file and this peer', async () => {
    expect((await get(`/files/${hash}`)).status).toBe(401);
    expect((await get(`/files/${hash}`, withTicket('not-a-jwt'))).status).toBe(401);

    const expired = await authority.issue({ sha: hash, src: [peer.sessionId], iat: 1_000, exp: 2_000 });
    const expiredResponse = await get(`/files/${hash}`, withTicket(expired));
    expect(expiredResponse.status).toBe(401);
    expect(JSON.parse(expiredResponse.body.toString())).toMatchObject({ statusCode: 401, message: 'the ticket has expired' });

    const otherFile = await authority.issue({ sha: sha256(Buffer.from('hello')), src: [peer.sessionId] });
    expect((await get(`/files/${hash}`, withTicket(otherFile))).status).toBe(403);

    const otherSource = await authority.issue({ sha: hash, src: [randomUUID()] });
    expect((await get(`/files/${hash}`, withTicket(otherSource))).status).toBe(403);
    expect((await get(`/files/${hash}/pieces`, withTicket(otherSource))).status).toBe(403);

    const stranger = await createTicketAuthority();
    const forged = await stranger.issue({ sha: hash, src: [peer.sessionId] });
    expect((await get(`/files/${hash}`, withTicket(forged))).status).toBe(401);
  });

  it('keeps serving tickets that name its previous session for a grace period, not longer', async () => {
    const sessions = { current: randomUUID() as string | undefined };
    const first = sessions.current!;
    const local = await startPeerFixture(authority, { 'a.txt': 'restart' }, { sessionId: () => sessions.current, sessionGraceMs: 1_500 });
    try {
      const sha = sha256(Buffer.from('restart'));
      const old = await authority.issue({ sha, src: [first] });
      expect((await raw(local.url, `/files/${sha}`, withTicket(old))).status).toBe(200);
      // The server went away: no session at all for a moment, then a new one.
      sessions.current = undefined;
      expect((await raw(local.url, `/files/${sha}`, withTicket(old))).status).toBe(200);
      sessions.current = randomUUID();
      expect((await raw(local.url, `/files/${sha}`, withTicket(old))).status).toBe(200);
      expect((await raw(local.url, `/files/${sha}`, withTicket(await authority.issue({ sha, src: [sessions.current] })))).status).toBe(200);
      // A session this peer never had is refused as before; the old one once its grace is over.
      expect((await raw(local.url, `/files/${sha}`, withTicket(await authority.issue({ sha, src: [randomUUID()] })))).status).toBe(403);
      await eventually(async () => expect((await raw(local.url, `/files/${sha}`, withTicket(old))).status).toBe(403));
    } finally {
      await local.close();
    }
  });

  it('accepts tickets signed with a rotated key after refreshing the key set', async () => {
    const rotating = await createTicketAuthority();
    const local = await startPeerFixture(rotating, { 'a.txt': 'rotation' });
    try {
      const sha = sha256(Buffer.from('rotation'));
      const before = await rotating.issue({ sha, src: [local.sessionId] });
      expect((await raw(local.url, `/files/${sha}`, withTicket(before))).status).toBe(200);
      await rotating.rotate();
      const after = await rotating.issue({ sha, src: [local.sessionId] });
      expect((await raw(local.url, `/files/${sha}`, withTicket(after))).status).toBe(200);
    } finally {
      await local.close();
    }
  });

  it('answers 404 to anything that is not exactly a SHA-256, whatever the path tricks', async () => {
    for (const path of [
      '/files/../../etc/passwd',
      '/files/%2e%2e/%2e%2e/etc/passwd',
      `/files/..%2F..%2Fetc%2Fpasswd`,
      `/files/${hash.slice(0, 63)}`,
      `/files/${hash}0`,
      `/files/${hash}%2F..`,
      `/files/${hash}/../${hash}`,
      '/files/album%2Ftrack.bin',
      '/shared/album/track.bin',
    ]) {
      const response = await get(path, withTicket());
      withNote(path, () => expect(response.status).toBe(404));
    }
  });

  it('answers 404 for a valid ticket to a file this peer does not share', async () => {
    const absent = sha256(randomBytes(10));
    const token = await authority.issue({ sha: absent, src: [peer.sessionId] });
    expect((await get(`/files/${absent}`, withTicket(token))).status).toBe(404);
  });

  it('never serves a file edited after hashing under its old hash', async () => {
    const original = Buffer.from('version one of the notes');
    const local = await startPeerFixture(authority, { 'doc.txt': original });
    try {
      const oldHash = sha256(original);
      const token = await authority.issue({ sha: oldHash, src: [local.sessionId] });
      // Same size, new bytes, new mtime: only the descriptor's stat can tell.
      const path = join(local.shareDir, 'doc.txt');
      await writeFile(path, Buffer.from('version two of the notes'));
      await utimes(path, new Date(), new Date(Date.now() + 5_000));
      const response = await raw(local.url, `/files/${oldHash}`, withTicket(token));
      expect(response.status).toBe(409);
      expect(local.staleReports.map((entry) => entry.absolutePath)).toEqual([path]);

      // The owner re-hashes; the new content is served under its new hash only.
      const refresh = await local.library.refreshFile(path);
      expect(refresh.removed?.sha256).toBe(oldHash);
      expect(refresh.added?.sha256).toBe(sha256(Buffer.from('version two of the notes')));
      expect((await raw(local.url, `/files/${oldHash}`, withTicket(token))).status).toBe(404);
    } finally {
      await local.close();
    }
  });

  it('answers 503 with Retry-After when every upload slot is taken', async () => {
    const big = randomBytes(4 * PIECE_SIZE);
    const bigHash = sha256(big);
    const throttled = await startPeerFixture(authority, { 'big.bin': big }, { uploadSlots: 1, uploadBytesPerSecond: 256 * 1024, retryAfterSeconds: 7 });
    try {
      const first = await authority.issue({ sha: bigHash, src: [throttled.sessionId] });
      const second = await authority.issue({ sha: bigHash, src: [throttled.sessionId] });
      const slow = raw(throttled.url, `/files/${bigHash}`, withTicket(first, { range: 'bytes=0-262143' }));
      await new Promise((resolve) => setTimeout(resolve, 200));
      // The same downloader's parallel ranges share its slot; another downloader waits.
      const sameTicket = await raw(throttled.url, `/files/${bigHash}`, withTicket(first, { range: 'bytes=0-9' }));
      expect(sameTicket.status).toBe(206);
      const refused = await raw(throttled.url, `/files/${bigHash}`, withTicket(second, { range: 'bytes=0-9' }));
      expect(refused.status).toBe(503);
      expect(refused.headers['retry-after']).toBe('7');
      expect((await slow).status).toBe(206);
      const afterwards = await raw(throttled.url, `/files/${bigHash}`, withTicket(second, { range: 'bytes=0-9' }));
      expect(afterwards.status).toBe(206);
    } finally {
      await throttled.close();
    }
  });

  it('limits the upload rate', async () => {
    const data = randomBytes(1024 * 1024);
    const limited = await startPeerFixture(authority, { 'data.bin': data }, { uploadBytesPerSecond: 2 * 1024 * 1024 });
    try {
      const token = await authority.issue({ sha: sha256(data), src: [limited.sessionId] });
      const started = performance.now();
      const response = await raw(limited.url, `/files/${sha256(data)}`, withTicket(token));
      const seconds = (performance.now() - started) / 1000;
      expect(response.body.equals(data)).toBe(true);
      // 1 MiB at 2 MiB/s: about half a second, never much faster.
      expect(seconds).toBeGreaterThan(0.4);
    } finally {
      await limited.close();
    }
  });

  it('serves an empty file', async () => {
    const empty = await startPeerFixture(authority, { 'empty.txt': '' });
    try {
      const emptyHash = sha256(Buffer.alloc(0));
      const token = await authority.issue({ sha: emptyHash, src: [empty.sessionId] });
      const response = await raw(empty.url, `/files/${emptyHash}`, withTicket(token));
      expect(response.status).toBe(200);
      expect(response.headers['content-length']).toBe('0');
      const pieces = JSON.parse((await raw(empty.url, `/files/${emptyHash}/pieces`, withTicket(token))).body.toString());
      expect(pieces.pieces).toEqual([]);
    } finally {
      await empty.close();
    }
  });
});
