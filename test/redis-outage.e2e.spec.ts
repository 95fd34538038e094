import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { registerUser } from './support/accounts.js';
import { hasTool } from './support/tools.js';
import { startTestServer, type TestServer } from './support/app.js';
import { createTestDatabase } from './support/database.js';
import { eventually } from './support/eventually.js';
import { httpClient } from './support/http.js';
import { connectPeer } from './support/peer-socket.js';
import { startRedis } from './support/redis.js';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';

const available = hasTool('redis-server');

(available ? describe : describe.skip)(
  `two nodes while Redis is away${available ? '' : ' (skipped: redis-server is not installed; apt-get install redis-server)'}`,
  () => {
    let redis: { port: number; process: ChildProcess };
    let proxy: TcpProxy;
    let nodeA: TestServer;
    let nodeB: TestServer;

    beforeAll(async () => {
      redis = await startRedis();
      proxy = await startTcpProxy({ host: '127.0.0.1', port: redis.port });
      const shared = { DATABASE_URL: await createTestDatabase(), REDIS_URL: `redis://127.0.0.1:${proxy.port}`, SEARCH_RATE_LIMIT_PER_MINUTE: '4' };
      nodeA = await startTestServer({ ...shared, NODE_ID: 'node-a' });
      nodeB = await startTestServer({ ...shared, NODE_ID: 'node-b' });
    });
    afterAll(async () => {
      await nodeA?.close();
      await nodeB?.close();
      await proxy?.close();
      redis?.process.kill('SIGTERM');
    });

    it('delivers a kick made on one node to the socket on the other at once', async () => {
      const sharer = await registerUser(httpClient(nodeB.baseUrl), 'kicked-across');
      const peer = await connectPeer(nodeB.baseUrl, { token: sharer.accessToken });
      const ended = new Promise<{ reason: string; cause?: string }>((resolve) => peer.socket.once('session:ended', resolve));
      const httpA = httpClient(nodeA.baseUrl);
      const admin = (await httpA.post('/api/v1/auth/login', { username: 'admin', password: 'admin-password' })).body.accessToken;

      proxy.cut();
      try {
        const kick = await httpA.post(`/api/v1/admin/sessions/${peer.ready.sessionId}/kick`, { reason: 'while redis is away' }, { token: admin });
        expect(kick.status).toBeLessThan(300);
        // Well before a lease (30 s) could end it: the event went through PostgreSQL.
        const timeout = new Promise((resolve) => setTimeout(resolve, 5_000, { reason: 'not delivered within 5 s' }));
        expect(await Promise.race([ended, timeout])).toEqual({ reason: 'Disconnected by a moderator: while redis is away', cause: 'kicked' });
        await eventually(() => expect(peer.socket.connected).toBe(false));
      } finally {
        proxy.restore();
        peer.close();
      }
    });

    it('keeps counting rate limits across nodes', async () => {
      const user = await registerUser(httpClient(nodeA.baseUrl), 'limited-across');
      proxy.cut();
      try {
        const statuses: number[] = [];
        for (const node of [nodeA, nodeB, nodeA, nodeB, nodeA]) {
          statuses.push((await httpClient(node.baseUrl).get('/api/v1/search?q=anything', { token: user.accessToken })).status);
        }
        expect(statuses).toEqual([200, 200, 200, 200, 429]);
      } finally {
        proxy.restore();
      }
    });
  },
);
