import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { registerUser } from './support/accounts.js';
import { startTestServer, type TestServer } from './support/app.js';
import { CHROMIUM, CHROMIUM_FLAGS, hasChromium, NO_CHROMIUM } from './support/browser.js';
import { httpClient, type HttpClient, type JsonResponse } from './support/http.js';
import { withNote } from './support/with-note.js';

const API = '/api/v1';

describe('security headers on a sample of routes', () => {
  let server: TestServer;
  let http: HttpClient;
  let token: string;
  let refreshToken: string;

  beforeAll(async () => {
    server = await startTestServer();
    http = httpClient(server.baseUrl);
    ({ accessToken: token, refreshToken } = await registerUser(http, 'header_user'));
  });
  afterAll(() => server.close());

  const sample: Array<[string, () => Promise<JsonResponse>]> = [
    ['GET /me', () => http.get(`${API}/me`, { token })],
    ['GET /me without a token (401)', () => http.get(`${API}/me`)],
    ['GET /search', () => http.get(`${API}/search?q=anything`, { token })],
    ['POST /auth/login with a bad body (400)', () => http.post(`${API}/auth/login`, {})],
    ['an unknown route (404)', () => http.get(`${API}/no-such-route`)],
    ['GET /health', () => http.get('/health')],
    ['GET /metrics', () => http.get('/metrics')],
    ['GET /api/docs-json', () => http.get('/api/docs-json')],
  ];

  it.each(sample)('%s: nosniff, no framing, and a CSP that allows a JSON answer nothing', async (_name, call) => {
    const response = await call();
    withNote(`status ${response.status}`, () => expect(response.headers.get('x-content-type-options')).toBe('nosniff'));
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers.get('x-powered-by')).toBeNull();
  });

  it('answers carrying tokens or keys are never stored by caches', async () => {
    const answers = {
      register: await http.post(`${API}/auth/register`, { username: 'header_user2', password: 'long enough' }),
      login: await http.post(`${API}/auth/login`, { username: 'header_user', password: 'header_user-password' }),
      refresh: await http.post(`${API}/auth/refresh`, { refreshToken }),
      'API key': await http.post(`${API}/me/api-keys`, { name: 'cached?' }, { token }),
    };
    for (const [name, response] of Object.entries(answers)) {
      withNote(`${name}: ${response.status} ${JSON.stringify(response.body)}`, () => expect(response.status).toBeLessThan(300));
      withNote(name, () => expect(response.headers.get('cache-control')).toBe('no-store'));
    }
  });

  it('the OpenAPI UI refuses to be framed and allows only its own scripts', async () => {
    const page = await fetch(`${server.baseUrl}/api/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    const csp = page.headers.get('content-security-policy') ?? '';
    for (const directive of ["frame-ancestors 'none'", "script-src 'self'", "object-src 'none'"]) expect(csp).toContain(directive);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

// Jest cannot give a skip its reason; say it where the run's output shows it.
if (!hasChromium) process.stderr.write(`${NO_CHROMIUM}\n`);

(hasChromium ? describe : describe.skip)('the OpenAPI UI under its CSP, in a real browser', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startTestServer();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('renders every operation with nothing blocked by the policy', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${server.baseUrl}/api/docs`);
    await page.locator('.opblock').first().waitFor({ timeout: 30_000 });
    expect(await page.locator('.opblock-summary-path').filter({ hasText: '/api/v1/auth/login' }).count()).toBe(1);
    // Expanding an operation and its schema runs the UI's own scripts and styles.
    await page.locator('.opblock-summary-path').filter({ hasText: '/api/v1/auth/login' }).click();
    await page.locator('.opblock-body').first().waitFor();
    withNote(problems.join('\n'), () => expect(problems.filter((text) => /Content Security Policy|Refused to/i.test(text))).toEqual([]));
  });
});
