import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TicketClaimsSchema, type TransferPush } from '#contracts';
import { type Account, registerUser } from './support/accounts.js';
import { startTestServer, type TestServer } from './support/app.js';
import { httpClient, type HttpClient } from './support/http.js';
import { type ConnectedPeer, connectPeer, entry, sha256Hex } from './support/peer-socket.js';

describe('transfer tickets and push brokering', () => {
  let server: TestServer;
  let http: HttpClient;
  let endpoint: Server;
  let endpointPort: number;
  let alice: Account, bob: Account;

  beforeAll(async () => {
    server = await startTestServer({ PEER_PROBE_TIMEOUT: '500ms' });
    http = httpClient(server.baseUrl);
    endpoint = createServer((_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}'));
    await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
    endpointPort = (endpoint.address() as AddressInfo).port;
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
