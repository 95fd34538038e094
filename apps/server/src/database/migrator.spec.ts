import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from '@jest/globals';
import { createEmptyDatabase } from '../../../../test/support/database.js';
import { defaultMigrationsDir, migrate, readMigrations } from './migrator.js';

async function appliedMigrations(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(`SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" ORDER BY migration_name`);
    return rows as Array<{ migration_name: string; checksum: string; finished_at: Date | null }>;
  } finally {
    await client.end();
  }
}

async function copyOfMigrations(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'peerdex-migrations-'));
  await cp(defaultMigrationsDir(), dir, { recursive: true });
  return dir;
}

describe('migrator', () => {
  it('applies every migration once and records it the way prisma migrate deploy does', async () => {
    const url = await createEmptyDatabase();
    const files = await readMigrations(defaultMigrationsDir());
    expect(await migrate(url)).toEqual({ applied: files.map((file) => file.name), alreadyApplied: 0 });
    expect(await migrate(url)).toEqual({ applied: [], alreadyApplied: files.length });

    const rows = await appliedMigrations(url);
    expect(rows.map((row) => [row.migration_name, row.checksum])).toEqual(files.map((file) => [file.name, file.checksum]));
    expect(rows.every((row) => row.finished_at instanceof Date)).toBe(true);
  });

  it('lets two servers starting at once apply each migration exactly once', async () => {
    const url = await createEmptyDatabase();
    const results = await Promise.all([migrate(url), migrate(url), migrate(url)]);
    const count = (await readMigrations(defaultMigrationsDir())).length;
    expect(results.map((result) => result.applied.length).sort()).toEqual([0, 0, count]);
    expect(await appliedMigrations(url)).toHaveLength(count);
  });

  it('stops with a clear error when an applied migration file was edited', async () => {
    const url = await createEmptyDatabase();
    const dir = await copyOfMigrations();
    await migrate(url, { dir });
    const [first] = await readMigrations(dir);
    const file = join(dir, first!.name, 'migration.sql');
    await writeFile(file, (await readFile(file, 'utf8')) + '\n-- an innocent-looking edit\n');
    await expect(migrate(url, { dir })).rejects.toThrow(`Migration ${first!.name} was modified after it was applied`);
  });

  it('rolls back a failing migration completely and records nothing for it', async () => {
    const url = await createEmptyDatabase();
    const dir = await copyOfMigrations();
    const name = '29990101000000_broken';
    await cp(join(dir, (await readMigrations(dir))[0]!.name), join(dir, name), { recursive: true });
    await writeFile(join(dir, name, 'migration.sql'), 'CREATE TABLE half_done (id int);\nSELECT no_such_function();\n');
    await expect(migrate(url, { dir })).rejects.toThrow(/Migration 29990101000000_broken failed and was rolled back: .*no_such_function/);

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rowCount } = await client.query(`SELECT 1 FROM pg_tables WHERE tablename = 'half_done'`);
    await client.end();
    expect(rowCount).toBe(0);
    expect((await appliedMigrations(url)).map((row) => row.migration_name)).not.toContain(name);
  });
});
