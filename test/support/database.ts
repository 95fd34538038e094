import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** What global set-up (global-setup.js) hands every test worker through the environment. */
const TEST_ENV = {
  /** a database on the test PostgreSQL server that may CREATE DATABASE */
  pgAdminUrl: 'PEERDEX_TEST_PG_ADMIN_URL',
  /** migrated once; every test file clones it (CREATE DATABASE ... TEMPLATE) */
  templateDatabase: 'PEERDEX_TEST_TEMPLATE_DATABASE',
  /** prefix of every database this run creates, for clean-up */
  databasePrefix: 'PEERDEX_TEST_DATABASE_PREFIX',
} as const;

function testEnv(name: keyof typeof TEST_ENV): string {
  const value = process.env[TEST_ENV[name]];
  if (!value) throw new Error(`${TEST_ENV[name]} is unset: run tests through Jest (npm test), whose global set-up provides it`);
  return value;
}

/** A fresh, migrated database of its own (a copy of the run's template). */
export async function createTestDatabase(): Promise<string> {
  return createDatabase(`TEMPLATE "${testEnv('templateDatabase')}"`);
}

/** A database with nothing in it, not even migrations. */
export async function createEmptyDatabase(): Promise<string> {
  return createDatabase('');
}

async function createDatabase(options: string): Promise<string> {
  const name = `${testEnv('databasePrefix')}${randomBytes(6).toString('hex')}`;
  const adminUrl = testEnv('pgAdminUrl');
  await withClient(adminUrl, (client) => client.query(`CREATE DATABASE "${name}" ${options}`));
  return databaseUrl(adminUrl, name);
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
