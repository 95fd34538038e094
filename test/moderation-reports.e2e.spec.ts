import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestServer, type TestServer } from './support/app.js';
import { httpClient, type HttpClient } from './support/http.js';
import { accountWithRole, addSharedFile, ADMIN, API, auditCount, randomSha256, register, signIn, TEST_ENV, type Account } from './moderation-fixtures.js';
import { withNote } from './support/with-note.js';

// Above what the other tests file per account: refused attempts count too (no cheap username probing).
const REPORTS_PER_WINDOW = 10;

describe('reports over HTTP', () => {
  let server: TestServer;
  let http: HttpClient;
  let admin: Account;
  let moderator: Account;
  let reporter: Account;
  let suspect: Account;

  beforeAll(async () => {
    server = await startTestServer({ ...TEST_ENV, REPORT_RATE_LIMIT_PER_USER: String(REPORTS_PER_WINDOW) });
    http = httpClient(server.baseUrl);
    admin = await signIn(http, ADMIN.username, ADMIN.password);
    moderator = await accountWithRole(http, admin, 'mod_rita', 'moderator');
    reporter = await register(http, 'reporter');
    suspect = await register(http, 'Suspect');
  });
  afterAll(() => server.close());

  it('files reports on a hash (shared now or not) and on a user, refusing bad or repeated ones', async () => {
    const offline = randomSha256();
    const fileReport = await http.post(`${API}/reports`, { sha256: offline.toUpperCase(), reason: 'Malware in disguise' }, { token: reporter.token });
    expect(fileReport.status).toBe(201);
    expect(fileReport.body).toEqual({
      id: expect.any(String),
      reporter: { id: reporter.id, username: 'reporter' },
      target: { kind: 'file', sha256: offline, name: null },
      reason: 'Malware in disguise',
      status: 'open',
      createdAt: expect.stringMatching(/Z$/),
      decidedAt: null,
      decidedBy: null,
      note: null,
    });

    const userReport = await http.post(`${API}/reports`, { username: 'suspect', reason: 'Impersonates the admins' }, { token: reporter.token });
    expect(userReport.status).toBe(201);
    expect(userReport.body.target).toEqual({ kind: 'user', userId: suspect.id, username: 'Suspect' });

    const refusals: Array<[unknown, number, RegExp]> = [
      [{ username: 'no_such_user', reason: 'x' }, 404, /User "no_such_user" not found/],
      [{ username: 'reporter', reason: 'x' }, 400, /username: you cannot report yourself/],
      [{ sha256: offline, username: 'suspect', reason: 'x' }, 400, /report exactly one of sha256 or username/],
      [{ reason: 'x' }, 400, /report exactly one of sha256 or username/],
      [{ sha256: 'abc', reason: 'x' }, 400, /sha256: must be 64 hexadecimal digits/],
      [{ sha256: offline, reason: '' }, 400, /reason: is required/],
      [{ sha256: offline, reason: 'x'.repeat(1001) }, 400, /^reason: /],
      [{ sha256: offline, reason: 'again' }, 409, /already have an open report/],
      [{ username: 'SUSPECT', reason: 'again' }, 409, /already have an open report/],
    ];
    for (const [body, status, message] of refusals) {
      const response = await http.post(`${API}/reports`, body, { token: reporter.token });
      withNote(JSON.stringify({ body, response: response.body }), () => expect(response.status).toBe(status));
      expect(response.body.message).toMatch(message);
    }
    expect((await http.post(`${API}/reports`, { sha256: offline, reason: 'x' })).status).toBe(401);
  });

  it('lists reports newest first with the file name the index knows, and decides each once, audited', async () => {
    const shared = randomSha256();
    await addSharedFile(server.prisma, shared, 'totally-legit-installer.exe');
    const reporterTwo = await register(http, 'reporter_two');
    const a = await http.post(`${API}/reports`, { sha256: shared, reason: 'Trojan' }, { token: reporterTwo.token });
    const b = await http.post(`${API}/reports`, { username: 'suspect', reason: 'Harassment in file names' }, { token: reporterTwo.token });
    expect([a.status, b.status]).toEqual([201, 201]);

    const open = await http.get(`${API}/admin/reports?status=open&limit=2`, { token: moderator.token });
    expect(open.status).toBe(200);
    expect(open.body.items.map((report: { id: string }) => report.id)).toEqual([b.body.id, a.body.id]);
    expect(open.body.items[1].target).toEqual({ kind: 'file', sha256: shared, name: 'totally-legit-installer.exe' });
    expect(open.body.nextCursor).not.toBeNull();
    const rest = await http.get(`${API}/admin/reports?status=open&limit=2&cursor=${open.body.nextCursor}`, { token: moderator.token });
    expect(rest.body.items).toHaveLength(2);
    expect(rest.body.nextCursor).toBeNull();

    const before = await auditCount(server.prisma);
    const resolved = await http.post(`${API}/admin/reports/${a.body.id}/resolve`, { note: 'Added to the blocklist' }, { token: moderator.token });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({
      status: 'resolved',
      decidedBy: { id: moderator.id, username: 'mod_rita' },
      decidedAt: expect.stringMatching(/Z$/),
      note: 'Added to the blocklist',
    });
    const dismissed = await http.post(`${API}/admin/reports/${b.body.id}/dismiss`, {}, { token: admin.token });
    expect(dismissed.status).toBe(200);
    expect(dismissed.body).toMatchObject({ status: 'dismissed', decidedBy: { username: 'admin' }, note: null });
    expect(await auditCount(server.prisma)).toBe(before + 2);

    const [dismissEntry, resolveEntry] = (await http.get(`${API}/admin/audit?limit=2`, { token: moderator.token })).body.items;
    expect(resolveEntry).toMatchObject({
      actor: { id: moderator.id, username: 'mod_rita' },
      action: 'report.resolve',
      target: `report:${a.body.id}`,
      targetLabel: 'file totally-legit-installer.exe',
      reason: 'Added to the blocklist',
      detail: 'reported by reporter_two: Trojan',
    });
    expect(dismissEntry).toMatchObject({ action: 'report.dismiss', target: `report:${b.body.id}`, targetLabel: 'user Suspect', reason: null });

    // Decided is final: a second decision of either kind is a conflict and leaves no record.
    for (const verb of ['resolve', 'dismiss']) {
      const again = await http.post(`${API}/admin/reports/${a.body.id}/${verb}`, {}, { token: admin.token });
      expect(again.status).toBe(409);
      expect(again.body.message).toBe('Report was already resolved');
    }
    expect((await http.post(`${API}/admin/reports/00000000-0000-4000-8000-000000000000/resolve`, {}, { token: admin.token })).status).toBe(404);
    expect((await http.post(`${API}/admin/reports/nope/resolve`, {}, { token: admin.token })).status).toBe(400);
    expect((await http.post(`${API}/admin/reports/${b.body.id}/resolve`, { note: 'x'.repeat(1001) }, { token: admin.token })).status).toBe(400);
    expect(await auditCount(server.prisma)).toBe(before + 2);

    const resolvedList = await http.get(`${API}/admin/reports?status=resolved`, { token: moderator.token });
    expect(resolvedList.body.items.map((report: { id: string }) => report.id)).toEqual([a.body.id]);
    const all = await http.get(`${API}/admin/reports`, { token: moderator.token });
    expect(all.body.items.length).toBe(4);
    expect((await http.get(`${API}/admin/reports?status=closed`, { token: moderator.token })).status).toBe(400);

    // Once decided, the same reporter may report the same thing again.
    expect((await http.post(`${API}/reports`, { sha256: shared, reason: 'Still there' }, { token: reporterTwo.token })).status).toBe(201);
  });

  it('limits how many reports one account files per window', async () => {
    const eager = await register(http, 'eager_reporter');
    for (let i = 0; i < REPORTS_PER_WINDOW; i += 1) {
      expect((await http.post(`${API}/reports`, { sha256: randomSha256(), reason: `report ${i}` }, { token: eager.token })).status).toBe(201);
    }
    const limited = await http.post(`${API}/reports`, { sha256: randomSha256(), reason: 'one too many' }, { token: eager.token });
    expect(limited.status).toBe(429);
    expect(limited.body.message).toMatch(/Too many reports from this account/);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
