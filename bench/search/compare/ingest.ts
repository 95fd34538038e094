import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { fileExtension, fileName, fileType, nameWords } from '#contracts';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { type LibraryFile } from '../corpus.js';
import { arrayLiteral } from '../seed/rows.js';

const COPY_TABLE = 'bench_copy_ingest';
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const text = (value: string | number | null) => (value === null ? '\\N' : String(value).replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]!));

/**
 * The yardstick of ingest: the same rows a share:sync would write (name, words, extension and
 * type derived in the timed part, as the server must), COPYed into a plain table with the
 * directory's columns and no index, on one connection. Resolves to the milliseconds it took.
 */
export async function copyRows(pool: pg.Pool, files: LibraryFile[], listId: string): Promise<number> {
  await pool.query(`CREATE TABLE IF NOT EXISTS ${COPY_TABLE} (list_id uuid, generation int, path text, name text, words text[], size bigint, sha256 text, ext text, type "FileType", mtime bigint, piece_root text)`);
  await pool.query(`TRUNCATE ${COPY_TABLE}`);
  const client = await pool.connect();
  try {
    const started = performance.now();
    const stream = client.query(copyFrom(`COPY ${COPY_TABLE} FROM STDIN`));
    let chunk = '';
    for (const file of files) {
      const name = fileName(file.path);
      const ext = fileExtension(name);
      chunk += `${[listId, 1, text(file.path), text(name), text(arrayLiteral(nameWords(name))), file.size, file.sha256, text(ext), fileType(ext), file.mtime ?? '\\N', file.pieceRoot ?? '\\N'].join('\t')}\n`;
      if (chunk.length > 256 * 1024) {
        if (!stream.write(chunk)) await once(stream, 'drain');
        chunk = '';
      }
    }
    const finished = Promise.race([once(stream, 'finish'), once(stream, 'error').then(([error]) => Promise.reject(error as Error))]);
    stream.end(chunk);
    await finished;
    return performance.now() - started;
  } finally {
    client.release();
  }
}

export async function dropCopyTable(pool: pg.Pool): Promise<void> {
  await pool.query(`DROP TABLE IF EXISTS ${COPY_TABLE}`);
}
