import { once } from 'node:events';
import type pg from 'pg';
import { from as copyFrom, type CopyStreamQuery } from 'pg-copy-streams';
import { type Loader, type OwnerRows } from './loader.js';
import { arrayLiteral, distinctWords, type SessionRows } from './rows.js';

const NULL = '\\N';
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
/** Lines are handed to the socket in chunks of about this many characters. */
const CHUNK = 256 * 1024;

/** A value in COPY's text format. */
function text(value: string | number | boolean | null): string {
  if (value === null) return NULL;
  return typeof value === 'string' ? value.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]!) : String(value);
}

function line(values: Array<string | number | boolean | null>): string {
  return `${values.map(text).join('\t')}\n`;
}

/** One COPY FROM STDIN on its own connection, fed in chunks with back-pressure. */
class CopyStream {
  private buffer = '';
  private failure: Error | undefined;

  private constructor(
    private readonly client: pg.PoolClient,
    private readonly stream: CopyStreamQuery,
  ) {
    stream.on('error', (error: Error) => (this.failure = error));
  }

  static async open(pool: pg.Pool, sql: string): Promise<CopyStream> {
    const client = await pool.connect();
    return new CopyStream(client, client.query(copyFrom(sql)));
  }

  async write(lines: string): Promise<void> {
    this.buffer += lines;
    if (this.buffer.length < CHUNK) return;
    await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.failure) throw this.failure;
    const chunk = this.buffer;
    this.buffer = '';
    if (!this.stream.write(chunk)) await Promise.race([once(this.stream, 'drain'), once(this.stream, 'error')]);
    if (this.failure) throw this.failure;
  }

  async end(): Promise<number> {
    try {
      if (this.buffer) await this.flush();
      const finished = Promise.race([once(this.stream, 'finish'), once(this.stream, 'error').then(([error]) => Promise.reject(error as Error))]);
      this.stream.end();
      await finished;
      if (this.failure) throw this.failure;
      return this.stream.rowCount;
    } finally {
      this.client.release(this.failure);
    }
  }
}

/**
 * COPY in text format: shared_files and file_words stream at once on two connections while the
 * corpus is generated, so generation and both tables' index maintenance overlap.
 */
export async function copyLoader(pool: pg.Pool): Promise<Loader> {
  const files = await CopyStream.open(
    pool,
    'COPY shared_files (id, list_id, generation, path, name, words, size, sha256, ext, type, mtime, mime, piece_root) FROM STDIN',
  );
  const words = await CopyStream.open(pool, 'COPY file_words (word, file_id) FROM STDIN');
  return {
    async addFiles(rows: SessionRows) {
      let fileLines = '';
      let wordLines = '';
      for (const file of rows.files) {
        fileLines += line([file.id, file.listId, rows.list.generation, file.path, file.name, arrayLiteral(file.words), file.size, file.sha256, file.ext, file.type, file.mtime, null, file.pieceRoot]);
        for (const word of distinctWords(file.words)) wordLines += `${text(word)}\t${file.id}\n`;
      }
      await Promise.all([files.write(fileLines), words.write(wordLines)]);
    },
    async finish(owners: OwnerRows) {
      await Promise.all([files.end(), words.end()]);
      await copyRows(pool, 'COPY users (id, username, username_key, password_hash, role) FROM STDIN', owners.users.map((user) => line([user.id, user.username, user.usernameKey, owners.passwordHash, 'user'])));
      await copyRows(pool, 'COPY peer_sessions (id, user_id, node_id, address, firewalled) FROM STDIN', owners.sessions.map((s) => line([s.id, s.userId, s.nodeId, s.address, s.firewalled])));
      await copyRows(
        pool,
        'COPY share_lists (id, user_id, session_id, generation, file_count, total_bytes) FROM STDIN',
        owners.lists.map((list) => line([list.id, list.userId, list.sessionId, list.generation, list.fileCount, list.totalBytes])),
      );
    },
  };
}

async function copyRows(pool: pg.Pool, sql: string, lines: string[]): Promise<void> {
  const stream = await CopyStream.open(pool, sql);
  for (const one of lines) await stream.write(one);
  await stream.end();
}
