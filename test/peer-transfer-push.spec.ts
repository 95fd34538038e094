import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { request as rawRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PEER_PATHS, PIECE_SIZE } from '#contracts';
import { pushFile } from '../apps/peer/src/http/push-upload.js';
import { type PeerFixture, startPeerFixture } from '../apps/peer/src/testing/peer-fixture.js';
import { type TicketAuthority, createTicketAuthority } from '../apps/peer/src/testing/ticket-authority.js';
import { eventually } from './support/eventually.js';

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

function put(url: string, path: string, body: Buffer, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const request = rawRequest({ hostname, port, path, method: 'PUT', headers: { 'content-length': String(body.length), ...headers } }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode!, body: text }));
    });
    // A receiver that refuses early may close before reading the body.
    request.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error)));
    request.end(body);
  });
}

describe('push delivery (firewalled uploader → reachable downloader)', () => {
  const content = randomBytes(5 * PIECE_SIZE + 99);
  const hash = sha256(content);
  let authority: TicketAuthority;
  let uploader: PeerFixture;
  let receiver: PeerFixture;
  let outputDir: string;
  let pieceRoot: string;

  beforeAll(async () => {
    authority = await createTicketAuthority();
    uploader = await startPeerFixture(authority, { 'music/ünïcode song.flac': content });
    receiver = await startPeerFixture(authority, {});
    outputDir = await mkdtemp(join(tmpdir(), 'peerdex-push-'));
    pieceRoot = uploader.library.entries()[0]!.pieceRoot!;
  });
  afterAll(async () => {
    await uploader.close();
    await receiver.close();
    await rm(outputDir, { recursive: true, force: true });
  });

  async function pushTicket(overrides: Record<string, unknown> = {}) {
    const jti = randomUUID();
    const ticket = await authority.issue({ jti, sha: hash, src: [uploader.sessionId], push: receiver.sessionId, size: content.length, ...overrides });
    return { jti, ticket, targetUrl: `${receiver.url}${PEER_PATHS.push(jti)}` };
  }

  it('delivers the file end to end and completes it like a pulled download', async () => {
    const { jti, ticket, targetUrl } = await pushTicket();
    const dir = await mkdtemp(join(outputDir, 'ok-'));
    const outcome = receiver.server.pushes.expect({ ticketId: jti, sha256: hash, size: content.length, pieceRoot, name: 'ünïcode song.flac', outputDir: dir });
    const result = await pushFile({ ticket, targetUrl, sha256: hash }, { catalogue: uploader.library.catalogue, slots: uploader.server.slots });
    expect(result).toMatchObject({ ok: true, status: 204, bytes: content.length });
    expect(await outcome).toMatchObject({ ok: true, bytes: content.length, sha256: hash, sourcesUsed: [uploader.sessionId], badSources: [] });
    expect(await readdir(dir)).toEqual(['ünïcode song.flac']);
    expect((await readFile(join(dir, 'ünïcode song.flac'))).equals(content)).toBe(true);
    expect(receiver.server.pushes.isExpected(jti)).toBe(false);
  });

  it('answers 404 to a push nobody expects', async () => {
    const { jti, ticket } = await pushTicket();
    expect((await put(receiver.url, PEER_PATHS.push(jti), content, { authorization: `Bearer ${ticket}` })).status).toBe(404);
    expect((await put(receiver.url, '/push/..%2F..%2Fetc', content, { authorization: `Bearer ${ticket}` })).status).toBe(404);
  });

  it('refuses bad tickets with 401 and tickets for someone else with 403', async () => {
    const { jti, ticket } = await pushTicket();
    const dir = await mkdtemp(join(outputDir, 'refused-'));
    const outcome = receiver.server.pushes.expect({ ticketId: jti, sha256: hash, size: content.length, pieceRoot, name: 'x.flac', outputDir: dir, idleTimeoutMs: 60_000 });
    const path = PEER_PATHS.push(jti);
    expect((await put(receiver.url, path, content, {})).status).toBe(401);
    expect((await put(receiver.url, path, content, { authorization: 'Bearer nonsense' })).status).toBe(401);
    const forOtherReceiver = await authority.issue({ jti, sha: hash, src: [uploader.sessionId], push: randomUUID() });
    expect((await put(receiver.url, path, content, { authorization: `Bearer ${forOtherReceiver}` })).status).toBe(403);
    const otherId = await authority.issue({ sha: hash, src: [uploader.sessionId], push: receiver.sessionId });
    expect((await put(receiver.url, path, content, { authorization: `Bearer ${otherId}` })).status).toBe(403);
    const wrongLength = await put(receiver.url, path, content.subarray(1), { authorization: `Bearer ${ticket}` });
    expect(wrongLength.status).toBe(400);
    // Still expected after refusals: the rightful uploader can deliver.
    expect(receiver.server.pushes.isExpected(jti)).toBe(true);
    receiver.server.pushes.cancel(jti);
    expect(await outcome).toMatchObject({ ok: false, reason: 'cancelled' });
    expect(await readdir(dir)).toEqual([]);
  });

  it('discards a push whose bytes fail verification and blames the uploader', async () => {
    const { jti, ticket } = await pushTicket();
    const dir = await mkdtemp(join(outputDir, 'bad-'));
    const outcome = receiver.server.pushes.expect({ ticketId: jti, sha256: hash, size: content.length, pieceRoot, name: 'x.flac', outputDir: dir });
    const wrong = Buffer.from(content);
    wrong[PIECE_SIZE + 1]! ^= 1;
    const response = await put(receiver.url, PEER_PATHS.push(jti), wrong, { authorization: `Bearer ${ticket}` });
    expect(response.status).toBe(422);
    expect(await outcome).toMatchObject({ ok: false, badSources: [uploader.sessionId] });
    expect(await readdir(dir)).toEqual([]);
  });

  it('keeps expecting a push cut off half-way, and completes when the uploader tries again', async () => {
    const { jti, ticket, targetUrl } = await pushTicket();
    const dir = await mkdtemp(join(outputDir, 'retry-'));
    const outcome = receiver.server.pushes.expect({ ticketId: jti, sha256: hash, size: content.length, pieceRoot, name: 'retry.flac', outputDir: dir });
    const { hostname, port } = new URL(receiver.url);
    await new Promise<void>((resolve) => {
      const request = rawRequest({ hostname, port, path: PEER_PATHS.push(jti), method: 'PUT', headers: { authorization: `Bearer ${ticket}`, 'content-length': String(content.length) } });
      request.on('error', () => resolve());
      request.write(content.subarray(0, 2 * PIECE_SIZE), () => setTimeout(() => request.destroy(), 100));
      request.on('close', () => resolve());
    });
    await eventually(() => expect(receiver.server.pushes.receiving).toBe(0));
    expect(receiver.server.pushes.isExpected(jti)).toBe(true);
    const result = await pushFile({ ticket, targetUrl, sha256: hash }, { catalogue: uploader.library.catalogue, slots: uploader.server.slots });
    expect(result.ok).toBe(true);
    expect(await outcome).toMatchObject({ ok: true, path: join(dir, 'retry.flac') });
    expect((await readFile(join(dir, 'retry.flac'))).equals(content)).toBe(true);
  });

  it('answers a push of a file the downloader already has without storing it twice', async () => {
    const { jti, ticket, targetUrl } = await pushTicket();
    const dir = await mkdtemp(join(outputDir, 'have-'));
    await writeFile(join(dir, 'have.flac'), content);
    const outcome = receiver.server.pushes.expect({ ticketId: jti, sha256: hash, size: content.length, pieceRoot, name: 'have.flac', outputDir: dir });
    const result = await pushFile({ ticket, targetUrl, sha256: hash }, { catalogue: uploader.library.catalogue, slots: uploader.server.slots });
    expect(result).toMatchObject({ ok: true, status: 200 });
    expect(await outcome).toMatchObject({ ok: true, alreadyComplete: true, path: join(dir, 'have.flac') });
    expect(await readdir(dir)).toEqual(['have.flac']);
  });

  it('takes an upload slot for each push: eight pushes asked of one peer go four at a time', async () => {
    const data = randomBytes(PIECE_SIZE);
    const dataHash = sha256(data);
    const throttled = await startPeerFixture(authority, { 'slow.bin': data }, { uploadSlots: 4, uploadBytesPerSecond: 4 * PIECE_SIZE });
    const root = throttled.library.entries()[0]!.pieceRoot!;
    let mostAtOnce = 0;
    const watch = setInterval(() => (mostAtOnce = Math.max(mostAtOnce, receiver.server.pushes.receiving)), 5);
    try {
      const pushes = await Promise.all(
        Array.from({ length: 8 }, async (_, index) => {
          const jti = randomUUID();
          const ticket = await authority.issue({ jti, sha: dataHash, src: [throttled.sessionId], push: receiver.sessionId, size: data.length });
          const dir = await mkdtemp(join(outputDir, `slots-${index}-`));
          const outcome = receiver.server.pushes.expect({ ticketId: jti, sha256: dataHash, size: data.length, pieceRoot: root, name: 'slow.bin', outputDir: dir });
          return { outcome, upload: pushFile({ ticket, targetUrl: `${receiver.url}${PEER_PATHS.push(jti)}`, sha256: dataHash }, { catalogue: throttled.library.catalogue, slots: throttled.server.slots, rateLimiter: throttled.server.rateLimiter }) };
        }),
      );
      const results = await Promise.all(pushes.map((push) => push.upload));
      expect(results.map((result) => result.ok)).toEqual(Array(8).fill(true));
      expect((await Promise.all(pushes.map((push) => push.outcome))).every((outcome) => outcome.ok)).toBe(true);
      expect(mostAtOnce).toBeGreaterThan(0);
      expect(mostAtOnce).toBeLessThanOrEqual(4);
      expect(throttled.server.slots.inUse).toBe(0);
    } finally {
      clearInterval(watch);
      await throttled.close();
    }
  });

  it('refuses to push anywhere but the ticket\'s push route', async () => {
    const { ticket } = await pushTicket();
    await expect(pushFile({ ticket, targetUrl: `${receiver.url}/files/${hash}`, sha256: hash }, { catalogue: uploader.library.catalogue, slots: uploader.server.slots })).rejects.toThrow(/targetUrl must end in \/push\//);
    await expect(pushFile({ ticket, targetUrl: 'ftp://example.invalid/push/x', sha256: hash }, { catalogue: uploader.library.catalogue, slots: uploader.server.slots })).rejects.toThrow(/targetUrl/);
  });
});
