import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestServer, type TestServer } from './support/app.js';
import { httpClient, type HttpClient } from './support/http.js';

const API = '/api/v1';

describe('accounts over HTTP', () => {
  let server: TestServer;
  let http: HttpClient;

  beforeAll(async () => {
    server = await startTestServer();
    http = httpClient(server.baseUrl);
  });
  afterAll(() => server.close());

  it('registers, logs in, reads /me, rotates refresh tokens and revokes the family on reuse', async () => {
    const registered = await http.post(`${API}/auth/register`, { username: 'Alice', password: 'correct horse' });
    expect(registered.status).toBe(201);
    expect(registered.body.user).toMatchObject({ username: 'Alice', role: 'user' });
    expect(registered.body.user.createdAt).toMatch(/Z$/);
    expect(registered.body.accessTokenExpiresIn).toBe(900);

    const login = await http.post(`${API}/auth/login`, { username: 'alice', password: 'correct horse' });
    expect(login.status).toBe(200);
    expect(login.body.user.id).toBe(registered.body.user.id);

    const me = await http.get(`${API}/me`, { token: login.body.accessToken });
    expect(me.status).toBe(200);
    expect(me.body).toEqual(registered.body.user);

    const first = login.body.refreshToken as string;
    const rotated = await http.post(`${API}/auth/refresh`, { refreshToken: first });
    expect(rotated.status).toBe(200);
    expect(rotated.body.refreshToken).not.toBe(first);
    expect((await http.get(`${API}/me`, { token: rotated.body.accessToken })).status).toBe(200);

    // The spent token is refused, and presenting it revokes every token of that login.
    const replay = await http.post(`${API}/auth/refresh`, { refreshToken: first });
    expect(replay.status).toBe(401);
    expect(replay.body.message).toMatch(/already used/);
    const descendant = await http.post(`${API}/auth/refresh`, { refreshToken: rotated.body.refreshToken });
    expect(descendant.status).toBe(401);
    expect(descendant.body.message).toMatch(/revoked/);

    // The other login (from register) is untouched by that revocation, and logout ends it.
    const other = await http.post(`${API}/auth/refresh`, { refreshToken: registered.body.refreshToken });
    expect(other.status).toBe(200);
    expect((await http.post(`${API}/auth/logout`, { refreshToken: other.body.refreshToken })).status).toBe(204);
    expect((await http.post(`${API}/auth/refresh`, { refreshToken: other.body.refreshToken })).status).toBe(401);
  });

  it('changing the password signs out the other logins but keeps this one', async () => {
    const a = await http.post(`${API}/auth/register`, { username: 'bob', password: 'first password' });
    const b = await http.post(`${API}/auth/login`, { username: 'bob', password: 'first password' });

    const wrong = await http.patch(`${API}/me/password`, { currentPassword: 'nope', newPassword: 'second password' }, { token: a.body.accessToken });
    expect(wrong.status).toBe(403);

    const changed = await http.patch(
      `${API}/me/password`,
      { currentPassword: 'first password', newPassword: 'second password' },
      { token: a.body.accessToken },
    );
    expect(changed.status).toBe(204);
    expect((await http.post(`${API}/auth/refresh`, { refreshToken: b.body.refreshToken })).status).toBe(401);
    expect((await http.post(`${API}/auth/refresh`, { refreshToken: a.body.refreshToken })).status).toBe(200);
    expect((await http.post(`${API}/auth/login`, { username: 'bob', password: 'first password' })).status).toBe(401);
    expect((await http.post(`${API}/auth/login`, { username: 'bob', password: 'second password' })).status).toBe(200);
  });

  it('answers wrong credentials with one message that does not say which part was wrong', async () => {
    await http.post(`${API}/auth/register`, { username: 'carol', password: 'carol password' });
    const wrongPassword = await http.post(`${API}/auth/login`, { username: 'carol', password: 'wrong password' });
    const noSuchUser = await http.post(`${API}/auth/login`, { username: 'nobody', password: 'carol password' });
    expect(wrongPassword.status).toBe(401);
    expect(noSuchUser.status).toBe(401);
    expect(wrongPassword.body).toEqual(noSuchUser.body);
    expect(wrongPassword.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'Invalid username or password' });
  });

  it('refuses a banned user with the reason and the expiry, and lets them in once it expires', async () => {
    const registered = await http.post(`${API}/auth/register`, { username: 'mallory', password: 'mallory password' });
    const until = new Date(Date.now() + 3_600_000);
    await server.prisma.user.update({
      where: { id: registered.body.user.id },
      data: { bannedAt: new Date(), banReason: 'spam', bannedUntil: until },
    });
    const login = await http.post(`${API}/auth/login`, { username: 'mallory', password: 'mallory password' });
    expect(login.status).toBe(403);
    expect(login.body.message).toContain('spam');
    expect(login.body.message).toContain(until.toISOString());
    // An access token issued before the ban stops working at once.
    expect((await http.get(`${API}/me`, { token: registered.body.accessToken })).status).toBe(403);
    expect((await http.post(`${API}/auth/refresh`, { refreshToken: registered.body.refreshToken })).status).toBe(403);

    await server.prisma.user.update({ where: { id: registered.body.user.id }, data: { bannedUntil: new Date(Date.now() - 1000) } });
    expect((await http.post(`${API}/auth/login`, { username: 'mallory', password: 'mallory password' })).status).toBe(200);
  });

  it('creates the first admin from ADMIN_USERNAME / ADMIN_PASSWORD', async () => {
    const login = await http.post(`${API}/auth/login`, { username: 'admin', password: 'admin-password' });
    expect(login.status).toBe(200);
    expect(login.body.user.role).toBe('admin');
  });

  it('refuses missing, malformed and expired access tokens', async () => {
    expect((await http.get(`${API}/me`)).body.message).toMatch(/Missing bearer token/);
    expect((await http.get(`${API}/me`, { token: 'not-a-jwt' })).body).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      message: 'Invalid access token',
    });
    const expired = await startTestServer({ ACCESS_TOKEN_TTL: '1s' });
    try {
      const client = httpClient(expired.baseUrl);
      const { body } = await client.post(`${API}/auth/register`, { username: 'shortlived', password: 'password123' });
      await new Promise((resolve) => setTimeout(resolve, 2_100));
      const me = await client.get(`${API}/me`, { token: body.accessToken });
      expect(me.status).toBe(401);
      expect(me.body.message).toBe('Access token has expired');
    } finally {
      await expired.close();
    }
  });
});
