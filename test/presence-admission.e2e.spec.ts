import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Ack } from '#contracts';
import { type Account, registerUser } from './support/accounts.js';
import { startTestServer, type TestServer } from './support/app.js';
import { eventually } from './support/eventually.js';
import { httpClient, type HttpClient } from './support/http.js';
import { type ConnectedPeer, connectPeer, entry } from './support/peer-socket.js';
import { withNote } from './support/with-note.js';

type Refusal = Error & { data?: { statusCode: number; retryAfter?: number } };

const held: Array<() => Promise<void>> = [];

/** A transaction of the test's own on the server's database, holding locks until released. */
async function holdLock(databaseUrl: string, statement: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query('BEGIN');
  await client.query(statement, params);
  let released = false;
  const release = async () => {
    if (released) return;
    released = true;
    await client.query('COMMIT');
    await client.end();
  };
  held.push(release);
  return {
    /** statements of the server now waiting for a lock */
    waiting: async () =>
      Number((await client.query(`SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`)).rows[0].count),
    release,
  };
}

/** Releases whatever a failed test still holds, so the server can close. */
const releaseAll = async () => {
  for (const release of held.splice(0)) await release();
};

describe('admission under load: bounded queues, 503 with Retry-After, established sessions first', () => {
  let server: TestServer;
  let http: HttpClient;

  beforeAll(async () => {
    server = await startTestServer({ PEER_ADMISSION_CONCURRENCY: '1', PEER_HANDSHAKE_QUEUE: '3', SHARE_SYNC_QUEUE: '3' });
    http = httpClient(server.baseUrl);
  });
  afterAll(async () => {
    await releaseAll();
    await server.close();
  });

  it('refuses what does not fit in the queues with 503 and retryAfter, never 500, and completes everything admitted', async () => {
    const owner = await registerUser(http, 'stalled-owner');
    const stalledPeer = await connectPeer(server.baseUrl, { token: owner.accessToken });
    await stalledPeer.ok('share:sync', { files: [entry('s/Stalled Start.mp3', 'start')], final: true });
    const publishers: ConnectedPeer[] = [];
    for (let n = 0; n < 6; n += 1) publishers.push(await connectPeer(server.baseUrl, { token: (await registerUser(http, `publisher-${n}`)).accessToken }));
    const newcomers: Account[] = [];
    for (let n = 0; n < 6; n += 1) newcomers.push(await registerUser(http, `newcomer-${n}`));

    // The one admission slot is taken by a sync that waits for a lock this test holds.
    const list = await server.prisma.shareList.findFirstOrThrow({ where: { sessionId: stalledPeer.ready.sessionId } });
    const lock = await holdLock(server.config.databaseUrl!, 'SELECT id FROM share_lists WHERE id = $1 FOR UPDATE', [list.id]);
    const order: string[] = [];
    const stalled = stalledPeer.call('share:sync', { files: [entry('s/Stalled Next.mp3', 'next')], final: true });
    await eventually(async () => expect(await lock.waiting()).toBe(1));

    // Handshakes first: three wait in their queue, the others are refused at once.
    const handshakes = newcomers.map((account) =>
      connectPeer(server.baseUrl, { token: account.accessToken }).then(
        (peer) => (order.push('ready'), peer),
        (refusal: Refusal) => refusal,
      ),
    );
    const refusedHandshakes = await eventually(async () => {
      const settled = await Promise.all(handshakes.map((attempt) => Promise.race([attempt, Promise.resolve(undefined)])));
      const refusals = settled.filter((result): result is Refusal => result instanceof Error);
      expect(refusals).toHaveLength(3);
      return refusals;
    });
    for (const refusal of refusedHandshakes) {
      withNote(refusal.message, () => expect(refusal.data).toMatchObject({ statusCode: 503, error: 'Service Unavailable', retryAfter: expect.any(Number) }));
      expect(refusal.data!.retryAfter).toBeGreaterThanOrEqual(1);
    }

    // Then publishes of established sessions: three wait, three are refused at once.
    const syncs = publishers.map((peer, n) =>
      peer.call('share:sync', { files: [entry(`p${n}/Queued Publish ${n}.mp3`, `publish ${n}`)], final: true }).then((ack: Ack<unknown>) => {
        if (ack.ok) order.push('sync');
        return ack;
      }),
    );
    const refusedSyncs = await eventually(async () => {
      const settled = await Promise.all(syncs.map((ack) => Promise.race([ack, Promise.resolve(undefined)])));
      const refusals = settled.filter((ack) => ack !== undefined && !ack.ok);
      expect(refusals).toHaveLength(3);
      return refusals;
    });
    for (const ack of refusedSyncs) {
      expect(ack).toMatchObject({ ok: false, error: { statusCode: 503, error: 'Service Unavailable', retryAfter: expect.any(Number) } });
    }
    expect(order).toEqual([]);

    await lock.release();
    expect(await stalled).toMatchObject({ ok: true, data: { fileCount: 1 } });
    const acks = await Promise.all(syncs);
    const admitted = await Promise.all(handshakes);
    expect(acks.map((ack) => (ack.ok ? 'ok' : String(ack.error.statusCode))).sort()).toEqual(['503', '503', '503', 'ok', 'ok', 'ok']);
    expect(acks.filter((ack) => ack.ok).every((ack) => (ack.data as { fileCount: number }).fileCount === 1)).toBe(true);
    expect(admitted.filter((result) => !(result instanceof Error))).toHaveLength(3);
    // Established sessions were served before the queued newcomers, although those queued first.
    expect(order).toEqual(['sync', 'sync', 'sync', 'ready', 'ready', 'ready']);

    // A refused publish succeeds when retried.
    const retried = publishers.filter((_, n) => !acks[n]!.ok);
    for (const peer of retried) {
      expect(await peer.ok('share:sync', { files: [entry('r/Retried Publish.mp3', peer.ready.sessionId)], final: true })).toMatchObject({ fileCount: 1 });
    }
    for (const peer of [stalledPeer, ...publishers, ...admitted]) if (!(peer instanceof Error)) peer.close();
  });
});

describe('ending sessions under load', () => {
  let server: TestServer;
  let http: HttpClient;

  beforeAll(async () => {
    // A lease far longer than the test: only an ended session, not an expired one, leaves at once.
    server = await startTestServer({ DATABASE_POOL_SIZE: '2', PRESENCE_LEASE: '5m' });
    http = httpClient(server.baseUrl);
  });
  afterAll(async () => {
    await releaseAll();
    await server.close();
  });

  it('ends every disconnected session, in batches, even when the database makes them wait', async () => {
    const peers: ConnectedPeer[] = [];
    for (let n = 0; n < 12; n += 1) {
      const peer = await connectPeer(server.baseUrl, { token: (await registerUser(http, `leaver-${n}`)).accessToken });
      await peer.ok('share:sync', { files: [entry(`l${n}/Leaving ${n}.mp3`, `leaving ${n}`)], final: true });
      peers.push(peer);
    }
    const ids = peers.map((peer) => peer.ready.sessionId);
    const lock = await holdLock(server.config.databaseUrl!, 'LOCK TABLE share_lists IN EXCLUSIVE MODE');
    for (const peer of peers) peer.close();
    await eventually(async () => expect(await lock.waiting()).toBeGreaterThanOrEqual(1));
    // Longer than a connection or a transaction may be waited for.
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    await lock.release();

    await eventually(async () => expect(await server.prisma.peerSession.count({ where: { id: { in: ids } } })).toBe(0), 20_000);
    expect(await server.prisma.shareList.count({ where: { sessionId: { in: ids } } })).toBe(0);
  });
});
