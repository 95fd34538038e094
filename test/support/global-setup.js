// Jest loads global set-up outside its module transform, so this file is plain JavaScript and
// uses the server's compiled database code: `npm test` builds before it runs Jest.
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const COMPILED = new URL('../../dist/apps/server/src/database/', import.meta.url);
const RUN_STATE = Symbol.for('peerdex.test.run');

/**
 * One PostgreSQL for the whole run: the machine's when TEST_DATABASE_URL is set, otherwise an
 * embedded one in a temporary directory (a fresh machine has none). The schema is migrated once
 * into a template database that each test file copies. What workers need goes through the
 * environment (Jest forks them after this runs); the names are test/support/database.ts's TEST_ENV.
 */
export default async function setup() {
  process.env.TZ = 'UTC';
  if (!existsSync(new URL('migrator.js', COMPILED))) {
    throw new Error('The server is not built: run `npm run build` before Jest (npm test does both)');
  }
  const { startEmbeddedPostgres } = await import(new URL('embedded-postgres.js', COMPILED).href);
  const { migrate } = await import(new URL('migrator.js', COMPILED).href);

  let embedded;
  let dataDir;
  let adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    dataDir = await mkdtemp(join(tmpdir(), 'peerdex-test-pg-'));
    // mkdtemp makes it 0700; as root, PostgreSQL runs as the `postgres` user and must get inside.
    await chmod(dataDir, 0o755);
    embedded = await startEmbeddedPostgres({
      dataDir: join(dataDir, 'postgres'),
      port: 0,
      password: 'peerdex-tests',
      database: 'peerdex_tests',
      log: () => undefined,
    });
    adminUrl = embedded.url;
  }

  const prefix = `peerdex_t${process.pid}_`;
  const template = `${prefix}template`;
  await withClient(adminUrl, (client) => client.query(`CREATE DATABASE "${template}"`));
  const templateUrl = new URL(adminUrl);
  templateUrl.pathname = `/${template}`;
  await migrate(templateUrl.toString());

  process.env.PEERDEX_TEST_PG_ADMIN_URL = adminUrl;
  process.env.PEERDEX_TEST_TEMPLATE_DATABASE = template;
  process.env.PEERDEX_TEST_DATABASE_PREFIX = prefix;
  globalThis[RUN_STATE] = { embedded, dataDir, adminUrl, prefix };
}

/** Stops the embedded server, or drops this run's databases from the machine's. */
export async function teardown() {
  const run = globalThis[RUN_STATE];
  if (!run) return;
  const { embedded, dataDir, adminUrl, prefix } = run;
  if (embedded) {
    await embedded.stop();
    await rm(dataDir, { recursive: true, force: true });
    return;
  }
  await withClient(adminUrl, async (client) => {
    const { rows } = await client.query(`SELECT datname FROM pg_database WHERE starts_with(datname, $1)`, [prefix]);
    for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  });
}

async function withClient(url, work) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
