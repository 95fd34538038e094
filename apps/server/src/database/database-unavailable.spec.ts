import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { describe, expect, it } from '@jest/globals';
import { createTestDatabase } from '../../../../test/support/database.js';
import { findFreePort } from './embedded-postgres.js';
import { PrismaClient } from '../generated/prisma/client.js';
import { isDatabaseUnavailable } from './database-unavailable.js';

const failure = (work: () => Promise<unknown>) => work().then(() => new Error('it did not fail'), (error: unknown) => error);

describe('isDatabaseUnavailable, on errors real clients raise', () => {
  it('recognises a server that cannot be reached, through pg and through Prisma', async () => {
    const closed = `postgresql://nobody@127.0.0.1:${await findFreePort()}/none`;
    const pool = new pg.Pool({ connectionString: closed });
    const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: closed }) });
    try {
      expect(isDatabaseUnavailable(await failure(() => pool.query('SELECT 1')))).toBe(true);
      expect(isDatabaseUnavailable(await failure(() => prisma.$queryRaw`SELECT 1`))).toBe(true);
      expect(isDatabaseUnavailable(await failure(() => prisma.user.findFirst()))).toBe(true);
    } finally {
      await pool.end();
      await prisma.$disconnect();
    }
  });

  it('recognises connections ended by the server and a database refusing connections, not bad statements', async () => {
    const url = await createTestDatabase();
    const database = new URL(url).pathname.slice(1);
    const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: 1 }) });
    const admin = new pg.Client({ connectionString: url.replace(/\/[^/]+$/, '/postgres') });
    await admin.connect();
    try {
      expect(isDatabaseUnavailable(await failure(() => prisma.$queryRaw`SELECT no_such_column FROM users`))).toBe(false);
      expect(isDatabaseUnavailable(await failure(() => prisma.user.create({ data: { username: 'x', usernameKey: 'x', passwordHash: null as never } })))).toBe(false);
      await admin.query(`ALTER DATABASE "${database}" ALLOW_CONNECTIONS false`);
      await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [database]);
      expect(isDatabaseUnavailable(await failure(() => prisma.$queryRaw`SELECT 1`))).toBe(true); // 57P01
      expect(isDatabaseUnavailable(await failure(() => prisma.$queryRaw`SELECT 1`))).toBe(true); // 55000, not accepting
    } finally {
      await admin.query(`ALTER DATABASE "${database}" ALLOW_CONNECTIONS true`);
      await admin.end();
      await prisma.$disconnect();
    }
  });
});
