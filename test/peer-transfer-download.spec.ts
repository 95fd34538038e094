import { spawnSync } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { createServer, request as rawRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { PIECE_SIZE } from '#contracts';
import { downloadFile } from '../apps/peer/src/transfer/downloader.js';
import type { DownloadProgress, DownloadRequest } from '../apps/peer/src/transfer/download-request.js';
import { type PeerFixture, startPeerFixture } from '../apps/peer/src/testing/peer-fixture.js';
import { type TicketAuthority, createTicketAuthority } from '../apps/peer/src/testing/ticket-authority.js';

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

describe('downloader', () => {
  const content = randomBytes(12 * PIECE_SIZE + 777);
  const hash = sha256(content);
  let authority: TicketAuthority;
  let pieceRoot: string;
  let outputDir: string;
  const cleanup: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    authority = await createTicketAuthority();
  });
  afterEach(async () => {
    while (cleanup.length) await cleanup.pop()!();
  });
  afterAll(async () => {
    if (outputDir) await rm(outputDir, { recursive: true, force: true });
  });

  async function source(options: Parameters<typeof startPeerFixture>[2] = {}, files: Record<string, Uint8Array> = { 'shared/file.bin': content }): Promise<PeerFixture> {
    const peer = await startPeerFixture(authority, files, options);
    cleanup.push(() => peer.close());
    pieceRoot ??= peer.library.entries().find((entry) => entry.sha256 === hash)?.pieceRoot as string;
    return peer;
  }

  /** A real peer that serves wrong bytes for `badPieces`: its catalogue points at a doctored copy. */
  async function lyingSource(badPieces: number[], original: Buffer = content, options: Parameters<typeof startPeerFixture>[2] = {}): Promise<PeerFixture> {
    const doctored = Buffer.from(original);
    for (const index of badPieces) doctored[index * PIECE_SIZE + 5]! ^= 0xff;
    const peer = await source(options, { 'shared/file.bin': original, 'shared/doctored.bin': doctored });
    const honest = peer.library.catalogue.lookup(sha256(original))!;
    const fake = peer.library.catalogue.entryAt(join(peer.shareDir, 'shared/doctored.bin'))!;
    peer.library.catalogue.remove(honest.absolutePath);
    peer.library.catalogue.remove(fake.absolutePath);
    peer.library.catalogue.add({ ...honest, absolutePath: fake.absolutePath, mtimeMs: fake.mtimeMs });
    return peer;
  }

  async function request(sources: PeerFixture[], overrides: Partial<DownloadRequest> = {}): Promise<DownloadRequest> {
    outputDir ??= await mkdtemp(join(tmpdir(), 'peerdex-downloads-'));
    const dir = await mkdtemp(join(outputDir, 'run-'));
    return {
      sha256: hash,
      size: content.length,
      pieceRoot,
      name: 'Träck 01 — ünïcode.bin',
      sources: sources.map((peer) => ({ sessionId: peer.sessionId, url: peer.url })),
      ticket: await authority.issue({ sha: hash, src: sources.map((peer) => peer.sessionId), size: content.length }),
      outputDir: dir,
      ...overrides,
    };
  }

  const requestedBytes = (peer: PeerFixture) => peer.uploads.reduce((sum, upload) => sum + upload.bytesSent, 0);

  it('downloads from one source, verifies, and reports progress', async () => {
    const peer = await source();
    const progress: DownloadProgress[] = [];
    const input = await request([peer]);
    const outcome = await downloadFile(input, { onProgress: (update) => progress.push(update) });
    expect(outcome).toMatchObject({ ok: true, bytes: content.length, sha256: hash, sourcesUsed: [peer.sessionId], badSources: [] });
    expect(outcome.path).toBe(join(input.outputDir, 'Träck 01 — ünïcode.bin'));
    expect((await readFile(outcome.path!)).equals(content)).toBe(true);
    expect(await readdir(input.outputDir)).toEqual(['Träck 01 — ünïcode.bin']);
    expect(progress.at(-1)).toMatchObject({ bytesDone: content.length, bytesTotal: content.length });
  });

  it('fetches from several sources at once', async () => {
    const peers = [await source({ uploadBytesPerSecond: 8 * PIECE_SIZE }), await source({ uploadBytesPerSecond: 8 * PIECE_SIZE }), await source({ uploadBytesPerSecond: 8 * PIECE_SIZE })];
    const outcome = await downloadFile(await request(peers), { piecesPerRequest: 1 });
    expect(outcome.ok).toBe(true);
    expect(new Set(outcome.sourcesUsed)).toEqual(new Set(peers.map((peer) => peer.sessionId)));
    for (const peer of peers) expect(requestedBytes(peer)).toBeGreaterThan(0);
    expect(peers.reduce((sum, peer) => sum + requestedBytes(peer), 0)).toBe(content.length);
  });

  it('catches a source sending corrupt pieces, blames it, and completes from a good one', async () => {
    const liar = await lyingSource([1, 3, 5, 7, 9, 11]);
    const honest = await source({ uploadBytesPerSecond: 16 * PIECE_SIZE });
    const outcome = await downloadFile(await request([liar, honest]), { piecesPerRequest: 2 });
    expect(outcome.ok).toBe(true);
    expect(outcome.badSources).toEqual([liar.sessionId]);
    expect(outcome.sourcesUsed).toContain(honest.sessionId);
    expect((await readFile(outcome.path!)).equals(content)).toBe(true);
  });

  it('catches corrupt pieces of a large file, checked off the receiving thread', async () => {
    const large = randomBytes(20 * PIECE_SIZE + 5);
    const liar = await lyingSource([2, 9, 17], large);
    const honest = await source({ uploadBytesPerSecond: 40 * PIECE_SIZE }, { 'large.bin': large });
    const input = await request([liar, honest], {
      sha256: sha256(large),
      size: large.length,
      pieceRoot: honest.library.entries()[0]!.pieceRoot!,
      ticket: await authority.issue({ sha: sha256(large), src: [liar.sessionId, honest.sessionId] }),
    });
    const outcome = await downloadFile(input, { piecesPerRequest: 4 });
    expect(outcome).toMatchObject({ ok: true, badSources: [liar.sessionId] });
    expect((await readFile(outcome.path!)).equals(large)).toBe(true);
  });

  it('blames a source whose piece list does not match the piece root', async () => {
    const liar = await source();
    const entry = liar.library.catalogue.lookup(hash)!;
    liar.library.catalogue.add({ ...entry, pieces: entry.pieces.map(() => randomBytes(32)) });
    const honest = await source();
    const outcome = await downloadFile(await request([liar, honest]));
    expect(outcome).toMatchObject({ ok: true, badSources: [liar.sessionId], sourcesUsed: [honest.sessionId] });
    expect(requestedBytes(liar)).toBe(0);
  });

  it('without a piece root, checks the whole file and discards it when a source lied', async () => {
    const liar = await lyingSource([4]);
    const input = await request([liar], { pieceRoot: null });
    const outcome = await downloadFile(input);
    expect(outcome.ok).toBe(false);
    expect(outcome.reason).toMatch(/SHA-256/);
    expect(outcome.path).toBeNull();
    // Nothing that looks complete, nothing half-done left behind.
    expect(await readdir(input.outputDir)).toEqual([]);

    const honest = await source();
    const retry = await downloadFile(await request([honest], { pieceRoot: null }));
    expect(retry.ok).toBe(true);
    expect((await readFile(retry.path!)).equals(content)).toBe(true);
  });

  /** A real HTTP server misbehaving as a peer: it hangs, or answers every request with `status`. */
  async function brokenPeer(behaviour: 'hang' | number): Promise<{ sessionId: string; url: string; requests: () => number }> {
    let requests = 0;
    const server = createServer((_request, response) => {
      requests++;
      if (behaviour !== 'hang') response.writeHead(behaviour, { 'content-type': 'application/json' }).end('{"message":"broken"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanup.push(
      () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    );
    return { sessionId: randomUUID(), url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests: () => requests };
  }

  it('gives up on a source that stops answering and finishes from another', async () => {
    const hung = await brokenPeer('hang');
    const honest = await source();
    const input = await request([honest]);
    const outcome = await downloadFile({ ...input, sources: [hung, ...input.sources], pieceRoot: null }, { idleTimeoutMs: 300 });
    expect(outcome).toMatchObject({ ok: true, sourcesUsed: [honest.sessionId], badSources: [] });
    expect(hung.requests()).toBeGreaterThan(0);
  });

  it('moves the pieces of a source failing with 5xx to the others, without blaming it', async () => {
    const failing = await brokenPeer(500);
    const honest = await source({ uploadBytesPerSecond: 12 * PIECE_SIZE });
    const input = await request([honest]);
    const outcome = await downloadFile({ ...input, sources: [failing, ...input.sources], pieceRoot: null });
    expect(outcome).toMatchObject({ ok: true, sourcesUsed: [honest.sessionId], badSources: [] });
    // Retried a little (a hiccup may pass), then given up.
    expect(failing.requests()).toBeGreaterThanOrEqual(2);
  });

  it('waits for a busy source (503) and completes when a slot frees', async () => {
    const busy = await source({ uploadSlots: 1, retryAfterSeconds: 1, uploadBytesPerSecond: 16 * PIECE_SIZE });
    const other = await authority.issue({ sha: hash, src: [busy.sessionId] });
    // Another downloader holds the only slot for about a second.
    const { hostname, port } = new URL(busy.url);
    const holder = new Promise<void>((resolve, reject) => {
      rawRequest({ hostname, port, path: `/files/${hash}`, headers: { authorization: `Bearer ${other}`, range: `bytes=0-${8 * PIECE_SIZE - 1}` } }, (response) => {
        response.resume();
        response.on('end', resolve);
      })
        .on('error', reject)
        .end();
    });
    while (busy.server.slots.inUse === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    const started = Date.now();
    const outcome = await downloadFile(await request([busy]));
    await holder;
    expect(outcome.ok).toBe(true);
    // Its first request met the full slot and came back after Retry-After (1 s).
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(new Set(busy.uploads.map((upload) => upload.ticketId)).size).toBe(2);
  });

  it('resumes an interrupted download, fetching only what is missing', async () => {
    const slow = await source({ uploadBytesPerSecond: 4 * PIECE_SIZE });
    const input = await request([slow]);
    const controller = new AbortController();
    const first = await downloadFile(input, {
      signal: controller.signal,
      onProgress: (update) => update.bytesDone >= 4 * PIECE_SIZE && controller.abort(),
    });
    expect(first).toMatchObject({ ok: false, reason: 'aborted' });
    const leftovers = (await readdir(input.outputDir)).sort();
    expect(leftovers).toEqual([`${input.name}.part`, `${input.name}.part.json`]);

    const fast = await source();
    const second = await downloadFile({ ...input, sources: [{ sessionId: fast.sessionId, url: fast.url }], ticket: await authority.issue({ sha: hash, src: [fast.sessionId] }) });
    expect(second.ok).toBe(true);
    expect(second.resumedBytes).toBeGreaterThanOrEqual(4 * PIECE_SIZE);
    expect(second.bytes).toBe(content.length - second.resumedBytes!);
    expect(requestedBytes(fast)).toBe(content.length - second.resumedBytes!);
    expect(fast.uploads.every((upload) => upload.start >= 0 && upload.status === 206)).toBe(true);
    expect((await readFile(second.path!)).equals(content)).toBe(true);
    expect(await readdir(input.outputDir)).toEqual([input.name]);
  });

  it('resumes a large download, whose pieces are checked and hashed off the receiving thread', async () => {
    const large = randomBytes(24 * PIECE_SIZE + 3);
    const files = { 'large.bin': large };
    const slow = await source({ uploadBytesPerSecond: 8 * PIECE_SIZE }, files);
    const pieceRootOfLarge = slow.library.entries()[0]!.pieceRoot!;
    const input = await request([slow], { sha256: sha256(large), size: large.length, pieceRoot: pieceRootOfLarge, name: 'large.bin', ticket: await authority.issue({ sha: sha256(large), src: [slow.sessionId] }) });
    const controller = new AbortController();
    const first = await downloadFile(input, { signal: controller.signal, onProgress: (update) => update.bytesDone >= 6 * PIECE_SIZE && controller.abort() });
    expect(first).toMatchObject({ ok: false, reason: 'aborted' });

    const fast = await source({}, files);
    const second = await downloadFile({ ...input, sources: [{ sessionId: fast.sessionId, url: fast.url }], ticket: await authority.issue({ sha: sha256(large), src: [fast.sessionId] }) });
    expect(second.ok).toBe(true);
    expect(second.resumedBytes).toBeGreaterThanOrEqual(6 * PIECE_SIZE);
    expect(requestedBytes(fast)).toBe(large.length - second.resumedBytes!);
    expect((await readFile(second.path!)).equals(large)).toBe(true);
  });

  it('re-verifies a resumed .part and refetches pieces that went bad on disk', async () => {
    const slow = await source({ uploadBytesPerSecond: 4 * PIECE_SIZE });
    const input = await request([slow]);
    const controller = new AbortController();
    await downloadFile(input, { signal: controller.signal, onProgress: (update) => update.bytesDone >= 4 * PIECE_SIZE && controller.abort() });
    const partPath = join(input.outputDir, `${input.name}.part`);
    const part = await readFile(partPath);
    part[10]! ^= 0xff;
    await writeFile(partPath, part);

    const fast = await source();
    const outcome = await downloadFile({ ...input, sources: [{ sessionId: fast.sessionId, url: fast.url }], ticket: await authority.issue({ sha: hash, src: [fast.sessionId] }) });
    expect(outcome.ok).toBe(true);
    expect(fast.uploads.some((upload) => upload.start === 0)).toBe(true);
    expect((await readFile(outcome.path!)).equals(content)).toBe(true);
  });

  it('never overwrites: same content means already complete, other content gets a new name', async () => {
    const peer = await source();
    const input = await request([peer], { name: 'song.mp3' });
    await writeFile(join(input.outputDir, 'song.mp3'), content);
    const done = await downloadFile(input);
    expect(done).toMatchObject({ ok: true, alreadyComplete: true, bytes: 0, path: join(input.outputDir, 'song.mp3') });
    expect(peer.uploads).toEqual([]);

    const other = await request([peer], { name: 'song.mp3' });
    const mine = Buffer.from('my own recording, not to be replaced');
    await writeFile(join(other.outputDir, 'song.mp3'), mine);
    const old = new Date('2020-01-01T00:00:00Z');
    await utimes(join(other.outputDir, 'song.mp3'), old, old);
    const outcome = await downloadFile(other);
    expect(outcome.path).toBe(join(other.outputDir, 'song (1).mp3'));
    expect((await readFile(join(other.outputDir, 'song.mp3'))).equals(mine)).toBe(true);
    expect((await stat(join(other.outputDir, 'song.mp3'))).mtime.toISOString()).toBe(old.toISOString());
    expect((await readFile(outcome.path!)).equals(content)).toBe(true);
  });

  it('refuses a second simultaneous download into the same .part', async () => {
    const peer = await source({ uploadBytesPerSecond: 16 * PIECE_SIZE });
    const input = await request([peer]);
    const [first, second] = await Promise.all([downloadFile(input), downloadFile(input)]);
    expect([first.ok, second.ok].sort()).toEqual([false, true]);
    expect([first, second].find((outcome) => !outcome.ok)!.reason).toMatch(/already being downloaded/);
    expect(await readdir(input.outputDir)).toEqual([input.name]);
  });

  it('takes over the lock left by a download whose process is gone', async () => {
    const peer = await source();
    const input = await request([peer]);
    const gone = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid;
    await writeFile(join(input.outputDir, `${input.name}.part.lock`), JSON.stringify({ pid: gone, host: hostname(), since: new Date().toISOString() }));
    const outcome = await downloadFile(input);
    expect(outcome).toMatchObject({ ok: true });
    expect(await readdir(input.outputDir)).toEqual([input.name]);
  });

  it('asks for a new ticket when its source refuses the one it has, and carries on', async () => {
    const peer = await source();
    // A ticket naming a session the source does not have, as after a server restart.
    const input = await request([peer], { ticket: await authority.issue({ sha: hash, src: [randomUUID()], size: content.length }) });
    const lines: string[] = [];
    let asked = 0;
    const outcome = await downloadFile(
      { ...input, sources: [{ sessionId: randomUUID(), url: peer.url, username: 'alice' }] },
      {
        log: (line) => lines.push(line),
        renewTicket: async () => {
          // The first time the server is still away.
          if (++asked === 1) throw new Error('Cannot reach the server');
          return { ticket: await authority.issue({ sha: hash, src: [peer.sessionId], size: content.length }), sources: [{ sessionId: peer.sessionId, url: peer.url, username: 'alice' }] };
        },
      },
    );
    expect(outcome).toMatchObject({ ok: true, sourcesUsed: [peer.sessionId] });
    expect((await readFile(outcome.path!)).equals(content)).toBe(true);
    expect(asked).toBe(2);
    expect(lines).toEqual([
      'Could not get a new ticket (Cannot reach the server); trying again shortly',
      'Got a new ticket from the server; sources: alice',
    ]);
  });

  it('gives up on a source that keeps refusing its tickets, naming its user', async () => {
    const peer = await source();
    const stale = await authority.issue({ sha: hash, src: [randomUUID()], size: content.length });
    const input = await request([peer], { ticket: stale, sources: [{ sessionId: randomUUID(), url: peer.url, username: 'alice' }] });
    const lines: string[] = [];
    const outcome = await downloadFile(input, { log: (line) => lines.push(line), maxTicketWaitMs: 3_000, renewTicket: async () => ({ ticket: stale, sources: [] }) });
    expect(outcome).toMatchObject({ ok: false, reason: 'no source sent a piece list matching the piece root: alice: refused with 403: the ticket does not name this peer as a source' });
    expect(lines.at(-1)).toBe('Lost source alice: refused with 403: the ticket does not name this peer as a source; no other source left');
  });

  it('downloads an empty file without asking anyone', async () => {
    const empty = Buffer.alloc(0);
    const peer = await source({}, { 'empty.txt': empty });
    const input = await request([peer], { sha256: sha256(empty), size: 0, pieceRoot: sha256(empty), name: 'empty.txt' });
    const outcome = await downloadFile(input);
    expect(outcome).toMatchObject({ ok: true, bytes: 0 });
    expect((await stat(outcome.path!)).size).toBe(0);
  });

  it('downloads a 50 MB file from two sources', async () => {
    const large = randomBytes(50 * 1000 * 1000);
    const largeHash = sha256(large);
    const peers = [await source({}, { 'big.bin': large }), await source({}, { 'big.bin': large })];
    const entry = peers[0]!.library.entries()[0]!;
    const input = await request(peers, {
      sha256: largeHash,
      size: large.length,
      pieceRoot: entry.pieceRoot!,
      name: 'big.bin',
      ticket: await authority.issue({ sha: largeHash, src: peers.map((peer) => peer.sessionId) }),
    });
    const outcome = await downloadFile(input);
    expect(outcome).toMatchObject({ ok: true, bytes: large.length, badSources: [] });
    expect(sha256(await readFile(outcome.path!))).toBe(largeHash);
  });

  it('rejects invalid requests with a clear message', async () => {
    const peer = await source();
    await expect(downloadFile({ ...(await request([peer])), name: '../escape.bin' })).rejects.toThrow(/name: must not contain "\/"/);
    await expect(downloadFile({ ...(await request([peer])), sha256: 'abc' })).rejects.toThrow(/sha256: must be 64 hexadecimal digits/);
    await expect(downloadFile({ ...(await request([peer])), sources: [{ sessionId: 'x', url: 'file:///etc/passwd' }] })).rejects.toThrow(/url/);
  });

  it('fails clearly when the only source refuses', async () => {
    const peer = await source();
    const input = await request([peer], { ticket: await authority.issue({ sha: hash, src: ['6b1c1c1e-1111-4111-8111-111111111111'] }) });
    const outcome = await downloadFile(input);
    expect(outcome.ok).toBe(false);
    expect(outcome.reason).toMatch(/403|does not name this peer/);
    expect(await readdir(input.outputDir)).toEqual([]);
  });
});
