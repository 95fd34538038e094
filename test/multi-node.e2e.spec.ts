import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { registerUser } from './support/accounts.js';
import { startTestServer, type TestServer } from './support/app.js';
import { createTestDatabase } from './support/database.js';
import { redisReachable, TEST_REDIS_URL } from './support/redis.js';
import { httpClient } from './support/http.js';
import { connectPeer, entry } from './support/peer-socket.js';

const REDIS_URL = TEST_REDIS_URL;
const redisUp = await redisReachable(REDIS_URL);

(redisUp ? describe : describe.skip)(`two server nodes sharing PostgreSQL and Redis (${REDIS_URL})`, () => {
  let nodeA: TestServer;
  let nodeB: TestServer;

  beforeAll(async () => {
    const DATABASE_URL = await createTestDatabase();
    const shared = { DATABASE_URL, REDIS_URL, SEARCH_RATE_LIMIT_PER_MINUTE: '4' };
    nodeA = await startTestServer({ ...shared, NODE_ID: 'node-a' });
    nodeB = await startTestServer({ ...shared, NODE_ID: 'node-b' });
  });
  afterAll(async () => {
    await nodeA?.close();
    await nodeB?.close();
  });

  it('answers searches over peers of the other node, and a ban on one node ends a session held by the other', async () => {
    const httpA = httpClient(nodeA.baseUrl);
    const httpB = httpClient(nodeB.baseUrl);
    const sharer = await registerUser(httpB, 'on-node-b');
    const searcher = await registerUser(httpA, 'on-node-a');
    const peerOnB = await connectPeer(nodeB.baseUrl, { token: sharer.accessToken });
    await peerOnB.ok('share:sync', { files: [entry('x/Cross Node Song.mp3', 'cross node')], final: true });
    const searchOnA = async () => (await httpA.get('/api/v1/search?q=cross+node', { token: searcher.accessToken })).body.results as unknown[];
    expect(await searchOnA()).toHaveLength(1);

    const ended = new Promise<{ reason: string }>((resolve) => peerOnB.socket.once('session:ended', resolve));
    const admin = (await httpA.post('/api/v1/auth/login', { username: 'admin', password: 'admin-password' })).body.accessToken;
    const ban = await httpA.post(`/api/v1/admin/users/${sharer.id}/ban`, { reason: 'cross-node test' }, { token: admin });
    expect(ban.status).toBe(200);
    expect((await ended).reason).toMatch(/cross-node test/);
    expect(await searchOnA()).toHaveLength(0);
  });

  it('counts rate limits across nodes', async () => {
    const user = await registerUser(httpClient(nodeA.baseUrl), 'rate-limited');
    const statuses: number[] = [];
    for (const node of [nodeA, nodeB, nodeA, nodeB, nodeA]) {
      statuses.push((await httpClient(node.baseUrl).get('/api/v1/search?q=anything', { token: user.accessToken })).status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
  });
});
