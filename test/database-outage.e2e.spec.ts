import { mkdtemp, writeFile } from 'node:fs/promises';
import pg from 'pg';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { registerUser } from './support/accounts.js';
import { startTestServer, type TestServer } from './support/app.js';
import { createTestDatabase } from './support/database.js';
import { eventually } from './support/eventually.js';
import { httpClient, type HttpClient } from './support/http.js';
import { CliUser, type RunningCommand } from './support/peer-cli.js';
import { connectPeer, entry } from './support/peer-socket.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';
import { withNote } from './support/with-note.js';

const LEASE_MS = 3_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The test database behind a proxy the test cuts and restores: the machine's PostgreSQL keeps running. */
async function databaseBehindProxy(): Promise<{ proxy: TcpProxy; url: string; direct: string }> {
  const direct = await createTestDatabase();
  const { hostname, port } = new URL(direct);
  const proxy = await startTcpProxy({ host: hostname, port: Number(port || 5432) });
  return { proxy, url: proxy.via(direct), direct };
}

describe('a database outage, in process', () => {
  let server: TestServer;
  let proxy: TcpProxy;
  let http: HttpClient;

  beforeAll(async () => {
    const database = await databaseBehindProxy();
    proxy = database.proxy;
    server = await startTestServer({ DATABASE_URL: database.url, PRESENCE_LEASE: `${LEASE_MS}ms`, PEER_PROBE_TIMEOUT: '300ms' });
    http = httpClient(server.baseUrl);
  });
  afterAll(async () => {
    proxy.restore();
    await server?.close();
    await proxy?.close();
  });

  it('answers 503 with Retry-After over REST and in socket acknowledgements, and serves again after', async () => {
    const user = await registerUser(http, 'outage-rest');
    const peer = await connectPeer(server.baseUrl, { token: user.accessToken });
    try {
      proxy.cut();
      for (const response of [
        await http.get('/api/v1/search?q=anything', { token: user.accessToken }),
        await http.post('/api/v1/auth/login', { username: 'outage-rest', password: 'outage-rest-password' }),
      ]) {
        withNote(JSON.stringify(response.body), () => expect(response.status).toBe(503));
        expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(response.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable', message: expect.stringMatching(/database/i) });
      }
      const ack = await peer.call('share:sync', { files: [entry('a/Outage.mp3', 'outage')], final: true });
      expect(ack).toEqual({ ok: false, error: expect.objectContaining({ statusCode: 503, retryAfter: expect.any(Number) }) });
      expect((await http.get('/health/live')).status).toBe(200);
      expect((await http.get('/health/ready')).status).toBe(503);
    } finally {
      proxy.restore();
    }
    await eventually(async () => expect((await http.get('/api/v1/search?q=anything', { token: user.accessToken })).status).toBe(200));
    expect((await peer.call('share:sync', { files: [entry('a/Outage.mp3', 'outage')], final: true })).ok).toBe(true);
    peer.close();
  });

  it('keeps sessions through an outage longer than the lease: the heartbeats kept in memory are written when it ends', async () => {
    const user = await registerUser(http, 'outage-sharer');
    const peer = await connectPeer(server.baseUrl, { token: user.accessToken });
    await peer.ok('share:sync', { files: [entry('b/Survivor Song.mp3', 'survivor')], final: true });
    const search = () => http.get('/api/v1/search?q=survivor', { token: user.accessToken });
    expect((await search()).body.results).toHaveLength(1);
    let ended: unknown;
    peer.socket.on('session:ended', (reason) => (ended = reason));

    proxy.cut();
    await sleep(2.5 * LEASE_MS); // heartbeats go on over the socket; none can be written
    proxy.restore();

    const results = await eventually(async () => {
      const found = (await search()).body.results;
      expect(found).toHaveLength(1);
      return found;
    }, 15_000);
    expect(results[0].sources.map((source: { sessionId: string }) => source.sessionId)).toEqual([peer.ready.sessionId]);
    // Several sweeps later the session is still there: nothing expired it after the outage.
    await sleep(LEASE_MS);
    expect((await search()).body.results).toHaveLength(1);
    expect(ended).toBeUndefined();
    expect(peer.socket.connected).toBe(true);
    peer.close();
  });
});

describe('a database outage seen by a peer daemon', () => {
  let server: ServerProcess;
  let proxy: TcpProxy;
  let direct: string;
  let daemon: RunningCommand | undefined;

  beforeAll(async () => {
    const database = await databaseBehindProxy();
    proxy = database.proxy;
    direct = database.direct;
    server = await startServerProcess({
      DATABASE_URL: database.url,
      JWT_SECRET: 'x'.repeat(40),
      PRESENCE_LEASE: `${LEASE_MS}ms`,
      PEER_PROBE_TIMEOUT: '300ms',
      LOG_LEVEL: 'warn',
    });
  });
  afterAll(async () => {
    proxy.restore();
    await daemon?.stop();
    await server?.stop();
    await proxy?.close();
  });

  it('retries a change refused during the outage, and reconnects and republishes when its session ends by expiry', async () => {
    const user = await CliUser.create(server.baseUrl);
    await user.register('outage-daemon');
    const share = await mkdtemp(join(tmpdir(), 'outage-share-'));
    await writeFile(join(share, 'Before Outage.txt'), 'before');
    await user.run(['share', share]);
    daemon = user.spawn(['up', '--port', '0', '--host', '127.0.0.1']);
    await daemon.waitFor(/Published 1 file\b/);
    const names = async (words: string) => {
      const result = await user.run(['search', ...words.split(' '), '--json']);
      return result.code === 0 ? (JSON.parse(result.stdout).results as Array<{ name: string }>).map((found) => found.name) : [`exit ${result.code}: ${result.stderr}`];
    };

    // A file added while the database is down: its share:delta is refused (503) and must be retried.
    proxy.cut();
    await writeFile(join(share, 'During Outage.txt'), 'during');
    await daemon.waitFor(/Shares changed: 1 added/);
    await sleep(1_500);
    proxy.restore();
    await eventually(async () => expect(await names('during outage')).toEqual(['During Outage.txt']), 20_000, 500);

    // The session ends for a reason other than a kick or a ban (its row expired, as when another
    // node swept it): the daemon connects again and publishes, by itself.
    const before = daemon.output.length;
    await withRow(direct, `DELETE FROM peer_sessions`);
    await eventually(() => expect(daemon!.output.slice(before)).toMatch(/Connected to .* as session/), 20_000, 200);
    withNote(daemon.output, () => expect(daemon!.child.exitCode).toBeNull());
    await eventually(async () => expect(await names('before outage')).toEqual(['Before Outage.txt']), 20_000, 500);
  });
});

async function withRow(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
