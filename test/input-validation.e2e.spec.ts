import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestServer, type TestServer } from './support/app.js';
import { httpClient, type HttpClient } from './support/http.js';

const REGISTER = '/api/v1/auth/register';

describe('bad input gets a precise error and changes nothing', () => {
  let server: TestServer;
  let http: HttpClient;

  beforeAll(async () => {
    server = await startTestServer();
    http = httpClient(server.baseUrl);
  });
  afterAll(() => server.close());

  const cases: Array<[string, unknown, RegExp]> = [
    ['missing fields', {}, /^username: is required; password: is required$/],
    ['a missing password', { username: 'dave' }, /^password: is required$/],
    ['wrong types', { username: 42, password: ['x'] }, /username: must be a string; password: must be a string/],
    ['an unknown field', { username: 'dave', password: 'long enough', admin: true }, /unknown field "admin"/],
    ['a too-short password', { username: 'dave', password: 'short' }, /^password: must be at least 8 characters$/],
    ['a too-short username', { username: 'da', password: 'long enough' }, /^username: must be 3 to 32 characters$/],
    ['a username with bad characters', { username: 'da ve!', password: 'long enough' }, /username: may contain only letters/],
    ['a too-long username', { username: 'x'.repeat(33), password: 'long enough' }, /^username: must be 3 to 32 characters$/],
    ['a too-long password', { username: 'dave', password: 'x'.repeat(1025) }, /^password: must be at most 1024 characters$/],
    ['an array body', [1, 2], /must be an object/],
  ];

  it.each(cases)('register with %s is a 400 naming the field', async (_name, body, message) => {
    const response = await http.post(REGISTER, body);
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('Bad Request');
    expect(response.body.message).toMatch(message);
    expect(await server.prisma.user.count({ where: { usernameKey: 'dave' } })).toBe(0);
  });

  it('malformed JSON is a 400 that says so', async () => {
    const response = await http.request('POST', REGISTER, { rawBody: '{"username": "dave",' });
    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(/^Malformed JSON body/);
  });

  it('a body that is not JSON is a 400 asking for JSON', async () => {
    const response = await http.request('POST', REGISTER, { rawBody: 'username=dave', headers: { 'content-type': 'text/plain' } });
    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(/Request body is required.*application\/json/);
  });

  it('a 1 MB body is a 413', async () => {
    const response = await http.post(REGISTER, { username: 'dave', password: 'x'.repeat(1024 * 1024) });
    expect(response.status).toBe(413);
    expect(response.body).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });
    expect(response.body.message).toMatch(/larger than/);
  });

  it('a taken username is a 409, whatever its case', async () => {
    expect((await http.post(REGISTER, { username: 'erin', password: 'long enough' })).status).toBe(201);
    const again = await http.post(REGISTER, { username: 'ERIN', password: 'long enough' });
    expect(again.status).toBe(409);
    expect(again.body.message).toBe('Username "ERIN" is already taken');
    expect(await server.prisma.user.count({ where: { usernameKey: 'erin' } })).toBe(1);
  });

  it('login validates its body before checking credentials', async () => {
    const response = await http.post('/api/v1/auth/login', { username: 'erin' });
    expect(response.status).toBe(400);
    expect(response.body.message).toBe('password: is required');
  });

  it('an unknown route is a 404 in the same shape', async () => {
    const response = await http.get('/api/v1/nothing-here');
    expect(response.status).toBe(404);
    expect(Object.keys(response.body).sort()).toEqual(['error', 'message', 'statusCode']);
  });
});

describe('rate limits on sign-in', () => {
  let server: TestServer;
  let http: HttpClient;

  beforeAll(async () => {
    server = await startTestServer({ AUTH_RATE_LIMIT_PER_USERNAME: '3', AUTH_RATE_LIMIT_PER_IP: '8', AUTH_RATE_LIMIT_WINDOW: '1m' });
    http = httpClient(server.baseUrl);
  });
  afterAll(() => server.close());

  it('answers 429 with Retry-After past the per-username limit, even with the right password', async () => {
    await http.post(REGISTER, { username: 'frank', password: 'frank password' });
    for (let attempt = 0; attempt < 3; attempt += 1) {
      expect((await http.post('/api/v1/auth/login', { username: 'Frank', password: 'wrong one' })).status).toBe(401);
    }
    const limited = await http.post('/api/v1/auth/login', { username: 'frank', password: 'frank password' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.body.message).toMatch(/Too many sign-in attempts for this username/);
  });

  it('answers 429 past the per-address limit across usernames', async () => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 6; attempt += 1) {
      statuses.push((await http.post('/api/v1/auth/login', { username: `user${attempt}`, password: 'whatever1' })).status);
    }
    expect(statuses).toContain(429);
    expect(statuses.slice(0, statuses.indexOf(429)).every((status) => status === 401)).toBe(true);
  });
});
