import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../../apps/server/src/database/embedded-postgres.js';
import { migrate } from '../../apps/server/src/database/migrator.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** a database on the test PostgreSQL server that may CREATE DATABASE */
    pgAdminUrl: string;
    /** migrated once; every test file clones it (CREATE DATABASE ... TEMPLATE) */
    templateDatabase: string;
    /** prefix of every database this run creates, for clean-up */
    databasePrefix: string;
  }
}

/**
 * One PostgreSQL for the whole run: the machine's when TEST_DATABASE_URL is set, otherwise an
 * embedded one in a temporary directory (a fresh machine has none). The schema is migrated once
 * into a template database that each test file copies.
 */
export default async function setup(project: TestProject) {
  let embedded: EmbeddedPostgresHandle | undefined;
  let dataDir: string | undefined;
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
  await migrate(databaseUrl(adminUrl, template));

  project.provide('pgAdminUrl', adminUrl);
  project.provide('templateDatabase', template);
  project.provide('databasePrefix', prefix);

  return async () => {
    if (embedded) {
      await embedded.stop();
      await rm(dataDir!, { recursive: true, force: true });
      return;
    }
    await withClient(adminUrl, async (client) => {
      const { rows } = await client.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE starts_with(datname, $1)`, [prefix]);
      for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    });
  };
}

export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
