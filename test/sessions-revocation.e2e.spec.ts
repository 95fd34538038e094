import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestServer, type TestServer } from './support/app.js';
import { createTestDatabase } from './support/database.js';
import { eventually } from './support/eventually.js';
import { httpClient, type HttpClient } from './support/http.js';
import { type ConnectedPeer, connectPeer, entry } from './support/peer-socket.js';
import { redisReachable, TEST_REDIS_URL } from './support/redis.js';
import { withNote } from './support/with-note.js';

const API = '/api/v1';

interface Login {
  userId: string;
  accessToken: string;
  refreshToken: string;
  familyId: string;
}

function familyOf(accessToken: string): string {
  return (JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString('utf8')) as { fam: string }).fam;
}

async function login(http: HttpClient, username: string, password: string): Promise<Login> {
  const response = await http.post(`${API}/auth/login`, { username, password });
  withNote(JSON.stringify(response.body), () => expect(response.status).toBe(200));
  const { accessToken, refreshToken, user } = response.body as { accessToken: string; refreshToken: string; user: { id: string } };
  return { userId: user.id, accessToken, refreshToken, familyId: familyOf(accessToken) };
}

async function registerAndLogin(http: HttpClient, username: string, password: string): Promise<Login> {
  const response = await http.post(`${API}/auth/register`, { username, password });
  withNote(JSON.stringify(response.body), () => expect(response.status).toBe(201));
  return login(http, username, password);
}

/** Resolves with "<cause>: <reason>" of session:ended once the socket has also been disconnected. */
function sessionEnd(peer: ConnectedPeer): Promise<string> {
  const ended = new Promise<string>((resolve) => peer.socket.once('session:ended', ({ reason, cause }) => resolve(`${cause}: ${reason}`)));
  const disconnected = new Promise<void>((resolve) => peer.socket.once('disconnect', () => resolve()));
  return Promise.all([ended, disconnected]).then(([reason]) => reason);
}

async function createApiKey(http: HttpClient, token: string, name: string): Promise<string> {
  const response = await http.post(`${API}/me/api-keys`, { name }, { token });
  withNote(JSON.stringify(response.body), () => expect(response.status).toBe(201));
  return response.body.key as string;
}

const searchWithKey = (http: HttpClient, key: string) => http.get(`${API}/search?q=anything`, { headers: { 'x-api-key': key } });

describe('signing out ends what the login holds', () => {
  let server: TestServer;
  let http: HttpClient;
  const open: ConnectedPeer[] = [];

  beforeAll(async () => {
    server = await startTestServer({ AUTH_RATE_LIMIT_PER_IP: '10000', SEARCH_RATE_LIMIT_PER_MINUTE: '10000' });
    http = httpClient(server.baseUrl);
  });
  afterAll(async () => {
    open.forEach((peer) => peer.close());
    await server.close();
  });

  const peerOf = async (token: string) => {
    const peer = await connectPeer(server.baseUrl, { token });
    open.push(peer);
    return peer;
  };

  it('logout ends that login: its access token, its sockets and new handshakes; not the other login, not API keys', async () => {
    const stays = await registerAndLogin(http, 'logout-alice', 'alice password');
    const leaves = await login(http, 'logout-alice', 'alice password');
    const key = await createApiKey(http, leaves.accessToken, 'made by the login that signs out');
    const staying = await peerOf(stays.accessToken);
    const leaving = await peerOf(leaves.accessToken);
    const leavingEnded = sessionEnd(leaving);

    expect((await http.post(`${API}/auth/logout`, { refreshToken: leaves.refreshToken })).status).toBe(204);

    const me = await http.get(`${API}/me`, { token: leaves.accessToken });
    withNote(JSON.stringify(me.body), () => expect(me.status).toBe(401));
    expect(me.body.message).toMatch(/signed out/);
    expect(await leavingEnded).toMatch(/^signed-out: .*signed out/i);
    await expect(connectPeer(server.baseUrl, { token: leaves.accessToken })).rejects.toThrow(/signed out/);

    // The other login and its socket carry on; API keys are separate credentials for programs.
    expect((await http.get(`${API}/me`, { token: stays.accessToken })).status).toBe(200);
    expect(staying.socket.connected).toBe(true);
    await staying.ok('search', { q: 'anything' });
    expect((await searchWithKey(http, key)).status).toBe(200);
    // The session row of the ended socket is gone.
    await eventually(async () => expect(await server.prisma.peerSession.count({ where: { userId: stays.userId } })).toBe(1));
  });

  it('a password change ends every other login (tokens, sockets) and every API key, and keeps the login that made it', async () => {
    const changer = await registerAndLogin(http, 'pw-bob', 'first password');
    const other = await login(http, 'pw-bob', 'first password');
    const thirdLogin = await login(http, 'pw-bob', 'first password');
    const keyOfOther = await createApiKey(http, other.accessToken, 'key from the other login');
    const keyOfChanger = await createApiKey(http, changer.accessToken, 'key from the changing login');
    const changerPeer = await peerOf(changer.accessToken);
    const otherPeers = [await peerOf(other.accessToken), await peerOf(other.accessToken), await peerOf(thirdLogin.accessToken)];
    const ends = otherPeers.map(sessionEnd);

    const changed = await http.patch(`${API}/me/password`, { currentPassword: 'first password', newPassword: 'second password' }, { token: changer.accessToken });
    expect(changed.status).toBe(204);

    for (const stale of [other, thirdLogin]) {
      const me = await http.get(`${API}/me`, { token: stale.accessToken });
      withNote(JSON.stringify(me.body), () => expect(me.status).toBe(401));
    }
    for (const reason of await Promise.all(ends)) expect(reason).toMatch(/^signed-out: .*password was changed/i);
    for (const key of [keyOfOther, keyOfChanger]) {
      const search = await searchWithKey(http, key);
      withNote(JSON.stringify(search.body), () => expect(search.status).toBe(401));
    }
    expect((await http.get(`${API}/me/api-keys`, { token: changer.accessToken })).body).toEqual([]);

    expect((await http.get(`${API}/me`, { token: changer.accessToken })).status).toBe(200);
    expect(changerPeer.socket.connected).toBe(true);
    await changerPeer.ok('share:sync', { files: [entry('kept/Still Here.mp3', 'still here')], final: true });
    await eventually(async () => expect(await server.prisma.peerSession.count({ where: { userId: changer.userId } })).toBe(1));
  });

  it('a socket whose login was revoked where no broadcast reached it is served no further event', async () => {
    // As when another node revoked the login and the broadcast to this node was lost: only the
    // database says so.
    const account = await registerAndLogin(http, 'quiet-carol', 'carol password');
    const peer = await peerOf(account.accessToken);
    await peer.ok('search', { q: 'before' });
    const ended = sessionEnd(peer);
    await server.prisma.refreshToken.updateMany({ where: { familyId: account.familyId }, data: { revokedAt: new Date() } });

    peer.socket.emit('search', { q: 'after' }, () => {
      throw new Error('a search was answered for a revoked login');
    });
    expect(await ended).toMatch(/^signed-out: .*signed out/i);
    await eventually(async () => expect(await server.prisma.peerSession.count({ where: { userId: account.userId } })).toBe(0));
  });

  it('such a socket of a banned user hears the ban and its reason, not only that it was signed out', async () => {
    const account = await registerAndLogin(http, 'quiet-erin', 'erin password');
    const peer = await peerOf(account.accessToken);
    const ended = sessionEnd(peer);
    // What a ban commits, with its broadcast lost.
    await server.prisma.user.update({ where: { id: account.userId }, data: { bannedAt: new Date(), banReason: 'flooding' } });
    await server.prisma.refreshToken.updateMany({ where: { userId: account.userId }, data: { revokedAt: new Date() } });
    peer.socket.emit('peer:heartbeat');
    expect(await ended).toMatch(/^banned: .*banned permanently: flooding/);
  });
});

const REDIS_URL = TEST_REDIS_URL;
const redisUp = await redisReachable(REDIS_URL);

(redisUp ? describe : describe.skip)(`signing out on one node ends sockets held by another (Redis at ${REDIS_URL})`, () => {
  let nodeA: TestServer;
  let nodeB: TestServer;

  beforeAll(async () => {
    const shared = { DATABASE_URL: await createTestDatabase(), REDIS_URL, AUTH_RATE_LIMIT_PER_IP: '10000' };
    nodeA = await startTestServer({ ...shared, NODE_ID: 'revoke-a' });
    nodeB = await startTestServer({ ...shared, NODE_ID: 'revoke-b' });
  });
  afterAll(async () => {
    await nodeA?.close();
    await nodeB?.close();
  });

  it('logout on node A ends the login’s socket on node B, and a password change on A ends the others there', async () => {
    const httpA = httpClient(nodeA.baseUrl);
    const first = await registerAndLogin(httpA, 'two-node-dan', 'dan password');
    const second = await login(httpA, 'two-node-dan', 'dan password');
    const third = await login(httpA, 'two-node-dan', 'dan password');
    const peers = await Promise.all([first, second, third].map((each) => connectPeer(nodeB.baseUrl, { token: each.accessToken })));
    try {
      const secondEnded = sessionEnd(peers[1]!);
      expect((await httpA.post(`${API}/auth/logout`, { refreshToken: second.refreshToken })).status).toBe(204);
      expect(await secondEnded).toMatch(/^signed-out: .*signed out/i);
      expect((await httpClient(nodeB.baseUrl).get(`${API}/me`, { token: second.accessToken })).status).toBe(401);

      const thirdEnded = sessionEnd(peers[2]!);
      const changed = await httpA.patch(`${API}/me/password`, { currentPassword: 'dan password', newPassword: 'dan new password' }, { token: first.accessToken });
      expect(changed.status).toBe(204);
      expect(await thirdEnded).toMatch(/^signed-out: .*password was changed/i);
      expect(peers[0]!.socket.connected).toBe(true);
    } finally {
      peers.forEach((peer) => peer.close());
    }
  });
});
