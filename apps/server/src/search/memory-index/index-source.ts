import { Injectable } from '@nestjs/common';
import { BLAMES_TO_DELIST } from '#contracts';
import { AppConfig } from '../../config/app-config.js';
import { SqlPool } from '../../database/sql-pool.service.js';
import { Prisma } from '../../generated/prisma/client.js';
import { compilePattern, foldName } from '../../shares/blocklist-pattern.js';
import { type IndexedFile, type IndexedSession, MemoryIndex } from './memory-index.js';

/** Rows fetched per round trip while loading: memory stays flat whatever the directory's size. */
const FETCH_ROWS = 20_000;

/** A live file as the load reads it: an IndexedFile in column names, with its list and session. */
type FileRow = Omit<IndexedFile, 'pieceRoot'> & { list_id: string; session_id: string; piece_root: string | null };

const FILE_COLUMNS = Prisma.sql`f.list_id, l.session_id, f.path, f.name, f.words, f.size::float8 AS size, f.sha256, f.ext, f.type::text AS type, f.piece_root`;

/**
 * Reads what search needs from PostgreSQL, the record: the whole directory when a node starts
 * (or resynchronises), one share list when an event names it, the blocklist, blame counts.
 */
@Injectable()
export class IndexSource {
  constructor(
    private readonly sql: SqlPool,
    private readonly config: AppConfig,
  ) {}

  /**
   * A new index from one consistent snapshot (REPEATABLE READ), files streamed through a cursor
   * in id order, so postings come out oldest first as the SQL index had them.
   */
  async build(): Promise<MemoryIndex> {
    const index = new MemoryIndex(this.config.presenceLeaseMs);
    const client = await this.sql.pool.connect();
    const query = async <T>(sql: Prisma.Sql) => (await client.query(sql.text, sql.values)).rows as T[];
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      for (const session of await query<SessionRow>(SESSIONS_SQL)) index.putSession(toSession(session));
      await client.query(
        `DECLARE index_files NO SCROLL CURSOR FOR SELECT ${FILE_COLUMNS.text}
         FROM shared_files f JOIN share_lists l ON l.id = f.list_id AND l.generation = f.generation
         WHERE l.session_id IS NOT NULL ORDER BY f.id`,
      );
      for (;;) {
        const { rows } = await client.query<FileRow>(`FETCH ${FETCH_ROWS} FROM index_files`);
        for (const row of rows) index.appendToList(row.list_id, row.session_id, toFile(row));
        if (rows.length < FETCH_ROWS) break;
      }
      const blocklist = await query<BlockRow>(BLOCKLIST_SQL);
      index.setBlocklist(...blockRules(blocklist));
      for (const blame of await query<BlameRow>(BLAMES_SQL)) index.setBlames(blame.session_id, blame.sha256, blame.blames);
      await client.query('COMMIT');
      return index;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** A live list's session and files now; session null when it is detached or gone. */
  async list(listId: string): Promise<{ sessionId: string | null; files: IndexedFile[] }> {
    const rows = await this.sql.run<FileRow>(Prisma.sql`
      SELECT ${FILE_COLUMNS}
      FROM share_lists l JOIN shared_files f ON f.list_id = l.id AND f.generation = l.generation
      WHERE l.id = ${listId}::uuid AND l.session_id IS NOT NULL ORDER BY f.id`);
    if (rows.length > 0) return { sessionId: rows[0]!.session_id, files: rows.map(toFile) };
    const [list] = await this.sql.run<{ session_id: string | null }>(Prisma.sql`SELECT session_id FROM share_lists WHERE id = ${listId}::uuid`);
    return { sessionId: list?.session_id ?? null, files: [] };
  }

  async session(id: string): Promise<IndexedSession | undefined> {
    const [row] = await this.sql.run<SessionRow>(Prisma.sql`${SESSIONS_SQL} WHERE s.id = ${id}::uuid`);
    return row && toSession(row);
  }

  async blocklist(): Promise<Parameters<MemoryIndex['setBlocklist']>> {
    return blockRules(await this.sql.run<BlockRow>(BLOCKLIST_SQL));
  }

  async blames(sha256: string, sessionIds: string[]): Promise<Array<{ sessionId: string; blames: number }>> {
    const rows = await this.sql.run<{ session_id: string; blames: number }>(Prisma.sql`
      SELECT s.id::text AS session_id, (SELECT count(*)::int FROM source_blames b WHERE b.session_id = s.id AND b.sha256 = ${sha256}) AS blames
      FROM unnest(${sessionIds}::uuid[]) AS s(id)`);
    return rows.map((row) => ({ sessionId: row.session_id, blames: row.blames }));
  }
}

interface SessionRow {
  id: string;
  user_id: string;
  username: string;
  username_key: string;
  firewalled: boolean;
  connected_at: Date;
  last_seen_at: Date;
}

interface BlockRow {
  sha256: string | null;
  pattern: string | null;
}

interface BlameRow {
  session_id: string;
  sha256: string;
  blames: number;
}

const SESSIONS_SQL = Prisma.sql`
  SELECT s.id, s.user_id, u.username, u.username_key, s.firewalled, s.connected_at, s.last_seen_at
  FROM peer_sessions s JOIN users u ON u.id = s.user_id`;
const BLOCKLIST_SQL = Prisma.sql`SELECT sha256, pattern FROM blocklist`;
const BLAMES_SQL = Prisma.sql`
  SELECT session_id::text, sha256, count(*)::int AS blames FROM source_blames
  GROUP BY session_id, sha256 HAVING count(*) >= ${BLAMES_TO_DELIST}`;

function toSession(row: SessionRow): IndexedSession {
  return {
    id: row.id,
    userId: row.user_id,
    username: row.username,
    usernameKey: row.username_key,
    firewalled: row.firewalled,
    connectedAt: row.connected_at.getTime(),
    lastSeenAt: row.last_seen_at.getTime(),
  };
}

function toFile(row: FileRow): IndexedFile {
  return { path: row.path, name: row.name, words: row.words, size: row.size, sha256: row.sha256, ext: row.ext, type: row.type, pieceRoot: row.piece_root };
}

function blockRules(rows: BlockRow[]): Parameters<MemoryIndex['setBlocklist']> {
  const hashes = new Set(rows.flatMap((row) => (row.sha256 ? [row.sha256] : [])));
  const patterns = rows.flatMap((row) => (row.pattern ? [compilePattern(row.pattern)] : []));
  return [hashes, (sha256, name) => {
      if (hashes.has(sha256)) return true;
      if (patterns.length === 0) return false;
      const folded = foldName(name);
      return patterns.some((test) => test(folded));
    },
  ];
}
