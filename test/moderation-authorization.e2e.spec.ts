import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestServer, type TestServer } from './support/app.js';
import { httpClient, type HttpClient, type JsonResponse } from './support/http.js';
import { accountWithRole, ADMIN, API, randomSha256, register, signIn, TEST_ENV, type Account } from './moderation-fixtures.js';
import { withNote } from './support/with-note.js';

const SOME_ID = '00000000-0000-4000-8000-000000000000';
const SOME_SHA256 = randomSha256();

interface AdminRoute {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  body?: unknown;
  /** moderators may not call it either */
  adminOnly?: boolean;
}

/** Every route of the moderation API: the panel calls them all. */
const ADMIN_ROUTES: AdminRoute[] = [
  { method: 'GET', path: '/admin/users' },
  { method: 'POST', path: `/admin/users/${SOME_ID}/ban`, body: { reason: 'r' } },
  { method: 'POST', path: `/admin/users/${SOME_ID}/unban` },
  { method: 'PATCH', path: `/admin/users/${SOME_ID}/role`, body: { role: 'moderator' }, adminOnly: true },
  { method: 'GET', path: '/admin/reports' },
  { method: 'POST', path: `/admin/reports/${SOME_ID}/resolve`, body: {} },
  { method: 'POST', path: `/admin/reports/${SOME_ID}/dismiss`, body: {} },
  { method: 'GET', path: '/admin/audit' },
  { method: 'GET', path: '/admin/stats' },
  { method: 'GET', path: '/admin/sessions' },
  { method: 'POST', path: `/admin/sessions/${SOME_ID}/kick`, body: {} },
  { method: 'DELETE', path: `/admin/files/${SOME_SHA256}` },
  { method: 'GET', path: '/admin/blocklist' },
  { method: 'POST', path: '/admin/blocklist', body: { pattern: '*.exe', reason: 'r' } },
  { method: 'DELETE', path: `/admin/blocklist/${SOME_ID}` },
];

/** Nest's answer for a path no controller declares. */
function isUnroutable(response: JsonResponse): boolean {
  return response.status === 404 && /^Cannot (GET|POST|PATCH|DELETE) /.test(String(response.body?.message));
}

describe('who may call the moderation API', () => {
  let server: TestServer;
  let http: HttpClient;
  let user: Account;
  let moderator: Account;

  beforeAll(async () => {
    server = await startTestServer(TEST_ENV);
    http = httpClient(server.baseUrl);
    const admin = await signIn(http, ADMIN.username, ADMIN.password);
    user = await register(http, 'plain_user');
    moderator = await accountWithRole(http, admin, 'the_moderator', 'moderator');
  });
  afterAll(() => server.close());

  const call = (route: AdminRoute, token?: string) =>
    http.request(route.method, `${API}${route.path}`, { token, ...(route.body !== undefined ? { body: route.body } : {}) });

  describe.each(ADMIN_ROUTES)('$method $path', (route) => {
    it('is refused to anonymous callers (401) and plain users (403)', async () => {
      const anonymous = await call(route);
      withNote(JSON.stringify(anonymous.body), () => expect(anonymous.status).toBe(401));
      const plain = await call(route, user.token);
      withNote(JSON.stringify(plain.body), () => expect(plain.status).toBe(403));
      expect(plain.body.message).toMatch(/requires the (moderator or admin|admin) role/);
    });

    it(route.adminOnly ? 'is refused to moderators (403)' : 'is open to moderators', async () => {
      const response = await call(route, moderator.token);
      if (route.adminOnly) {
        expect(response.status).toBe(403);
        expect(response.body.message).toBe('This action requires the admin role');
      } else {
        // Past the guards: a listing answers, an action on an unknown id is a 404 from the service.
        withNote(JSON.stringify(response.body), () => expect([200, 201, 204, 404]).toContain(response.status));
        if (response.status === 404) expect(isUnroutable(response)).toBe(false);
      }
    });
  });

  it('documents every built admin route in the OpenAPI document, with its error statuses', async () => {
    const document = (await http.get('/api/docs-json')).body as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    for (const route of ADMIN_ROUTES) {
      const template = `${API}${route.path}`.replace(SOME_ID, '{id}').replace(SOME_SHA256, '{sha256}');
      const operation = document.paths[template]?.[route.method.toLowerCase()];
      withNote(`${route.method} ${template} is documented`, () => expect(operation).toBeDefined());
      expect(Object.keys(operation!.responses)).toEqual(expect.arrayContaining(['401', '403']));
    }
    expect(document.paths[`${API}/reports`]?.post?.responses).toHaveProperty('201');
  });
});
