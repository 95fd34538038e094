import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { registerUser } from './support/accounts.js';
import { startTestServer, type TestServer } from './support/app.js';
import { httpClient, type HttpClient } from './support/http.js';
import { connectPeer } from './support/peer-socket.js';
import { withNote } from './support/with-note.js';

const JWT_SECRET = 'claims-test-secret-long-enough-for-hs256';

/** A token the server itself could have signed (its own secret), with whatever claims we like. */
function signed(claims: Record<string, unknown>, subject?: string): Promise<string> {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime('5m');
  if (subject !== undefined) jwt.setSubject(subject);
  return jwt.sign(new TextEncoder().encode(JWT_SECRET));
}

describe('access tokens validly signed but with claims the server never issues', () => {
  let server: TestServer;
  let http: HttpClient;
  let realUserId: string;

  beforeAll(async () => {
    server = await startTestServer({ JWT_SECRET });
    http = httpClient(server.baseUrl);
    realUserId = (await registerUser(http, 'real-user')).id;
  });
  afterAll(() => server.close());

  // REAL stands for the id of an existing account: only the other claims are wrong.
  const REAL = 'the id of an existing account';
  const cases: Array<[string, Record<string, unknown>, string | undefined]> = [
    ['a sub that is not a UUID', { role: 'user', fam: randomUUID(), typ: 'access' }, 'not-a-uuid'],
    ['a sub with a NUL byte', { role: 'user', fam: randomUUID(), typ: 'access' }, `${randomUUID()}\u0000`],
    ['no sub at all', { role: 'user', fam: randomUUID(), typ: 'access' }, undefined],
    ['a fam that is not a UUID', { role: 'user', fam: "x' OR 1=1", typ: 'access' }, REAL],
    ['a fam that is a number', { role: 'user', fam: 42, typ: 'access' }, REAL],
    ['no fam at all', { role: 'user', typ: 'access' }, REAL],
    ['an unknown role', { role: 'root', fam: randomUUID(), typ: 'access' }, REAL],
    ['a refresh-token typ', { role: 'user', fam: randomUUID(), typ: 'refresh' }, REAL],
  ];

  it.each(cases)('%s is a 401 over REST', async (_name, claims, subject) => {
    const response = await http.get('/api/v1/me', { token: await signed(claims, subject === REAL ? realUserId : subject) });
    withNote(JSON.stringify(response.body), () => expect(response.status).toBe(401));
    expect(response.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'Invalid access token' });
  });

  it.each(cases)('%s is refused at the socket handshake with 401', async (_name, claims, subject) => {
    const refusal = await connectPeer(server.baseUrl, { token: await signed(claims, subject === REAL ? realUserId : subject) }).then(
      (peer) => {
        peer.close();
        throw new Error('the handshake was accepted');
      },
      (error: Error & { data?: { statusCode?: number } }) => error,
    );
    expect(refusal.message).toBe('Invalid access token');
    expect(refusal.data?.statusCode).toBe(401);
  });
});
