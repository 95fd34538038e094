import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { registerUser } from './support/accounts.js';
import { startTestServer, type TestServer } from './support/app.js';
import { httpClient, type HttpClient } from './support/http.js';
import { connectPeer, entry } from './support/peer-socket.js';

const LEASE_MS = 1_500;

describe('presence over Socket.IO', () => {
  let server: TestServer;
  let http: HttpClient;
  let healthz: Server;
  let healthzPort: number;

  beforeAll(async () => {
    server = await startTestServer({ PRESENCE_LEASE: `${LEASE_MS}ms`, SHARE_LIST_RETENTION: '1m', PEER_PROBE_TIMEOUT: '500ms' });
    http = httpClient(server.baseUrl);
    // A peer endpoint that answers the reachability probe.
    healthz = createServer((request, response) => {
      response.writeHead(request.url === '/healthz' ? 200 : 404, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ status: 'ok' }));
    });
    await new Promise<void>((resolve) => healthz.listen(0, '127.0.0.1', resolve));
    healthzPort = (healthz.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await server.close();
    healthz.close();
  });

  it('refuses handshakes without a token, with a forged or expired one, and from banned users', async () => {
    await expect(connectPeer(server.baseUrl, {})).rejects.toThrow(/auth\.token is required/);
    await expect(connectPeer(server.baseUrl, { token: 'garbage' })).rejects.toThrow('Invalid access token');

    const forged = await new SignJWT({ role: 'admin', fam: crypto.randomUUID(), typ: 'access' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(crypto.randomUUID())
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('not-the-server-secret-not-the-server-secret'));
    await expect(connectPeer(server.baseUrl, { token: forged })).rejects.toThrow('Invalid access token');

    const short = await startTestServer({ ACCESS_TOKEN_TTL: '1s' });
    try {
      const account = await registerUser(httpClient(short.baseUrl), 'ephemeral');
      await new Promise((resolve) => setTimeout(resolve, 2_100));
      await expect(connectPeer(short.baseUrl, { token: account.accessToken })).rejects.toThrow('Access token has expired');
    } finally {
      await short.close();
    }

    const banned = await registerUser(http, 'banned-peer');
    await server.prisma.user.update({ where: { id: banned.id }, data: { bannedAt: new Date(), banReason: 'abuse' } });
    const error = await connectPeer(server.baseUrl, { token: banned.accessToken }).catch((refusal: Error & { data?: unknown }) => refusal);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/banned permanently: abuse/);
    expect((error as Error & { data?: { statusCode: number } }).data?.statusCode).toBe(403);
  });

  it('rejects an invalid handshake field with a message naming it', async () => {
    const account = await registerUser(http, 'badport');
    await expect(connectPeer(server.baseUrl, { token: account.accessToken, port: 70000 })).rejects.toThrow(/auth\.port/);
  });

  it('records the address, probes it, and reports firewalled peers', async () => {
    const account = await registerUser(http, 'reachable');
    const reachable = await connectPeer(server.baseUrl, { token: account.accessToken, port: healthzPort });
    expect(reachable.ready).toMatchObject({ address: `http://127.0.0.1:${healthzPort}`, firewalled: false, shareListRestored: false });
    expect(reachable.ready.heartbeatIntervalMs).toBe(LEASE_MS / 3);

    const closedPort = await registerUser(http, 'unreachable');
    const firewalled = await connectPeer(server.baseUrl, { token: closedPort.accessToken, port: 9 });
    expect(firewalled.ready).toMatchObject({ address: 'http://127.0.0.1:9', firewalled: true });

    const noEndpoint = await connectPeer(server.baseUrl, { token: closedPort.accessToken });
    expect(noEndpoint.ready).toMatchObject({ address: null, firewalled: true });

    const rows = await server.prisma.peerSession.findMany({ where: { userId: { in: [account.id, closedPort.id] } } });
    expect(rows).toHaveLength(3);
    expect(rows.find((row) => row.id === reachable.ready.sessionId)?.firewalled).toBe(false);
    for (const peer of [reachable, firewalled, noEndpoint]) peer.close();
  });

  it('drops a peer that stops sending heartbeats within the lease, and a disconnected one at once', async () => {
    const account = await registerUser(http, 'silent');
    const searcher = await registerUser(http, 'watcher');
    const watcher = await connectPeer(server.baseUrl, { token: searcher.accessToken });
    const silent = await connectPeer(server.baseUrl, { token: account.accessToken }, { heartbeat: false });
    const loud = await connectPeer(server.baseUrl, { token: account.accessToken });
    await silent.ok('share:sync', { files: [entry('quiet/Silent Night.mp3', 'silent night')], final: true });
    await loud.ok('share:sync', { files: [entry('loud/Loud Noise.mp3', 'loud noise')], final: true });

    const names = async (q: string) => ((await watcher.ok('search', { q })).results as Array<{ name: string }>).map((r) => r.name);
    expect(await names('silent')).toEqual(['Silent Night.mp3']);

    const ended = new Promise<{ reason: string }>((resolve) => silent.socket.once('session:ended', resolve));
    const started = Date.now();
    while ((await names('silent')).length > 0) {
      expect(Date.now() - started).toBeLessThan(LEASE_MS + 1_000);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(Date.now() - started).toBeLessThanOrEqual(LEASE_MS + 300);
    expect((await ended).reason).toMatch(/No heartbeat/);
    // The heartbeating session of the same user stays.
    expect(await names('loud')).toEqual(['Loud Noise.mp3']);

    loud.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await names('loud')).toEqual([]);
    watcher.close();
  });

  it('lets a reconnecting peer with an unchanged list skip resending it', async () => {
    const account = await registerUser(http, 'returning');
    const digest = 'ab'.repeat(32);
    const first = await connectPeer(server.baseUrl, { token: account.accessToken, shareDigest: digest });
    expect(first.ready.shareListRestored).toBe(false);
    const files = Array.from({ length: 30 }, (_, n) => entry(`album/Track ${n} Returning.flac`, `track ${n}`));
    await first.ok('share:sync', { files, final: true, digest });
    first.close();
    await new Promise((resolve) => setTimeout(resolve, 100));

    const other = await connectPeer(server.baseUrl, { token: account.accessToken, shareDigest: 'cd'.repeat(32) });
    expect(other.ready).toMatchObject({ shareListRestored: false, fileCount: 0 });
    const again = await connectPeer(server.baseUrl, { token: account.accessToken, shareDigest: digest });
    expect(again.ready).toMatchObject({ shareListRestored: true, fileCount: 30 });
    const found = await again.ok('search', { q: 'returning', limit: 100 });
    expect(found.results).toHaveLength(30);
    expect(found.results.every((result: { sources: Array<{ sessionId: string }> }) => result.sources[0]!.sessionId === again.ready.sessionId)).toBe(true);
    other.close();
    again.close();
  });
});

describe('online sessions for moderators', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('pages through online sessions, newest first, without repeats', async () => {
    const http = httpClient(server.baseUrl);
    const account = await registerUser(http, 'many-sessions');
    const peers = [];
    for (let n = 0; n < 3; n += 1) peers.push(await connectPeer(server.baseUrl, { token: account.accessToken }));
    const admin = (await http.post('/api/v1/auth/login', { username: 'admin', password: 'admin-password' })).body.accessToken;
    const seen: string[] = [];
    let cursor = '';
    do {
      const page = await http.get(`/api/v1/admin/sessions?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token: admin });
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((item: { id: string }) => item.id));
      cursor = page.body.nextCursor ?? '';
    } while (cursor);
    expect(seen).toHaveLength(3);
    expect(new Set(seen)).toEqual(new Set(peers.map((peer) => peer.ready.sessionId)));
    expect((await http.get('/api/v1/admin/sessions?cursor=bogus', { token: admin })).status).toBe(400);
    for (const peer of peers) peer.close();
  });
});
