import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { registerUser } from './support/accounts.js';
import { startTestServer, type TestServer } from './support/app.js';
import { eventually } from './support/eventually.js';
import { httpClient, type HttpClient } from './support/http.js';
import { type ConnectedPeer, connectPeer } from './support/peer-socket.js';

type Refusal = Error & { data?: { statusCode: number; error: string; message: string } };

describe('peer sessions per account (PEER_SESSIONS_PER_USER)', () => {
  let server: TestServer;
  let http: HttpClient;

  const attempt = (token: string) => connectPeer(server.baseUrl, { token }).catch((refusal: Refusal) => refusal);
  const refusalMessage = 'This account already has 3 peer sessions online (the most allowed); close one to open another';

  beforeAll(async () => {
    server = await startTestServer({ PEER_SESSIONS_PER_USER: '3' });
    http = httpClient(server.baseUrl);
  });
  afterAll(() => server.close());

  it('refuses a session past the cap with a message and a status, and admits one again once a session ends', async () => {
    const account = await registerUser(http, 'many-peers');
    const open: ConnectedPeer[] = [];
    for (let n = 0; n < 3; n += 1) open.push(await connectPeer(server.baseUrl, { token: account.accessToken }));

    const refused = await attempt(account.accessToken);
    expect(refused).toBeInstanceOf(Error);
    expect((refused as Refusal).message).toBe(refusalMessage);
    expect((refused as Refusal).data).toEqual({ statusCode: 429, error: 'Too Many Requests', message: refusalMessage });
    expect(await server.prisma.peerSession.count({ where: { userId: account.id } })).toBe(3);

    // Another account is not affected.
    const other = await registerUser(http, 'other-peer');
    const otherPeer = await connectPeer(server.baseUrl, { token: other.accessToken });

    open.pop()!.close();
    const again = await eventually(async () => {
      const result = await attempt(account.accessToken);
      if (result instanceof Error) throw result;
      return result;
    });
    expect(again.ready.sessionId).toBeTruthy();
    for (const peer of [...open, again, otherPeer]) peer.close();
  });

  it('holds the cap when many handshakes of one account arrive at once', async () => {
    const account = await registerUser(http, 'burst-peers');
    const results = await Promise.all(Array.from({ length: 12 }, () => attempt(account.accessToken)));
    const admitted = results.filter((result): result is ConnectedPeer => !(result instanceof Error));
    const refused = results.filter((result): result is Refusal => result instanceof Error);
    expect(admitted).toHaveLength(3);
    expect(refused.map((refusal) => refusal.data?.statusCode)).toEqual(Array(9).fill(429));
    expect(await server.prisma.peerSession.count({ where: { userId: account.id } })).toBe(3);
    for (const peer of admitted) peer.close();
  });
});
