import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestServer, type TestServer } from './support/app.js';
import { httpClient, type HttpClient } from './support/http.js';
import { type ConnectedPeer, connectPeer, entry } from './support/peer-socket.js';
import { withNote } from './support/with-note.js';
import { ADMIN, API, register, signIn, TEST_ENV, type Account } from './moderation-fixtures.js';

/** A cursor as the server encodes them (base64url JSON) holding whatever we like. */
const crafted = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const rawJson = (text: string) => Buffer.from(text).toString('base64url');

/** Refused by every paged route, whatever its cursor holds. */
const GARBAGE: Array<[string, string]> = [
  ['not base64 JSON', 'garbage'],
  ['punctuation', '!!!'],
  ['JSON null', rawJson('null')],
  ['an empty object', crafted({})],
  ['an empty array', crafted([])],
  ['a number too large for a double', rawJson('1e400')],
  ['a NUL inside', crafted('\u0000')],
  ['a raw NUL', '%00'],
  ['far too long', 'A'.repeat(513)],
  ['nested objects', crafted({ a: { b: { c: [1, 2, { d: null }] } } })],
];

const OLD = '0000-01-01T00:00:00Z';

/** Cursors shaped like a route's own but holding values its query cannot take. */
const CRAFTED: Record<string, Array<[string, string]>> = {
  users: [['a NUL in the username key', crafted('user\u0000')]],
  sessions: [
    ['year 0000', crafted([OLD, randomUUID()])],
    ['year 0000 with milliseconds', crafted(['0000-06-15T12:00:00.000Z', randomUUID()])],
    ['a date past year 9999', crafted(['+275760-09-13T00:00:00.000Z', randomUUID()])],
    ['a NUL in the id', crafted(['2026-01-01T00:00:00Z', `${randomUUID()}\u0000`])],
  ],
  blocklist: [
    ['a UUID without encoding', randomUUID()],
    ['not a UUID', crafted('not-a-uuid')],
  ],
  reports: [
    ['year 0000', crafted({ at: OLD, id: randomUUID() })],
    ['a date that does not exist', crafted({ at: '2026-02-30T25:61:00Z', id: randomUUID() })],
  ],
  audit: [
    ['a bigint beyond range', crafted('9223372036854775808')],
    ['nineteen nines', crafted('9999999999999999999')],
    ['a negative id', crafted('-1')],
  ],
  browse: [
    ['a NUL in the path', crafted([randomUUID(), 'music/a\u0000b.mp3'])],
    ['not a UUID', crafted(['not-a-uuid', 'music/a.mp3'])],
  ],
  search: [['another search', crafted({ f: 'other', e: 1, n: 1, h: 'a'.repeat(64) })]],
};

describe('crafted or garbage cursors on every paged route are a 400 naming cursor', () => {
  let server: TestServer;
  let http: HttpClient;
  let admin: Account;
  let user: Account;
  let peer: ConnectedPeer;

  beforeAll(async () => {
    server = await startTestServer({ ...TEST_ENV, SEARCH_RATE_LIMIT_PER_MINUTE: '10000' });
    http = httpClient(server.baseUrl);
    admin = await signIn(http, ADMIN.username, ADMIN.password);
    user = await register(http, 'cursor_user');
    peer = await connectPeer(server.baseUrl, { token: user.token });
    await peer.ok('share:sync', { files: [entry('music/Song.mp3', 'song')], final: true });
  });
  afterAll(async () => {
    peer.close();
    await server.close();
  });

  const routes: Record<string, (cursor: string) => Promise<{ status: number; body: any }>> = {
    users: (cursor) => http.get(`${API}/admin/users?cursor=${cursor}`, { token: admin.token }),
    sessions: (cursor) => http.get(`${API}/admin/sessions?cursor=${cursor}`, { token: admin.token }),
    blocklist: (cursor) => http.get(`${API}/admin/blocklist?cursor=${cursor}`, { token: admin.token }),
    reports: (cursor) => http.get(`${API}/admin/reports?cursor=${cursor}`, { token: admin.token }),
    audit: (cursor) => http.get(`${API}/admin/audit?cursor=${cursor}`, { token: admin.token }),
    browse: (cursor) => http.get(`${API}/users/cursor_user/files?cursor=${cursor}`, { token: user.token }),
    search: (cursor) => http.get(`${API}/search?q=song&cursor=${cursor}`, { token: user.token }),
    'search over the socket': async (cursor) => {
      const ack = await peer.call('search', { q: 'song', cursor: decodeURIComponent(cursor) });
      return ack.ok ? { status: 200, body: ack.data } : { status: ack.error.statusCode, body: ack.error };
    },
  };

  const cases = Object.keys(routes).flatMap((route) =>
    [...GARBAGE, ...(CRAFTED[route.split(' ')[0]!] ?? [])].map(([name, cursor]) => [route, name, cursor] as const),
  );

  it.each(cases)('%s: %s', async (route, _name, cursor) => {
    const response = await routes[route]!(cursor);
    withNote(JSON.stringify(response.body), () => expect(response.status).toBe(400));
    expect(response.body.message).toMatch(/^cursor: /);
  });

  it('the cursors the server hands out still page every route', async () => {
    for (let index = 0; index < 3; index += 1) {
      await register(http, `cursor_pager_${index}`);
      await http.post(`${API}/admin/blocklist`, { pattern: `blocked name ${index}`, reason: 'test' }, { token: admin.token });
    }
    for (const route of ['users', 'blocklist', 'audit']) {
      const first = await http.get(`${API}/admin/${route}?limit=1`, { token: admin.token });
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await http.get(`${API}/admin/${route}?limit=1&cursor=${first.body.nextCursor}`, { token: admin.token });
      withNote(`${route}: ${JSON.stringify(second.body)}`, () => expect(second.status).toBe(200));
      expect(second.body.items).toHaveLength(1);
      expect(second.body.items[0].id).not.toBe(first.body.items[0].id);
    }
  });
});
