import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { registerUser } from './support/accounts.js';
import { startTestServer, type TestServer } from './support/app.js';
import { httpClient, type HttpClient } from './support/http.js';
import { type ConnectedPeer, connectPeer, entry } from './support/peer-socket.js';

/** Hostile share lists: what a publish must refuse (or survive) without hurting the server. */
describe('publishing hostile share lists', () => {
  let server: TestServer;
  let http: HttpClient;
  let admin: string;

  const newPeer = async (username: string): Promise<ConnectedPeer> =>
    connectPeer(server.baseUrl, { token: (await registerUser(http, username)).accessToken });

  beforeAll(async () => {
    server = await startTestServer({ SEARCH_RATE_LIMIT_PER_MINUTE: '1000' });
    http = httpClient(server.baseUrl);
    admin = (await http.post('/api/v1/auth/login', { username: 'admin', password: 'admin-password' })).body.accessToken;
  });
  afterAll(() => server.close());

  it('matches blocklist globs built to backtrack without freezing the server, while /health keeps answering', async () => {
    for (const pattern of ['*setup*crack*.exe', '*a*a*a*a*b']) {
      expect((await http.post('/api/v1/admin/blocklist', { pattern, reason: `adversarial ${pattern}` }, { token: admin })).status).toBe(201);
    }
    const peer = await newPeer('backtracker');
    // The cases: 300 names of "setup"×100 + "crack"×100, and 124-letter names against *a*a*a*a*b,
    // each of which took a backtracking regular expression seconds (here: many of them).
    const files = [
      ...Array.from({ length: 300 }, (_, n) => entry(`s${n}/${'setup'.repeat(100)}${'crack'.repeat(100)}`, `setup crack ${n}`)),
      ...Array.from({ length: 40 }, (_, n) => entry(`a${n}/${'a'.repeat(124)}`, `a ${n}`)),
      entry('ok/Setup with a crack.exe', 'blocked'),
    ];
    const sync = peer.ok('share:sync', { files, final: true });
    const health = http.get('/health');
    const [ack, healthResponse] = await Promise.all([sync, health]);
    expect(healthResponse.status).toBe(200);
    expect(ack).toMatchObject({ accepted: 340, fileCount: 340, rejected: [{ index: 340, reason: 'blocked: adversarial *setup*crack*.exe' }] });
    peer.close();
  });

  it('refuses names with bidirectional control characters, entry by entry, in syncs and deltas', async () => {
    const peer = await newPeer('spoofer');
    const bidi = ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\u200e', '\u200f', '\u061c'];
    const reason = 'path: must not contain bidirectional control characters (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069)';
    const ack = await peer.ok('share:sync', {
      files: [
        entry('pics/holiday\u202e4pm.exe', 'rlo'),
        ...bidi.map((char, n) => entry(`dir${char}/name ${n}.txt`, `bidi ${n}`)),
        entry('pics/Holiday in Rome.jpg', 'plain'),
      ],
      final: true,
    });
    expect(ack).toEqual({
      accepted: 1,
      fileCount: 1,
      rejected: Array.from({ length: bidi.length + 1 }, (_, index) => ({ index, reason })),
    });
    const delta = await peer.ok('share:delta', { added: [entry('pics/holiday\u20664pm.exe', 'lri'), entry('pics/Fine.jpg', 'fine')], removed: [] });
    expect(delta).toEqual({ added: 1, removed: 0, fileCount: 2, rejected: [{ index: 0, reason }] });
    const found = await peer.ok('search', { q: 'holiday' });
    expect(found.results.map((result: { name: string }) => result.name)).toEqual(['Holiday in Rome.jpg']);
    peer.close();
  });

  describe('share lists whose total size passes 2^63 − 1 bytes', () => {
    const HUGE = Number.MAX_SAFE_INTEGER; // 2^53 − 1, the largest size an entry may have
    const huge = (prefix: string, count: number, from = 0) =>
      Array.from({ length: count }, (_, n) => entry(`${prefix}/file ${from + n}.bin`, `${prefix} ${from + n}`, { size: HUGE }));
    const tooLarge = (total: bigint) =>
      `files: the share list would hold ${total} bytes, more than the limit of 9223372036854775807 (2^63 − 1)`;

    it('refuses a sync batch that would pass the limit with a 400 naming the total, and keeps what was accepted', async () => {
      const peer = await newPeer('hoarder');
      const refused = await peer.call('share:sync', { files: huge('all', 1_100), final: true });
      expect(refused).toEqual({ ok: false, error: { statusCode: 400, error: 'Bad Request', message: tooLarge(1_100n * BigInt(HUGE)) } });

      expect(await peer.ok('share:sync', { files: huge('part', 1_000), final: false })).toMatchObject({ accepted: 1_000 });
      const over = await peer.call('share:sync', { files: huge('part', 100, 1_000), final: false });
      expect(over).toMatchObject({ ok: false, error: { statusCode: 400, message: tooLarge(1_100n * BigInt(HUGE)) } });
      expect(await peer.ok('share:sync', { files: [], final: true })).toMatchObject({ accepted: 0, fileCount: 1_000 });
      peer.close();
    });

    it('refuses a delta that would pass the limit, counting what it removes and replaces', async () => {
      const peer = await newPeer('delta-hoarder');
      await peer.ok('share:sync', { files: huge('d', 1_000), final: true });
      const over = await peer.call('share:delta', { added: huge('d', 100, 1_000), removed: [] });
      expect(over).toMatchObject({ ok: false, error: { statusCode: 400, message: tooLarge(1_100n * BigInt(HUGE)) } });
      // Replacing 20 entries and removing 10 makes room for exactly 10 more.
      const swapped = await peer.ok('share:delta', {
        added: [...huge('d', 20).map((file) => ({ ...file, sha256: 'e'.repeat(64) })), ...huge('d', 10, 1_000)],
        removed: Array.from({ length: 10 }, (_, n) => `d/file ${990 + n}.bin`),
      });
      expect(swapped).toMatchObject({ added: 30, removed: 10, fileCount: 1_000, rejected: [] });
      const row = await server.prisma.shareList.findFirst({ where: { sessionId: peer.ready.sessionId } });
      expect(row?.totalBytes).toBe(1_000n * BigInt(HUGE));
      peer.close();
    });
  });
});
