import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestServer, type TestServer } from './support/app.js';
import { httpClient, type JsonResponse, requestFrom } from './support/http.js';
import { withNote } from './support/with-note.js';

const LOGIN = '/api/v1/auth/login';

/** Each client signs in from an address of its own on loopback. */
function clientAt(server: TestServer, address: string) {
  return {
    login: (username: string, password: string) => requestFrom(address, `${server.baseUrl}${LOGIN}`, 'POST', { body: { username, password } }),
    changePassword: (token: string, currentPassword: string, newPassword: string) =>
      requestFrom(address, `${server.baseUrl}/api/v1/me/password`, 'PATCH', { token, body: { currentPassword, newPassword } }),
  };
}

async function statuses(attempts: number, attempt: () => Promise<JsonResponse>): Promise<{ statuses: number[]; last: JsonResponse }> {
  const seen: number[] = [];
  let last: JsonResponse | undefined;
  for (let index = 0; index < attempts; index += 1) {
    last = await attempt();
    seen.push(last.status);
  }
  return { statuses: seen, last: last! };
}

function expectRetryAfter(response: JsonResponse, atMostSeconds: number): void {
  withNote(JSON.stringify(response.body), () => expect(response.status).toBe(429));
  const retryAfter = Number(response.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(atMostSeconds);
}

describe('guessing passwords at sign-in', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({
      AUTH_RATE_LIMIT_PER_IP: '1000',
      AUTH_RATE_LIMIT_PER_USERNAME: '10',
      AUTH_RATE_LIMIT_USERNAME_WINDOW: '15m',
      AUTH_RATE_LIMIT_PER_USERNAME_GLOBAL: '25',
      AUTH_RATE_LIMIT_GLOBAL_WINDOW: '1h',
    });
    await httpClient(server.baseUrl).post('/api/v1/auth/register', { username: 'owner', password: 'owner password' });
    await httpClient(server.baseUrl).post('/api/v1/auth/register', { username: 'target', password: 'target password' });
    await httpClient(server.baseUrl).post('/api/v1/auth/register', { username: 'typo', password: 'typo password' });
  });
  afterAll(() => server.close());

  it('stops a guesser at one address after ten wrong passwords, and the owner still signs in from their own', async () => {
    const guesser = clientAt(server, '127.0.0.2');
    const { statuses: seen, last } = await statuses(12, () => guesser.login('OWNER', 'not the password'));
    expect(seen).toEqual([...Array<number>(10).fill(401), 429, 429]);
    expectRetryAfter(last, 15 * 60);
    expect(last.body.message).toMatch(/Too many sign-in attempts for this username/);
    // Even the right password is refused to that address until the window ends...
    expect((await guesser.login('owner', 'owner password')).status).toBe(429);
    // ...but the owner, elsewhere, is not locked out.
    const owner = await clientAt(server, '127.0.0.3').login('owner', 'owner password');
    withNote(JSON.stringify(owner.body), () => expect(owner.status).toBe(200));
  });

  it('a slower limit over every address stops a guesser spread over many, with Retry-After', async () => {
    const seen: number[] = [];
    // 25 failures allowed per hour from all addresses together: 5 addresses × 5 wrong guesses.
    for (let host = 10; host < 15; host += 1) {
      const guesser = clientAt(server, `127.0.1.${host}`);
      for (let attempt = 0; attempt < 5; attempt += 1) seen.push((await guesser.login('target', `guess ${host}-${attempt}`)).status);
    }
    expect(seen).toEqual(Array<number>(25).fill(401));
    const next = await clientAt(server, '127.0.1.99').login('target', 'one more guess');
    expectRetryAfter(next, 3600);
    expect(next.body.message).toMatch(/Too many sign-in attempts for this username/);
  });

  it('a successful sign-in clears the count of that address', async () => {
    const typist = clientAt(server, '127.0.0.4');
    for (let round = 0; round < 3; round += 1) {
      const { statuses: seen } = await statuses(8, () => typist.login('typo', 'tpyo password'));
      expect(seen).toEqual(Array<number>(8).fill(401));
      expect((await typist.login('typo', 'typo password')).status).toBe(200);
    }
  });
});

describe('guessing the current password to change it', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ PASSWORD_CHANGE_RATE_LIMIT_PER_USER: '5', PASSWORD_CHANGE_RATE_LIMIT_WINDOW: '15m' });
  });
  afterAll(() => server.close());

  it('answers 429 with Retry-After after a few wrong current passwords, for that account only', async () => {
    const http = httpClient(server.baseUrl);
    const victim = (await http.post('/api/v1/auth/register', { username: 'victim', password: 'victim password' })).body.accessToken as string;
    const bystander = (await http.post('/api/v1/auth/register', { username: 'bystander', password: 'bystander password' })).body.accessToken as string;
    const thief = clientAt(server, '127.0.0.5');

    const { statuses: seen, last } = await statuses(40, () => thief.changePassword(victim, 'a guess', 'stolen password'));
    expect(seen.slice(0, 5)).toEqual(Array<number>(5).fill(403));
    expect(seen.slice(5)).toEqual(Array<number>(35).fill(429));
    expectRetryAfter(last, 15 * 60);
    expect(last.body.message).toMatch(/Too many password changes/);
    // The right current password does not get through either, from anywhere, until the window ends.
    expect((await clientAt(server, '127.0.0.6').changePassword(victim, 'victim password', 'new victim password')).status).toBe(429);

    const other = await thief.changePassword(bystander, 'bystander password', 'new bystander password');
    expect(other.status).toBe(204);
  });
});
