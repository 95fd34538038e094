import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestServer, type TestServer } from './support/app.js';
import { httpClient, type HttpClient } from './support/http.js';
import { accountWithRole, ADMIN, API, register, signIn, TEST_ENV, type Account } from './moderation-fixtures.js';
import { withNote } from './support/with-note.js';

/** Requests fired at the same moment, for real: all are sent before any answer is awaited. */
function together<T>(requests: Array<() => Promise<T>>): Promise<T[]> {
  return Promise.all(requests.map((request) => request()));
}

describe('concurrent requests cannot break the rules that a single request keeps', () => {
  let server: TestServer;
  let http: HttpClient;

  beforeAll(async () => {
    server = await startTestServer(TEST_ENV);
    http = httpClient(server.baseUrl);
  });
  afterAll(() => server.close());

  const activeAdmins = () => server.prisma.user.count({ where: { role: 'admin', bannedAt: null } });

  it('two admins demoting or banning each other at once leave one admin', async () => {
    const bootstrap = await signIn(http, ADMIN.username, ADMIN.password);
    let pair: [Account, Account] = [
      await accountWithRole(http, bootstrap, 'race_admin_0a', 'admin'),
      await accountWithRole(http, bootstrap, 'race_admin_0b', 'admin'),
    ];
    const retired = await http.patch(`${API}/admin/users/${bootstrap.id}/role`, { role: 'user' }, { token: pair[0].token });
    expect(retired.status).toBe(200);

    for (let round = 1; round <= 6; round += 1) {
      expect(await activeAdmins()).toBe(2);
      const [a, b] = pair;
      const act =
        round % 2 === 0
          ? (actor: Account, target: Account) => () => http.post(`${API}/admin/users/${target.id}/ban`, { reason: `round ${round}` }, { token: actor.token })
          : (actor: Account, target: Account) => () => http.patch(`${API}/admin/users/${target.id}/role`, { role: 'user' }, { token: actor.token });
      const answers = await together([act(a, b), act(b, a)]);
      const statuses = answers.map((answer) => answer.status);
      withNote(`round ${round}: ${JSON.stringify(answers.map((answer) => answer.body))}`, () => {
        expect([...statuses].sort()).toEqual([200, 403]);
      });
      expect(await activeAdmins()).toBe(1);
      const survivor = statuses[0] === 200 ? a : b;
      pair = [survivor, await accountWithRole(http, survivor, `race_admin_${round}`, 'admin')];
    }
  });

  it('thirty API keys created at once stop at the cap of twenty', async () => {
    const owner = await register(http, 'key_racer');
    const answers = await together(Array.from({ length: 30 }, (_, index) => () => http.post(`${API}/me/api-keys`, { name: `key ${index}` }, { token: owner.token })));
    const statuses = answers.map((answer) => answer.status);
    withNote(JSON.stringify(statuses), () => {
      expect(statuses.filter((status) => status === 201)).toHaveLength(20);
      expect(statuses.filter((status) => status === 409)).toHaveLength(10);
    });
    expect(await server.prisma.apiKey.count({ where: { userId: owner.id } })).toBe(20);
    const refused = answers.find((answer) => answer.status === 409)!;
    expect(refused.body.message).toMatch(/At most 20 API keys/);
  });
});
