import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PIECE_SIZE, TicketClaimsSchema, type TransferGrant } from '#contracts';
import { type Account, registerUser } from './support/accounts.js';
import { startTestServer, type TestServer } from './support/app.js';
import { eventually } from './support/eventually.js';
import { httpClient, type HttpClient } from './support/http.js';
import { type ConnectedPeer, connectPeer, sha256Hex } from './support/peer-socket.js';

/** A peer endpoint that only answers the server's reachability probe: its sessions are reachable. */
async function probeEndpoint(): Promise<{ endpoint: Server; endpointPort: number }> {
  const endpoint = createServer((_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}'));
  await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
  return { endpoint, endpointPort: (endpoint.address() as AddressInfo).port };
}

/** Base64 bitfield of `pieces` pieces with `held` set, least significant bit first. */
function bitfield(pieces: number, held: number[]): string {
  const bytes = Buffer.alloc(Math.ceil(pieces / 8));
  for (const index of held) bytes[index >> 3]! |= 1 << (index & 7);
  return bytes.toString('base64');
}

describe('partial sources (swarming) in the directory', () => {
  const size = 3 * PIECE_SIZE + 1; // four pieces
  const sha256 = sha256Hex('a swarmed file');
  const pieceRoot = 'ab'.repeat(32);
  let server: TestServer;
  let http: HttpClient;
  let endpoint: Server;
  let endpointPort: number;
  let alice: Account, bob: Account, carol: Account, dave: Account;
  let uploader: ConnectedPeer;

  beforeAll(async () => {
    server = await startTestServer({ PEER_PROBE_TIMEOUT: '500ms' });
    http = httpClient(server.baseUrl);
    ({ endpoint, endpointPort } = await probeEndpoint());
    [alice, bob, carol, dave] = [await registerUser(http, 'alice'), await registerUser(http, 'bob'), await registerUser(http, 'carol'), await registerUser(http, 'dave')];
    uploader = await connectPeer(server.baseUrl, { token: alice.accessToken, port: endpointPort });
    await uploader.ok('share:sync', { files: [{ path: 'a/swarm.bin', size, sha256, pieceRoot }], final: true });
  });
  afterAll(async () => {
    uploader?.close();
    await server.close();
    endpoint.close();
  });

  async function claims(grant: TransferGrant) {
    const keys = (await http.get('/api/v1/ticket-keys')).body;
    const { payload } = await jwtVerify(grant.ticket, createLocalJWKSet(keys), { issuer: 'peerdex', algorithms: ['EdDSA'] });
    return TicketClaimsSchema.parse(payload);
  }

  const announce = (extra: Record<string, unknown> = {}) => ({ sha256, size, pieceSize: PIECE_SIZE, pieceRoot, bitfield: bitfield(4, [0, 2]), ...extra });

  it('refuses announcements whose bitfield does not fit the file, naming the field', async () => {
    const peer = await connectPeer(server.baseUrl, { token: carol.accessToken, port: endpointPort });
    try {
      const cases: Array<[Record<string, unknown>, RegExp]> = [
        [{ bitfield: Buffer.alloc(2).toString('base64') }, /bitfield: must hold 1 bytes for 4 pieces, not 2/],
        [{ bitfield: Buffer.from([0x10]).toString('base64') }, /bitfield: has bits set past the last piece/],
        [{ bitfield: 'not base64!' }, /bitfield: must be base64/],
        [{ pieceSize: 4096 }, /pieceSize: must be 1048576/],
        [{ size: 0, bitfield: '' }, /size/],
        [{ pieceRoot: 'xyz' }, /pieceRoot/],
      ];
      for (const [change, message] of cases) {
        const ack = await peer.call('swarm:announce', announce(change) as never);
        expect(ack).toMatchObject({ ok: false, error: { statusCode: 400 } });
        expect(ack.ok ? '' : ack.error.message).toMatch(message);
      }
      const have = await peer.call('swarm:have', { sha256, size, bitfield: bitfield(4, [1]) });
      expect(have).toMatchObject({ ok: false, error: { statusCode: 404, message: expect.stringMatching(/send swarm:announce first/) } });
      expect(await server.prisma.partialSource.count()).toBe(0);
    } finally {
      peer.close();
    }
  });

  it('names announced downloads in grants and tickets as partial sources, with their pieces as they grow, and forgets them', async () => {
    const carolPeer = await connectPeer(server.baseUrl, { token: carol.accessToken, port: endpointPort });
    const downloader = await connectPeer(server.baseUrl, { token: bob.accessToken, port: endpointPort });
    try {
      // A download with no verified piece yet has nothing to offer.
      expect(await carolPeer.ok('swarm:announce', announce({ bitfield: bitfield(4, []) }))).toEqual({ pieces: 0 });
      const empty = await downloader.ok<TransferGrant>('transfer:request', { sha256 });
      expect(empty.sources).toEqual([expect.objectContaining({ username: 'alice', partial: false })]);

      expect(await carolPeer.ok('swarm:have', { sha256, size, bitfield: bitfield(4, [0, 2]) })).toEqual({ pieces: 2 });
      // The downloader's own announcement never names itself.
      await downloader.ok('swarm:announce', announce({ bitfield: bitfield(4, [1]) }));
      const grant = await downloader.ok<TransferGrant>('transfer:request', { sha256 });
      expect(grant.sources).toEqual([
        { sessionId: uploader.ready.sessionId, username: 'alice', url: `http://127.0.0.1:${endpointPort}`, firewalled: false, partial: false },
        { sessionId: carolPeer.ready.sessionId, username: 'carol', url: `http://127.0.0.1:${endpointPort}`, firewalled: false, partial: true, bitfield: bitfield(4, [0, 2]) },
      ]);
      expect((await claims(grant)).src).toEqual([uploader.ready.sessionId, carolPeer.ready.sessionId]);

      // Over REST too: for dave, both downloads in progress are partial sources.
      const rest = await http.post('/api/v1/transfers', { sha256 }, { token: dave.accessToken });
      expect(rest.status).toBe(201);
      expect((rest.body as TransferGrant).sources.filter((source) => source.partial).map((source) => source.username).sort()).toEqual(['bob', 'carol']);

      await carolPeer.ok('swarm:have', { sha256, size, bitfield: bitfield(4, [0, 1, 2]) });
      const later = await downloader.ok<TransferGrant>('transfer:request', { sha256 });
      expect(later.sources.find((source) => source.username === 'carol')?.bitfield).toBe(bitfield(4, [0, 1, 2]));

      // A download of other bytes under the same hash (another piece root) is not offered.
      await carolPeer.ok('swarm:announce', announce({ pieceRoot: 'cd'.repeat(32) }));
      expect((await downloader.ok<TransferGrant>('transfer:request', { sha256 })).sources.map((source) => source.username)).toEqual(['alice']);
      await carolPeer.ok('swarm:announce', announce());

      expect(await carolPeer.ok('swarm:leave', { sha256 })).toEqual({ left: true });
      expect((await downloader.ok<TransferGrant>('transfer:request', { sha256 })).sources.map((source) => source.username)).toEqual(['alice']);

      // The session ending forgets its downloads as well.
      await carolPeer.ok('swarm:announce', announce());
      expect(await server.prisma.partialSource.count({ where: { sessionId: carolPeer.ready.sessionId } })).toBe(1);
      carolPeer.close();
      await eventually(async () => expect(await server.prisma.partialSource.count({ where: { sessionId: carolPeer.ready.sessionId } })).toBe(0), 10_000);
      expect((await downloader.ok<TransferGrant>('transfer:request', { sha256 })).sources.map((source) => source.username)).toEqual(['alice']);
    } finally {
      carolPeer.close();
      downloader.close();
    }
  });
});
