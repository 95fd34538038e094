import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ReadinessService } from '../apps/server/src/health/readiness.service.js';
import { startTestServer, type TestServer } from './support/app.js';
import { eventually } from './support/eventually.js';
import { httpClient, type HttpClient } from './support/http.js';

/** The IETF health-check draft's shape (draft-inadarei-api-health-check): status, and checks by component. */
const HEALTH_JSON = /^application\/health\+json/;

async function withDatabaseClosed<T>(server: TestServer, work: () => Promise<T>): Promise<T> {
  const database = new URL(server.config.databaseUrl!).pathname.slice(1);
  const admin = new pg.Client({ connectionString: server.config.databaseUrl!.replace(/\/[^/]+$/, '/postgres') });
  await admin.connect();
  try {
    await admin.query(`ALTER DATABASE "${database}" ALLOW_CONNECTIONS false`);
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [database]);
    return await work();
  } finally {
    await admin.query(`ALTER DATABASE "${database}" ALLOW_CONNECTIONS true`);
    await admin.end();
  }
}

describe('health endpoints', () => {
  let server: TestServer;
  let http: HttpClient;

  beforeAll(async () => {
    server = await startTestServer();
    http = httpClient(server.baseUrl);
  });
  afterAll(() => server.close());

  it('GET /health/live answers pass while the process runs, without touching the database', async () => {
    const live = await http.get('/health/live');
    expect(live.status).toBe(200);
    expect(live.headers.get('content-type')).toMatch(HEALTH_JSON);
    expect(live.headers.get('cache-control')).toBe('no-store');
    expect(live.body).toMatchObject({ status: 'pass', serviceId: server.config.nodeId });
    await withDatabaseClosed(server, async () => expect((await http.get('/health/live')).status).toBe(200));
  });

  it('GET /health/ready checks the database, the migrations and the node; /health is the same check', async () => {
    for (const path of ['/health/ready', '/health']) {
      // The previous test cut the database's connections: the pool may hand out a dead one first.
      const ready = await eventually(async () => {
        const response = await http.get(path);
        expect(response.status).toBe(200);
        return response;
      });
      expect(ready.headers.get('content-type')).toMatch(HEALTH_JSON);
      expect(ready.body.status).toBe('pass');
      expect(ready.body.checks).toEqual({
        'postgresql:connection': [expect.objectContaining({ componentType: 'datastore', status: 'pass', observedUnit: 'ms' })],
        'postgresql:migrations': [expect.objectContaining({ status: 'pass', observedValue: expect.any(Number) })],
        'node:lifecycle': [expect.objectContaining({ status: 'pass' })],
        'search:index': [expect.objectContaining({ status: 'pass', observedUnit: 'files' })],
      });
    }
  });

  it('fails readiness (503) while the database is unreachable, and passes again after', async () => {
    const down = await withDatabaseClosed(server, () => http.get('/health/ready'));
    expect(down.status).toBe(503);
    expect(down.headers.get('content-type')).toMatch(HEALTH_JSON);
    expect(down.body.status).toBe('fail');
    expect(down.body.checks['postgresql:connection'][0]).toMatchObject({ status: 'fail', output: expect.any(String) });
    expect((await http.get('/health/ready')).status).toBe(200);
  });

  it('fails readiness when a migration on disk is not applied to the database', async () => {
    const client = new pg.Client({ connectionString: server.config.databaseUrl! });
    await client.connect();
    try {
      const { rows } = await client.query(`DELETE FROM "_prisma_migrations" WHERE migration_name = (SELECT max(migration_name) FROM "_prisma_migrations") RETURNING *`);
      try {
        const ready = await http.get('/health/ready');
        expect(ready.status).toBe(503);
        expect(ready.body.checks['postgresql:migrations'][0]).toMatchObject({ status: 'fail', output: expect.stringContaining(rows[0].migration_name) });
      } finally {
        const row = rows[0];
        await client.query(`INSERT INTO "_prisma_migrations" SELECT * FROM json_populate_record(NULL::"_prisma_migrations", $1)`, [JSON.stringify(row)]);
      }
    } finally {
      await client.end();
    }
    expect((await http.get('/health/ready')).status).toBe(200);
  });

  it('takes checks other modules register: a failing one fails readiness, a warning one does not', async () => {
    const readiness = server.app.get(ReadinessService);
    let state: 'pass' | 'warn' | 'fail' = 'warn';
    readiness.register('example:component', async () => ({ status: state, output: state === 'pass' ? undefined : 'still building' }));
    const warned = await http.get('/health/ready');
    expect(warned.status).toBe(200);
    expect(warned.body.status).toBe('warn');
    expect(warned.body.checks['example:component']).toEqual([expect.objectContaining({ status: 'warn', output: 'still building' })]);
    state = 'fail';
    expect((await http.get('/health/ready')).status).toBe(503);
    state = 'pass';
    expect((await http.get('/health/ready')).body.status).toBe('pass');
  });

  it('fails readiness once the node is shutting down, while liveness still passes', async () => {
    const other = await startTestServer();
    const otherHttp = httpClient(other.baseUrl);
    const readiness = other.app.get(ReadinessService);
    readiness.beginShutdown();
    try {
      const ready = await otherHttp.get('/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body.checks['node:lifecycle'][0]).toMatchObject({ status: 'fail', output: expect.stringMatching(/shutting down/) });
      expect((await otherHttp.get('/health/live')).status).toBe(200);
    } finally {
      await other.close();
    }
  });
});
