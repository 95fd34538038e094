import { Injectable } from '@nestjs/common';
import { SqlPool, type SqlRunner } from '../database/sql-pool.service.js';
import { Prisma } from '../generated/prisma/client.js';
import type { PreparedEntry } from './prepared-entry.js';

/**
 * The rows of share lists. Bulk statements only: a batch of 5,000 entries is one INSERT fed from
 * arrays (unnest), never a statement per file. Search reads names from memory (search/memory-index),
 * so no word index is written here.
 */
@Injectable()
export class ShareFilesRepository {
  constructor(private readonly pool: SqlPool) {}

  /** Inserts entries into a generation; returns how many were inserted (a path already there is skipped). */
  async insert(listId: string, generation: number, entries: PreparedEntry[], options: { run?: SqlRunner } = {}): Promise<number> {
    if (entries.length === 0) return 0;
    const run = options.run ?? this.pool.run;
    const [row] = await run<{ inserted: number }>(Prisma.sql`
      WITH input AS (
        SELECT * FROM unnest(
          ${entries.map((e) => e.path)}::text[], ${entries.map((e) => e.name)}::text[],
          ${entries.map((e) => e.words.join(' '))}::text[], ${entries.map((e) => e.size)}::bigint[],
          ${entries.map((e) => e.sha256)}::text[], ${entries.map((e) => e.ext)}::text[],
          ${entries.map((e) => e.type)}::"FileType"[], ${entries.map((e) => e.mtime ?? null)}::bigint[],
          ${entries.map((e) => e.mime ?? null)}::text[], ${entries.map((e) => e.pieceRoot ?? null)}::text[]
        ) AS t(path, name, words, size, sha256, ext, type, mtime, mime, piece_root)
      ), inserted AS (
        INSERT INTO shared_files (list_id, generation, path, name, words, size, sha256, ext, type, mtime, mime, piece_root)
        SELECT ${listId}::uuid, ${generation}::int, path, name, string_to_array(words, ' '), size, sha256, ext, type, mtime, mime, piece_root
        FROM input
        ON CONFLICT (list_id, generation, path) DO NOTHING
        RETURNING 1
      )
      SELECT count(*)::int AS inserted FROM inserted`);
    return row?.inserted ?? 0;
  }

  /** Removes entries by path from a generation; returns how many and their bytes. */
  async removePaths(listId: string, generation: number, paths: string[], run: SqlRunner = this.pool.run): Promise<ListTotals> {
    if (paths.length === 0) return { count: 0, bytes: 0n };
    const [row] = await run<{ count: number; bytes: string }>(Prisma.sql`
      WITH doomed AS (
        DELETE FROM shared_files WHERE list_id = ${listId}::uuid AND generation = ${generation}::int AND path = ANY(${paths}::text[])
        RETURNING size
      )
      SELECT count(*)::int AS count, coalesce(sum(size), 0)::text AS bytes FROM doomed`);
    return toTotals(row);
  }

  /** Deletes up to `limit` rows of a list (one generation, or all when null); returns how many. */
  async purge(listId: string, generation: number | null, limit: number): Promise<number> {
    const [row] = await this.pool.run<{ count: number }>(Prisma.sql`
      WITH doomed AS (
        SELECT id FROM shared_files
        WHERE list_id = ${listId}::uuid AND (${generation}::int IS NULL OR generation = ${generation}::int)
        LIMIT ${limit}
      ), deleted AS (
        DELETE FROM shared_files f USING doomed WHERE f.id = doomed.id RETURNING f.id
      )
      SELECT count(*)::int AS count FROM deleted`);
    return row?.count ?? 0;
  }

  /** Drops entries of a generation that the blocklist forbids (by hash, or by name pattern). */
  async removeBlocked(listId: string, generation: number): Promise<number> {
    const [row] = await this.pool.run<{ count: number }>(Prisma.sql`
      WITH doomed AS (
        DELETE FROM shared_files f
        WHERE EXISTS (SELECT 1 FROM blocklist) -- evaluated once: no scan at all while the blocklist is empty
          AND f.list_id = ${listId}::uuid AND f.generation = ${generation}::int
          AND EXISTS (SELECT 1 FROM blocklist b WHERE b.sha256 = f.sha256 OR f.name ILIKE b.name_like)
        RETURNING 1
      )
      SELECT count(*)::int AS count FROM doomed`);
    return row?.count ?? 0;
  }

  async totals(listId: string, generation: number, run: SqlRunner = this.pool.run): Promise<ListTotals> {
    const [row] = await run<{ count: number; bytes: string }>(Prisma.sql`
      SELECT count(*)::int AS count, coalesce(sum(size), 0)::text AS bytes
      FROM shared_files WHERE list_id = ${listId}::uuid AND generation = ${generation}::int`);
    return toTotals(row);
  }
}

/** Entries and their bytes. A sum of sizes may pass a bigint: it is read as text, exactly. */
export interface ListTotals {
  count: number;
  bytes: bigint;
}

function toTotals(row: { count: number; bytes: string } | undefined): ListTotals {
  return { count: row?.count ?? 0, bytes: BigInt(row?.bytes ?? 0) };
}
