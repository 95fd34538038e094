import type { ChildProcess } from 'node:child_process';
import pg from 'pg';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MetricsService } from '../apps/server/src/metrics/metrics.service.js';
import { type Account, registerUser } from './support/accounts.js';
import { startTestServer, type TestServer } from './support/app.js';
import { createTestDatabase } from './support/database.js';
import { eventually } from './support/eventually.js';
import { httpClient } from './support/http.js';
import { connectPeer, entry } from './support/peer-socket.js';
import { startRedis } from './support/redis.js';
import { startTcpProxy } from './support/tcp-proxy.js';
import { hasTool } from './support/tools.js';

async function searchNames(server: TestServer, account: Account, q: string): Promise<string[]> {
  const response = await httpClient(server.baseUrl).get(`/api/v1/search?q=${encodeURIComponent(q)}&limit=500`, { token: account.accessToken });
  expect(response.status).toBe(200);
  return (response.body.results as Array<{ name: string; sourceCount: number }>).map((result) => `${result.name} (${result.sourceCount})`).sort();
}

async function gapRebuilds(server: TestServer): Promise<number> {
  const metric = await server.app.get(MetricsService).registry.getSingleMetric('peerdex_search_index_rebuilds_total')!.get();
  return metric.values.find((value) => value.labels.reason === 'gap')?.value ?? 0;
}

describe('a node before its search index is built', () => {
  it('answers 503 on /health/ready and on search until it has loaded the directory from PostgreSQL', async () => {
    const DATABASE_URL = await createTestDatabase();
    // Holding a lock on the files keeps the node's load waiting, like a large directory would.
    const locker = new pg.Client({ connectionString: DATABASE_URL });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE shared_files IN ACCESS EXCLUSIVE MODE');
    const server = await startTestServer({ DATABASE_URL }, { waitForSearchIndex: false });
    try {
      const http = httpClient(server.baseUrl);
      const ready = await http.get('/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body.checks['search:index']).toEqual([expect.objectContaining({ status: 'fail', output: 'building the search index from PostgreSQL' })]);
      const account = await registerUser(http, 'too-early');
      const early = await http.get('/api/v1/search?q=anything', { token: account.accessToken });
      expect(early.status).toBe(503);
      expect(early.body.message).toMatch(/search index is still being built/);

      await locker.query('COMMIT');
      await eventually(async () => expect((await http.get('/health/ready')).status).toBe(200));
      expect((await http.get('/api/v1/search?q=anything', { token: account.accessToken })).status).toBe(200);
    } finally {
      await locker.end();
      await server.close();
    }
  });
});

const redisInstalled = hasTool('redis-server');

(redisInstalled ? describe : describe.skip)('two nodes, each searching its own in-memory index', () => {
  let redis: { port: number; process: ChildProcess };
  let DATABASE_URL: string;
  let env: Record<string, string>;
  let nodeA: TestServer;
  let nodeB: TestServer | undefined;
  let searcher: Account;

  beforeAll(async () => {
    redis = await startRedis();
    DATABASE_URL = await createTestDatabase();
    env = { DATABASE_URL, REDIS_URL: `redis://127.0.0.1:${redis.port}`, PRESENCE_LEASE: '2s' };
    nodeA = await startTestServer({ ...env, NODE_ID: 'node-a' });
    searcher = await registerUser(httpClient(nodeA.baseUrl), 'index-searcher');
  });
  afterAll(async () => {
    await nodeA?.close();
    await nodeB?.close();
    redis?.process.kill('SIGKILL');
  });

  it('a node started while another runs builds from PostgreSQL, then follows the stream and agrees with it', async () => {
    const sharer = await registerUser(httpClient(nodeA.baseUrl), 'early-sharer');
    const peer = await connectPeer(nodeA.baseUrl, { token: sharer.accessToken });
    await peer.ok('share:sync', { files: [entry('a/Catch Up One.mp3', 'one'), entry('a/Catch Up Two.ogg', 'two')], final: true });
    nodeB = await startTestServer({ ...env, NODE_ID: 'node-b' });
    const before = await searchNames(nodeA, searcher, 'catch up');
    expect(before).toEqual(['Catch Up One.mp3 (1)', 'Catch Up Two.ogg (1)']);
    expect(await searchNames(nodeB, searcher, 'catch up')).toEqual(before);

    await peer.ok('share:delta', { added: [entry('a/Catch Up Three.flac', 'three')], removed: ['a/Catch Up One.mp3'] });
    const after = await searchNames(nodeA, searcher, 'catch up'); // the node that took the write: at once
    expect(after).toEqual(['Catch Up Three.flac (1)', 'Catch Up Two.ogg (1)']);
    await eventually(async () => expect(await searchNames(nodeB!, searcher, 'catch up')).toEqual(after), 1_000, 20);
    peer.close();
  });

  it('a ban on node A removes the results of a peer on node B from both within 1 s', async () => {
    const sharer = await registerUser(httpClient(nodeA.baseUrl), 'banned-sharer');
    const peer = await connectPeer(nodeB!.baseUrl, { token: sharer.accessToken });
    await peer.ok('share:sync', { files: [entry('b/Forbidden Fruit.mp3', 'fruit')], final: true });
    await eventually(async () => expect(await searchNames(nodeA, searcher, 'forbidden fruit')).toEqual(['Forbidden Fruit.mp3 (1)']), 1_000, 20);

    const admin = (await httpClient(nodeA.baseUrl).post('/api/v1/auth/login', { username: 'admin', password: 'admin-password' })).body.accessToken;
    expect((await httpClient(nodeA.baseUrl).post(`/api/v1/admin/users/${sharer.id}/ban`, { reason: 'index test' }, { token: admin })).status).toBe(200);
    expect(await searchNames(nodeA, searcher, 'forbidden fruit')).toEqual([]);
    await eventually(async () => expect(await searchNames(nodeB!, searcher, 'forbidden fruit')).toEqual([]), 1_000, 20);
    peer.close();
  });

  it('a lease running out removes the results on both nodes', async () => {
    const sharer = await registerUser(httpClient(nodeA.baseUrl), 'silent-sharer');
    const peer = await connectPeer(nodeA.baseUrl, { token: sharer.accessToken }, { heartbeat: false });
    await peer.ok('share:sync', { files: [entry('c/Quiet Song.mp3', 'quiet')], final: true });
    const published = Date.now();
    for (const node of [nodeA, nodeB!]) {
      await eventually(async () => expect(await searchNames(node, searcher, 'quiet song')).toEqual(['Quiet Song.mp3 (1)']), 1_000, 20);
    }
    // No heartbeat: gone once the 2 s lease runs out, on both nodes, within a second of it.
    for (const node of [nodeA, nodeB!]) {
      await eventually(async () => expect(await searchNames(node, searcher, 'quiet song')).toEqual([]), 2_000 + 1_000 - (Date.now() - published), 50);
    }
    peer.close();
  });

  it('a node that missed events (Redis restarted, the stream deleted) resynchronises from PostgreSQL on its own', async () => {
    const sharer = await registerUser(httpClient(nodeA.baseUrl), 'outage-sharer');
    const peer = await connectPeer(nodeA.baseUrl, { token: sharer.accessToken });
    await peer.ok('share:sync', { files: [entry('d/Before Outage.mp3', 'before')], final: true });
    await eventually(async () => expect(await searchNames(nodeB!, searcher, 'outage')).toEqual(['Before Outage.mp3 (1)']), 1_000, 20);

    // Redis dies: the delta's event is lost (the write itself commits to PostgreSQL).
    const rebuildsBefore = await gapRebuilds(nodeB!);
    redis.process.kill('SIGKILL');
    await new Promise((resolve) => redis.process.once('exit', resolve));
    await peer.ok('share:delta', { added: [entry('d/During Outage.mp3', 'during')], removed: [] });
    expect(await searchNames(nodeA, searcher, 'outage')).toEqual(['Before Outage.mp3 (1)', 'During Outage.mp3 (1)']);
    redis = await startRedis(redis.port);
    await eventually(async () => expect(await searchNames(nodeB!, searcher, 'outage')).toEqual(['Before Outage.mp3 (1)', 'During Outage.mp3 (1)']), 15_000);
    expect(await gapRebuilds(nodeB!)).toBeGreaterThan(rebuildsBefore);

    // The stream deleted under the nodes while they wait for events: they notice and rebuild.
    peer.close(); // no heartbeats meanwhile, so nothing starts a new stream at once
    await eventually(async () => expect(await searchNames(nodeB!, searcher, 'outage')).toEqual([]), 1_000, 20);
    const stream = new Redis(env.REDIS_URL!);
    try {
      const rebuildsThen = await gapRebuilds(nodeB!);
      expect(await stream.del((await stream.keys('peerdex:search-events:*'))[0]!)).toBe(1);
      await eventually(async () => expect(await gapRebuilds(nodeB!)).toBeGreaterThan(rebuildsThen), 5_000);
    } finally {
      stream.disconnect();
    }
    const back = await connectPeer(nodeA.baseUrl, { token: sharer.accessToken });
    await back.ok('share:sync', { files: [entry('d/After Outage.mp3', 'after')], final: true });
    await eventually(async () => expect(await searchNames(nodeB!, searcher, 'outage')).toEqual(['After Outage.mp3 (1)']), 1_000, 20);
    back.close();
  });
});

(redisInstalled ? describe : describe.skip)('a node whose events cannot reach Redis while the others can', () => {
  it('makes the other nodes resynchronise once its next event arrives with a hole in its sequence', async () => {
    const redis = await startRedis();
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: redis.port });
    const DATABASE_URL = await createTestDatabase();
    const env = { DATABASE_URL, PRESENCE_LEASE: '3s' };
    const nodeA = await startTestServer({ ...env, REDIS_URL: `redis://127.0.0.1:${proxy.port}`, NODE_ID: 'node-a' });
    const nodeB = await startTestServer({ ...env, REDIS_URL: `redis://127.0.0.1:${redis.port}`, NODE_ID: 'node-b' });
    try {
      const searcher = await registerUser(httpClient(nodeB.baseUrl), 'hole-searcher');
      const sharer = await registerUser(httpClient(nodeA.baseUrl), 'hole-sharer');
      const peer = await connectPeer(nodeA.baseUrl, { token: sharer.accessToken });
      await peer.ok('share:sync', { files: [entry('e/Hole One.mp3', 'one')], final: true });
      await eventually(async () => expect(await searchNames(nodeB, searcher, 'hole')).toEqual(['Hole One.mp3 (1)']), 1_000, 20);

      proxy.cut(); // only node A loses Redis: its event is lost, node B reads on undisturbed
      await peer.ok('share:delta', { added: [entry('e/Hole Two.mp3', 'two')], removed: [] });
      proxy.restore();
      // Node A's next event (its heartbeats, a third of a lease later) shows the hole.
      await eventually(async () => expect(await searchNames(nodeB, searcher, 'hole')).toEqual(['Hole One.mp3 (1)', 'Hole Two.mp3 (1)']), 10_000);
      peer.close();
    } finally {
      await nodeA.close();
      await nodeB.close();
      await proxy.close();
      redis.process.kill('SIGKILL');
    }
  });
});
