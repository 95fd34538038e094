import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { databaseUrl, withClient } from './global-setup.js';

/** A fresh, migrated database of its own (a copy of the run's template). */
export async function createTestDatabase(): Promise<string> {
  const name = `${inject('databasePrefix')}${randomBytes(6).toString('hex')}`;
  const adminUrl = inject('pgAdminUrl');
  await withClient(adminUrl, (client) => client.query(`CREATE DATABASE "${name}" TEMPLATE "${inject('templateDatabase')}"`));
  return databaseUrl(adminUrl, name);
}

/** A database with nothing in it, not even migrations. */
export async function createEmptyDatabase(): Promise<string> {
  const name = `${inject('databasePrefix')}${randomBytes(6).toString('hex')}`;
  const adminUrl = inject('pgAdminUrl');
  await withClient(adminUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
  return databaseUrl(adminUrl, name);
}
