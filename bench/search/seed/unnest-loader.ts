import type pg from 'pg';
import { type Loader, type OwnerRows } from './loader.js';
import { arrayLiteral, distinctWords, type FileRow, type SessionRows } from './rows.js';

const BATCH_FILES = 5_000;

const INSERT_FILES = `
  INSERT INTO shared_files (id, list_id, generation, path, name, words, size, sha256, ext, type, mtime, piece_root)
  OVERRIDING SYSTEM VALUE
  SELECT id, list_id, $3, path, name, words::text[], size, sha256, ext, type::"FileType", mtime, piece_root
  FROM unnest($1::bigint[], $2::uuid[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::text[], $9::text[], $10::text[], $11::bigint[], $12::text[])
    AS f(id, list_id, path, name, words, size, sha256, ext, type, mtime, piece_root)`;
const INSERT_WORDS = 'INSERT INTO file_words (word, file_id) SELECT * FROM unnest($1::text[], $2::bigint[])';

/**
 * Multi-row INSERT ... SELECT FROM unnest(arrays): one statement per 5,000 files, one batch in
 * flight while the next is generated. Kept to compare against COPY (`--method unnest`).
 */
export async function unnestLoader(pool: pg.Pool): Promise<Loader> {
  let batch: FileRow[] = [];
  let generation = 1;
  let inFlight: Promise<unknown> = Promise.resolve();

  const send = async (files: FileRow[]) => {
    const words: string[] = [];
    const wordFileIds: number[] = [];
    for (const file of files) {
      for (const word of distinctWords(file.words)) {
        words.push(word);
        wordFileIds.push(file.id);
      }
    }
    const column = <T>(pick: (file: FileRow) => T) => files.map(pick);
    await Promise.all([
      pool.query(INSERT_FILES, [
        column((f) => f.id), column((f) => f.listId), generation, column((f) => f.path), column((f) => f.name),
        column((f) => arrayLiteral(f.words)), column((f) => f.size), column((f) => f.sha256), column((f) => f.ext),
        column((f) => f.type), column((f) => f.mtime), column((f) => f.pieceRoot),
      ]),
      pool.query(INSERT_WORDS, [words, wordFileIds]),
    ]);
  };
  const flush = async () => {
    await inFlight;
    const files = batch;
    batch = [];
    inFlight = files.length > 0 ? send(files) : Promise.resolve();
    // Surface a failure on the next call rather than as an unhandled rejection.
    inFlight.catch(() => undefined);
  };

  return {
    async addFiles(rows: SessionRows) {
      generation = rows.list.generation;
      batch.push(...rows.files);
      if (batch.length >= BATCH_FILES) await flush();
    },
    async finish(owners: OwnerRows) {
      await flush();
      await inFlight;
      await pool.query(
        `INSERT INTO users (id, username, username_key, password_hash, role) SELECT id, username, key, $4, 'user' FROM unnest($1::uuid[], $2::text[], $3::text[]) AS u(id, username, key)`,
        [owners.users.map((u) => u.id), owners.users.map((u) => u.username), owners.users.map((u) => u.usernameKey), owners.passwordHash],
      );
      await pool.query(
        `INSERT INTO peer_sessions (id, user_id, node_id, address, firewalled) SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::boolean[])`,
        [owners.sessions.map((s) => s.id), owners.sessions.map((s) => s.userId), owners.sessions.map((s) => s.nodeId), owners.sessions.map((s) => s.address), owners.sessions.map((s) => s.firewalled)],
      );
      await pool.query(
        `INSERT INTO share_lists (id, user_id, session_id, generation, file_count, total_bytes) SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::int[], $5::int[], $6::bigint[])`,
        [owners.lists.map((l) => l.id), owners.lists.map((l) => l.userId), owners.lists.map((l) => l.sessionId), owners.lists.map((l) => l.generation), owners.lists.map((l) => l.fileCount), owners.lists.map((l) => l.totalBytes)],
      );
    },
  };
}
