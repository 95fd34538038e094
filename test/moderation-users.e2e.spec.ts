import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestServer, type TestServer } from './support/app.js';
import { httpClient, type HttpClient } from './support/http.js';
import {
  accountWithRole,
  addPeerSession,
  ADMIN,
  API,
  auditCount,
  register,
  signIn,
  TEST_ENV,
  type Account,
} from './moderation-fixtures.js';
import { withNote } from './support/with-note.js';

describe('moderating users over HTTP', () => {
  let server: TestServer;
  let http: HttpClient;
  let admin: Account;
  let moderator: Account;

  beforeAll(async () => {
    server = await startTestServer(TEST_ENV);
    http = httpClient(server.baseUrl);
    admin = await signIn(http, ADMIN.username, ADMIN.password);
    moderator = await accountWithRole(http, admin, 'mod_mia', 'moderator');
  });
  afterAll(() => server.close());

  it('lists users by name, filters by a case-insensitive substring and pages with a cursor', async () => {
    const names = ['alice_1', 'Alicex1', 'bob', 'carol', 'dave', 'erin'];
    const accounts = new Map<string, Account>();
    for (const name of names) accounts.set(name, await register(http, name));
    await addPeerSession(server.prisma, accounts.get('bob')!.id);
    await addPeerSession(server.prisma, accounts.get('bob')!.id);

    const found = await http.get(`${API}/admin/users?q=ALICE`, { token: moderator.token });
    expect(found.status).toBe(200);
    expect(found.body.items.map((user: { username: string }) => user.username)).toEqual(['alice_1', 'Alicex1']);
    expect(found.body.nextCursor).toBeNull();
    // "_" is a literal character, not a LIKE wildcard: "e_1" must not match "Alicex1".
    const literal = await http.get(`${API}/admin/users?q=e_1`, { token: moderator.token });
    expect(literal.body.items.map((user: { username: string }) => user.username)).toEqual(['alice_1']);
    expect((await http.get(`${API}/admin/users?q=%25`, { token: moderator.token })).body.items).toEqual([]);
    expect((await http.get(`${API}/admin/users?q=%5C`, { token: moderator.token })).body.items).toEqual([]);

    const bob = (await http.get(`${API}/admin/users?q=bob`, { token: moderator.token })).body.items[0];
    expect(bob).toEqual({
      id: accounts.get('bob')!.id,
      username: 'bob',
      role: 'user',
      createdAt: expect.stringMatching(/Z$/),
      ban: null,
      onlineSessions: 2,
    });

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const page = await http.get(`${API}/admin/users?limit=3${query}`, { token: moderator.token });
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.body.items.map((user: { username: string }) => user.username));
      cursor = page.body.nextCursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(seen).toEqual(['admin', ...names, 'mod_mia'].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));
    expect(pages).toBe(3);

    const badCursor = await http.get(`${API}/admin/users?cursor=not-a-cursor!`, { token: moderator.token });
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.message).toMatch(/^cursor: is not a valid cursor/);
    expect((await http.get(`${API}/admin/users?limit=0`, { token: moderator.token })).status).toBe(400);
    expect((await http.get(`${API}/admin/users?sort=name`, { token: moderator.token })).body.message).toMatch(/unknown field "sort"/);
  });

  it('bans a user: logins and tokens are refused with the reason, refresh tokens revoked, one audit row', async () => {
    const target = await register(http, 'spammer');
    const secondLogin = await signIn(http, 'spammer', 'spammer password');
    const until = new Date(Date.now() + 86_400_000).toISOString();
    const before = await auditCount(server.prisma);

    const banned = await http.post(`${API}/admin/users/${target.id}/ban`, { reason: 'Flooding search with spam', until }, { token: moderator.token });
    expect(banned.status).toBe(200);
    expect(banned.body.ban).toEqual({ reason: 'Flooding search with spam', bannedAt: expect.stringMatching(/Z$/), until });

    const login = await http.post(`${API}/auth/login`, { username: 'spammer', password: 'spammer password' });
    expect(login.status).toBe(403);
    expect(login.body.message).toContain('Flooding search with spam');
    expect((await http.get(`${API}/me`, { token: target.token })).status).toBe(403);
    for (const refreshToken of [target.refreshToken, secondLogin.refreshToken]) {
      // Revoked, and refused as login is: 403 with the ban's reason and expiry (not a bare "revoked").
      const refreshed = await http.post(`${API}/auth/refresh`, { refreshToken });
      expect(refreshed.status).toBe(403);
      expect(refreshed.body.message).toBe(`Account banned until ${until}: Flooding search with spam`);
    }
    const tokens = await server.prisma.refreshToken.findMany({ where: { userId: target.id } });
    expect(tokens.every((token) => token.revokedAt !== null)).toBe(true);

    expect(await auditCount(server.prisma)).toBe(before + 1);
    const audit = await http.get(`${API}/admin/audit?action=user.ban&limit=1`, { token: moderator.token });
    expect(audit.body.items[0]).toEqual({
      id: expect.any(String),
      actor: { id: moderator.id, username: 'mod_mia' },
      action: 'user.ban',
      target: `user:${target.id}`,
      targetLabel: 'spammer',
      reason: 'Flooding search with spam',
      detail: `until ${until}`,
      at: expect.stringMatching(/Z$/),
    });

    // Banning again replaces the ban (here: makes it permanent), audited again.
    const permanent = await http.post(`${API}/admin/users/${target.id}/ban`, { reason: 'Kept at it' }, { token: moderator.token });
    expect(permanent.body.ban).toMatchObject({ reason: 'Kept at it', until: null });
    const latest = (await http.get(`${API}/admin/audit?limit=1`, { token: moderator.token })).body.items[0];
    expect(latest).toMatchObject({ action: 'user.ban', detail: 'permanent (replaces the previous ban)' });
  });

  it('unbans once; a second unban is a conflict and writes nothing', async () => {
    const target = await register(http, 'forgiven');
    await http.post(`${API}/admin/users/${target.id}/ban`, { reason: 'Mistake' }, { token: moderator.token });
    const unbanned = await http.post(`${API}/admin/users/${target.id}/unban`, undefined, { token: moderator.token });
    expect(unbanned.status).toBe(200);
    expect(unbanned.body.ban).toBeNull();
    expect((await http.post(`${API}/auth/login`, { username: 'forgiven', password: 'forgiven password' })).status).toBe(200);
    const entry = (await http.get(`${API}/admin/audit?action=user.unban`, { token: admin.token })).body.items[0];
    expect(entry).toMatchObject({ actor: { id: moderator.id }, target: `user:${target.id}`, targetLabel: 'forgiven', reason: null });

    const before = await auditCount(server.prisma);
    const again = await http.post(`${API}/admin/users/${target.id}/unban`, undefined, { token: moderator.token });
    expect(again.status).toBe(409);
    expect(again.body.message).toBe('forgiven is not banned');
    expect(await auditCount(server.prisma)).toBe(before);
  });

  it('enforces the rules: no acting on oneself, moderators only on users, roles by admins, a future end, known ids', async () => {
    const user = await register(http, 'plain_paul');
    const otherModerator = await accountWithRole(http, admin, 'mod_max', 'moderator');
    const otherAdmin = await accountWithRole(http, admin, 'admin_ada', 'admin');
    const before = await auditCount(server.prisma);
    const ban = { reason: 'because' };

    const refusals: Array<[Promise<{ status: number; body: { message: string } }>, number, RegExp]> = [
      [http.post(`${API}/admin/users/${moderator.id}/ban`, ban, { token: moderator.token }), 403, /cannot ban yourself/],
      [http.post(`${API}/admin/users/${admin.id}/ban`, ban, { token: admin.token }), 403, /cannot ban yourself/],
      [http.patch(`${API}/admin/users/${admin.id}/role`, { role: 'user' }, { token: admin.token }), 403, /cannot change your own role/],
      [http.post(`${API}/admin/users/${otherModerator.id}/ban`, ban, { token: moderator.token }), 403, /only act on plain users; this account is a moderator/],
      [http.post(`${API}/admin/users/${admin.id}/ban`, ban, { token: moderator.token }), 403, /this account is an admin/],
      [http.post(`${API}/admin/users/${admin.id}/unban`, undefined, { token: moderator.token }), 403, /this account is an admin/],
      [http.patch(`${API}/admin/users/${user.id}/role`, { role: 'moderator' }, { token: moderator.token }), 403, /requires the admin role/],
      [http.post(`${API}/admin/users/${user.id}/ban`, { reason: 'x', until: '2020-01-01T00:00:00Z' }, { token: moderator.token }), 400, /until: must be in the future/],
      [http.post(`${API}/admin/users/${user.id}/ban`, { reason: 'x', until: 'tomorrow' }, { token: moderator.token }), 400, /^until: /],
      [http.post(`${API}/admin/users/${user.id}/ban`, { reason: '   ' }, { token: moderator.token }), 400, /reason: is required/],
      [http.post(`${API}/admin/users/${user.id}/ban`, {}, { token: moderator.token }), 400, /reason: is required/],
      [http.post(`${API}/admin/users/00000000-0000-4000-8000-000000000000/ban`, ban, { token: moderator.token }), 404, /User not found/],
      [http.post(`${API}/admin/users/not-a-uuid/ban`, ban, { token: moderator.token }), 400, /id: must be a UUID/],
      [http.patch(`${API}/admin/users/${user.id}/role`, { role: 'superuser' }, { token: admin.token }), 400, /^role: /],
      [http.patch(`${API}/admin/users/${user.id}/role`, { role: 'user' }, { token: admin.token }), 409, /already has the user role/],
    ];
    for (const [pending, status, message] of refusals) {
      const response = await pending;
      withNote(JSON.stringify(response.body), () => expect(response.status).toBe(status));
      expect(response.body.message).toMatch(message);
    }
    expect(await auditCount(server.prisma)).toBe(before);

    // Admins act on moderators and on other admins (never on themselves).
    expect((await http.post(`${API}/admin/users/${otherModerator.id}/ban`, ban, { token: admin.token })).status).toBe(200);
    expect((await http.patch(`${API}/admin/users/${otherAdmin.id}/role`, { role: 'moderator' }, { token: admin.token })).status).toBe(200);
    const roleEntry = (await http.get(`${API}/admin/audit?action=user.role&limit=1`, { token: admin.token })).body.items[0];
    expect(roleEntry).toMatchObject({ actor: { id: admin.id, username: 'admin' }, target: `user:${otherAdmin.id}`, targetLabel: 'admin_ada', detail: 'admin → moderator' });
    // The demoted admin is a moderator at once, without signing in again.
    expect((await http.patch(`${API}/admin/users/${user.id}/role`, { role: 'moderator' }, { token: otherAdmin.token })).status).toBe(403);
    expect(await auditCount(server.prisma)).toBe(before + 2);
  });

  it('pages the audit log newest first and filters it by actor', async () => {
    const actor = await accountWithRole(http, admin, 'mod_audit', 'moderator');
    const targets = await Promise.all(['t_one', 't_two', 't_three'].map((name) => register(http, name)));
    for (const target of targets) await http.post(`${API}/admin/users/${target.id}/ban`, { reason: `ban ${target.username}` }, { token: actor.token });

    const first = await http.get(`${API}/admin/audit?actorId=${actor.id}&limit=2`, { token: admin.token });
    expect(first.body.items.map((entry: { targetLabel: string }) => entry.targetLabel)).toEqual(['t_three', 't_two']);
    const second = await http.get(`${API}/admin/audit?actorId=${actor.id}&limit=2&cursor=${first.body.nextCursor}`, { token: admin.token });
    expect(second.body.items.map((entry: { targetLabel: string }) => entry.targetLabel)).toEqual(['t_one']);
    expect(second.body.nextCursor).toBeNull();

    expect((await http.get(`${API}/admin/audit?action=user.delete`, { token: admin.token })).status).toBe(400);
    expect((await http.get(`${API}/admin/audit?actorId=nobody`, { token: admin.token })).status).toBe(400);
  });

  it('keeps the audit log append-only in the database itself', async () => {
    expect(await auditCount(server.prisma)).toBeGreaterThan(0);
    await expect(server.prisma.$executeRaw`UPDATE audit_log SET reason = 'rewritten'`).rejects.toThrow(/append-only: UPDATE/);
    await expect(server.prisma.$executeRaw`DELETE FROM audit_log`).rejects.toThrow(/append-only: DELETE/);
    await expect(server.prisma.$executeRaw`TRUNCATE audit_log`).rejects.toThrow(/append-only: TRUNCATE/);
    const rewritten = await server.prisma.auditLogEntry.count({ where: { reason: 'rewritten' } });
    expect(rewritten).toBe(0);
  });
});
