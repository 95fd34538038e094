import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TicketClaimsSchema, type TransferPush } from '#contracts';
import { type Account, registerUser } from './support/accounts.js';
import { startTestServer, type TestServer } from './support/app.js';
import { httpClient, type HttpClient } from './support/http.js';
import { type ConnectedPeer, connectPeer, entry, sha256Hex } from './support/peer-socket.js';

/** A peer endpoint that only answers the server's reachability probe: its sessions are reachable. */
async function probeEndpoint(): Promise<{ endpoint: Server; endpointPort: number }> {
  const endpoint = createServer((_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}'));
  await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
  return { endpoint, endpointPort: (endpoint.address() as AddressInfo).port };
}

describe('transfer tickets and push brokering', () => {
  let server: TestServer;
  let http: HttpClient;
  let endpoint: Server;
  let endpointPort: number;
  let alice: Account, bob: Account;

  beforeAll(async () => {
    server = await startTestServer({ PEER_PROBE_TIMEOUT: '500ms' });
    http = httpClient(server.baseUrl);
    ({ endpoint, endpointPort } = await probeEndpoint());
    [alice, bob] = [await registerUser(http, 'alice'), await registerUser(http, 'bob')];
  });
  afterAll(async () => {
    await server.close();
    endpoint.close();
  });

  async function verify(ticket: string) {
    const keys = (await http.get('/api/v1/ticket-keys')).body;
    const { payload, protectedHeader } = await jwtVerify(ticket, createLocalJWKSet(keys), { issuer: 'peerdex', algorithms: ['EdDSA'] });
    return { claims: TicketClaimsSchema.parse(payload), header: protectedHeader };
  }

  it('grants a signed ticket naming the downloader, the hash and the reachable sources', async () => {
    const source = await connectPeer(server.baseUrl, { token: alice.accessToken, port: endpointPort });
    await source.ok('share:sync', { files: [entry('a/Song.mp3', 'song bytes', { pieceRoot: 'ab'.repeat(32) })], final: true });
    const downloader = await connectPeer(server.baseUrl, { token: bob.accessToken });

    const grant = await downloader.ok('transfer:request', { sha256: sha256Hex('song bytes') });
    expect(grant).toMatchObject({
      sha256: sha256Hex('song bytes'),
      size: 10,
      name: 'Song.mp3',
      pieceRoot: 'ab'.repeat(32),
      mode: 'direct',
      sources: [{ sessionId: source.ready.sessionId, username: 'alice', url: `http://127.0.0.1:${endpointPort}`, firewalled: false }],
    });
    const { claims, header } = await verify(grant.ticket);
    expect(header.kid).toBeTruthy();
    expect(claims).toMatchObject({ sub: bob.id, dun: 'bob', dsn: downloader.ready.sessionId, sha: sha256Hex('song bytes'), size: 10, src: [source.ready.sessionId], jti: grant.ticketId });
    expect(claims.exp - claims.iat).toBe(300);

    // The server knows who fetched what, and records the outcome the downloader reports.
    const report = await downloader.ok('transfer:report', { sha256: sha256Hex('song bytes'), ticketId: grant.ticketId, bytes: 10, ok: true, sourceSessionId: source.ready.sessionId });
    expect(report).toEqual({ recorded: true });
    const row = await server.prisma.transfer.findUniqueOrThrow({ where: { id: grant.ticketId } });
    expect(row).toMatchObject({ userId: bob.id, mode: 'direct', ok: true, bytes: 10n, sourceSessionId: source.ready.sessionId });

    const rest = await http.post('/api/v1/transfers', { sha256: sha256Hex('song bytes') }, { token: bob.accessToken });
    expect(rest.status).toBe(201);
    expect((await verify(rest.body.ticket)).claims.dsn).toBeUndefined();
    const restReport = await http.post('/api/v1/transfers/reports', { sha256: sha256Hex('song bytes'), ticketId: rest.body.ticketId, bytes: 3, ok: false, reason: 'cancelled' }, { token: bob.accessToken });
    expect(restReport).toMatchObject({ status: 200, body: { recorded: true } });
    expect(await server.prisma.transfer.findUniqueOrThrow({ where: { id: rest.body.ticketId } })).toMatchObject({ ok: false, bytes: 3n, reason: 'cancelled' });
    for (const peer of [source, downloader]) peer.close();
  });

  it('refuses unknown files, bad payloads and reports about tickets never issued', async () => {
    const downloader = await connectPeer(server.baseUrl, { token: bob.accessToken });
    expect(await downloader.call('transfer:request', { sha256: '0'.repeat(64) })).toMatchObject({ ok: false, error: { statusCode: 404 } });
    expect(await downloader.call('transfer:request', { sha256: 'xyz' })).toMatchObject({
      ok: false,
      error: { statusCode: 400, message: 'sha256: must be 64 hexadecimal digits (a SHA-256)' },
    });
    expect(await downloader.call('transfer:report', { sha256: '1'.repeat(64), bytes: 1, ok: true })).toMatchObject({ ok: false, error: { statusCode: 404 } });
    expect((await http.post('/api/v1/transfers', { sha256: '0'.repeat(64) }, { token: bob.accessToken })).status).toBe(404);
    expect((await http.post('/api/v1/transfers', { sha256: '0'.repeat(64) })).status).toBe(401);
    downloader.close();
  });

  it('asks a firewalled uploader to push to a reachable downloader, and refuses when both are firewalled', async () => {
    const uploader = await connectPeer(server.baseUrl, { token: alice.accessToken });
    expect(uploader.ready.firewalled).toBe(true);
    await uploader.ok('share:sync', { files: [entry('b/Hidden.flac', 'hidden bytes')], final: true });
    const pushed = new Promise<TransferPush>((resolve) => uploader.socket.once('transfer:push', resolve));

    const downloader: ConnectedPeer = await connectPeer(server.baseUrl, { token: bob.accessToken, port: endpointPort });
    const grant = await downloader.ok('transfer:request', { sha256: sha256Hex('hidden bytes') });
    expect(grant).toMatchObject({ mode: 'push', sources: [{ sessionId: uploader.ready.sessionId, url: null, firewalled: true }] });

    const push = await pushed;
    expect(push).toMatchObject({
      ticketId: grant.ticketId,
      sha256: sha256Hex('hidden bytes'),
      targetUrl: `http://127.0.0.1:${endpointPort}/push/${grant.ticketId}`,
      downloader: 'bob',
    });
    const { claims } = await verify(push.ticket);
    expect(claims).toMatchObject({ jti: grant.ticketId, push: downloader.ready.sessionId, src: [uploader.ready.sessionId], sha: sha256Hex('hidden bytes') });

    const firewalledDownloader = await connectPeer(server.baseUrl, { token: bob.accessToken });
    const refused = await firewalledDownloader.call('transfer:request', { sha256: sha256Hex('hidden bytes') });
    expect(refused).toMatchObject({ ok: false, error: { statusCode: 409, message: expect.stringMatching(/firewalled/) } });
    for (const peer of [uploader, downloader, firewalledDownloader]) peer.close();
  });
});

describe('sources blamed for corrupt data', () => {
  let server: TestServer;
  let http: HttpClient;
  let endpoint: Server;
  let endpointPort: number;

  beforeAll(async () => {
    server = await startTestServer({ PEER_PROBE_TIMEOUT: '500ms' });
    http = httpClient(server.baseUrl);
    ({ endpoint, endpointPort } = await probeEndpoint());
  });
  afterAll(async () => {
    await server.close();
    endpoint.close();
  });

  it('stops listing a session for a hash once two downloaders blame it, and at once for the one who blamed it', async () => {
    const [eve, frank, gus, hank, ivan] = await Promise.all(['eve', 'frank', 'gus', 'hank', 'ivan'].map((name) => registerUser(http, name)));
    const rotten = sha256Hex('rotten bytes');
    const liar = await connectPeer(server.baseUrl, { token: eve!.accessToken, port: endpointPort });
    await liar.ok('share:sync', { files: [entry('c/Rotten.bin', 'rotten bytes'), entry('c/Fine.bin', 'fine bytes')], final: true });
    const honest = await connectPeer(server.baseUrl, { token: frank!.accessToken, port: endpointPort });
    await honest.ok('share:sync', { files: [entry('d/Rotten copy.bin', 'rotten bytes')], final: true });
    const peers = await Promise.all([gus, hank, ivan].map((user) => connectPeer(server.baseUrl, { token: user!.accessToken })));
    const [gusPeer, hankPeer, ivanPeer] = peers as [ConnectedPeer, ConnectedPeer, ConnectedPeer];
    const liarId = liar.ready.sessionId;
    const sourcesOf = async (peer: ConnectedPeer) => ((await peer.ok('transfer:request', { sha256: rotten })).sources as Array<{ sessionId: string }>).map((source) => source.sessionId).sort();
    const listed = async (token: string) => {
      const details = await http.get(`/api/v1/files/${rotten}`, { token });
      const found = await http.get('/api/v1/search?q=rotten', { token });
      return { details: details.body.sources.map((source: { username: string }) => source.username).sort(), search: found.body.results[0].sources.map((source: { username: string }) => source.username).sort() };
    };
    try {
      const both = [liarId, honest.ready.sessionId].sort();
      const gusGrant = await gusPeer.ok('transfer:request', { sha256: rotten });
      expect(gusGrant.sources.map((source: { sessionId: string }) => source.sessionId).sort()).toEqual(both);
      await gusPeer.ok('transfer:report', { sha256: rotten, ticketId: gusGrant.ticketId, bytes: 0, ok: false, badSourceSessionIds: [liarId] });
      await gusPeer.ok('transfer:report', { sha256: rotten, ticketId: gusGrant.ticketId, bytes: 0, ok: false, badSourceSessionIds: [liarId] }); // twice counts once

      // The blamer is not sent to it again; everyone else still is, after a single blame.
      expect(await sourcesOf(gusPeer)).toEqual([honest.ready.sessionId]);
      expect(await sourcesOf(hankPeer)).toEqual(both);
      expect(await listed(hank!.accessToken)).toEqual({ details: ['eve', 'frank'], search: ['eve', 'frank'] });

      // Only a session one of your tickets named can be blamed: ivan's ticket named frank alone.
      const ivanGrant = await ivanPeer.ok('transfer:request', { sha256: rotten, sourceSessionIds: [honest.ready.sessionId] });
      await ivanPeer.ok('transfer:report', { sha256: rotten, ticketId: ivanGrant.ticketId, bytes: 0, ok: false, badSourceSessionIds: [liarId] });
      expect(await sourcesOf(hankPeer)).toEqual(both);

      // A second downloader's blame delists the session for that hash, for everyone.
      const hankGrant = await hankPeer.ok('transfer:request', { sha256: rotten });
      const report = await http.post('/api/v1/transfers/reports', { sha256: rotten, ticketId: hankGrant.ticketId, bytes: 0, ok: false, badSourceSessionIds: [liarId] }, { token: hank!.accessToken });
      expect(report.status).toBe(200);
      expect(await sourcesOf(ivanPeer)).toEqual([honest.ready.sessionId]);
      expect(await listed(ivan!.accessToken)).toEqual({ details: ['frank'], search: ['frank'] });
      // Only for that hash.
      expect((await ivanPeer.ok('transfer:request', { sha256: sha256Hex('fine bytes') })).sources).toMatchObject([{ sessionId: liarId }]);

      // Moderators see the count.
      const admin = (await http.post('/api/v1/auth/login', { username: 'admin', password: 'admin-password' })).body.accessToken;
      const stats = await http.get('/api/v1/admin/stats', { token: admin });
      expect(stats.body.blames).toEqual({ lastDay: 2, delistedSources: 1 });
    } finally {
      for (const peer of [liar, honest, ...peers]) peer.close();
    }
  });
});

describe('ticket rate limit', () => {
  let server: TestServer;
  let http: HttpClient;

  beforeAll(async () => {
    server = await startTestServer({ TRANSFER_RATE_LIMIT_PER_MINUTE: '5' });
    http = httpClient(server.baseUrl);
  });
  afterAll(() => server.close());

  it('limits ticket requests per user over REST and the socket together: 429 with Retry-After', async () => {
    const [carol, dave] = [await registerUser(http, 'carol'), await registerUser(http, 'dave')];
    const source = await connectPeer(server.baseUrl, { token: dave.accessToken });
    await source.ok('share:sync', { files: [entry('x/Limited.txt', 'limited bytes')], final: true });
    const downloader = await connectPeer(server.baseUrl, { token: carol.accessToken });
    const sha256 = sha256Hex('limited bytes');
    try {
      // Refused requests count too: asking over and over for what nobody shares is not free.
      for (let index = 0; index < 3; index++) expect((await http.post('/api/v1/transfers', { sha256 }, { token: carol.accessToken })).status).toBe(409);
      expect(await downloader.call('transfer:request', { sha256: '0'.repeat(64) })).toMatchObject({ ok: false, error: { statusCode: 404 } });
      expect(await downloader.call('transfer:request', { sha256 })).toMatchObject({ ok: false, error: { statusCode: 409 } });

      const limited = await http.post('/api/v1/transfers', { sha256 }, { token: carol.accessToken });
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(limited.body.message).toMatch(/^Too many ticket requests; retry in \d+ s$/);
      expect(await downloader.call('transfer:request', { sha256 })).toMatchObject({ ok: false, error: { statusCode: 429, message: expect.stringMatching(/Too many ticket requests/) } });

      // Another user is not affected.
      expect((await http.post('/api/v1/transfers', { sha256: '0'.repeat(64) }, { token: dave.accessToken })).status).toBe(404);
    } finally {
      source.close();
      downloader.close();
    }
  });
});
