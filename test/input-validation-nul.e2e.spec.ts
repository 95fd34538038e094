import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestServer, type TestServer } from './support/app.js';
import { httpClient, type HttpClient, type JsonResponse } from './support/http.js';
import { type ConnectedPeer, connectPeer, entry, sha256Hex } from './support/peer-socket.js';
import { withNote } from './support/with-note.js';
import { ADMIN, API, register, signIn, TEST_ENV, type Account } from './moderation-fixtures.js';

/** PostgreSQL cannot store U+0000 in text: every string that could reach it must be refused first. */
const NUL = '\u0000';
const SHARED = entry('music/Known Song.mp3', 'known song bytes');

describe('a NUL byte in any string is a 400 naming the field, never a 500', () => {
  let server: TestServer;
  let http: HttpClient;
  let admin: Account;
  let user: Account;
  let peer: ConnectedPeer;
  let reportId: string;

  beforeAll(async () => {
    server = await startTestServer({ ...TEST_ENV, SEARCH_RATE_LIMIT_PER_MINUTE: '1000' });
    http = httpClient(server.baseUrl);
    admin = await signIn(http, ADMIN.username, ADMIN.password);
    user = await register(http, 'nul_user');
    peer = await connectPeer(server.baseUrl, { token: user.token });
    await peer.ok('share:sync', { files: [SHARED], final: true });
    const report = await http.post(`${API}/reports`, { username: 'admin', reason: 'a real report' }, { token: user.token });
    reportId = report.body.id as string;
  });
  afterAll(async () => {
    peer.close();
    await server.close();
  });

  type Call = () => Promise<JsonResponse>;
  const rest: Array<[string, string, () => Call]> = [
    ['login username', 'username', () => () => http.post(`${API}/auth/login`, { username: `nul${NUL}user`, password: 'whatever' })],
    ['report username', 'username', () => () => http.post(`${API}/reports`, { username: `adm${NUL}in`, reason: 'spam' }, { token: user.token })],
    ['report reason', 'reason', () => () => http.post(`${API}/reports`, { sha256: SHARED.sha256, reason: `bad${NUL}file` }, { token: user.token })],
    ['API-key name', 'name', () => () => http.post(`${API}/me/api-keys`, { name: `ci${NUL}` }, { token: user.token })],
    ['ban reason', 'reason', () => () => http.post(`${API}/admin/users/${user.id}/ban`, { reason: `spam${NUL}` }, { token: admin.token })],
    ['blocklist pattern', 'pattern', () => () => http.post(`${API}/admin/blocklist`, { pattern: `*.e${NUL}xe`, reason: 'malware' }, { token: admin.token })],
    ['blocklist reason', 'reason', () => () => http.post(`${API}/admin/blocklist`, { sha256: sha256Hex('x'), reason: `mal${NUL}ware` }, { token: admin.token })],
    ['report note', 'note', () => () => http.post(`${API}/admin/reports/${reportId}/resolve`, { note: `done${NUL}` }, { token: admin.token })],
    ['admin user query', 'q', () => () => http.get(`${API}/admin/users?q=nul%00`, { token: admin.token })],
    ['browse username', 'username', () => () => http.get(`${API}/users/nul_user%00/files`, { token: user.token })],
    ['kick reason', 'reason', () => () => http.post(`${API}/admin/sessions/${peer.ready.sessionId}/kick`, { reason: `bye${NUL}` }, { token: admin.token })],
    ['takedown reason', 'reason', () => () => http.delete(`${API}/admin/files/${SHARED.sha256}`, { body: { reason: `gone${NUL}` }, token: admin.token })],
    ['search words', 'q', () => () => http.get(`${API}/search?q=known%00song`, { token: user.token })],
    ['refresh token', 'refreshToken', () => () => http.post(`${API}/auth/refresh`, { refreshToken: `${crypto.randomUUID()}.se${NUL}cret` })],
  ];

  it.each(rest)('REST: %s', async (_name, field, call) => {
    const response = await call()();
    withNote(JSON.stringify(response.body), () => expect(response.status).toBe(400));
    expect(response.body.message).toContain(`${field}: must not contain NUL characters`);
  });

  const socket: Array<[string, string, 'share:delta' | 'search' | 'transfer:report', () => unknown]> = [
    ['share:delta removed path', 'removed.1', 'share:delta', () => ({ removed: ['music/other.mp3', `music/Known${NUL}Song.mp3`] })],
    ['search words', 'q', 'search', () => ({ q: `known${NUL}song` })],
    ['transfer:report reason', 'reason', 'transfer:report', () => ({ sha256: SHARED.sha256, bytes: 0, ok: false, reason: `stalled${NUL}` })],
  ];

  it.each(socket)('socket: %s', async (_name, field, event, payload) => {
    const ack = await peer.call(event, payload() as never);
    withNote(JSON.stringify(ack), () => expect(ack).toMatchObject({ ok: false, error: { statusCode: 400 } }));
    expect(!ack.ok && ack.error.message).toContain(`${field}: must not contain NUL characters`);
  });

  it('changed nothing: the session, the file, the report and the account are as they were', async () => {
    expect(peer.socket.connected).toBe(true);
    expect((await peer.ok('search', { q: 'known song' })).results).toHaveLength(1);
    expect((await http.get(`${API}/admin/reports?status=open`, { token: admin.token })).body.items).toHaveLength(1);
    expect((await http.get(`${API}/me`, { token: user.token })).status).toBe(200);
  });
});
