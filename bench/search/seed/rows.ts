import { fileExtension, fileName, fileType, nameWords, type FileType } from '#contracts';
import { SEEDED_NODE_ID, type SeedSession } from '../corpus.js';

/**
 * The rows of one seeded session, exactly as the server would have written them: names, words,
 * extensions and types come from the same contract functions the server uses.
 */
export const SEEDED_GENERATION = 1;

export interface FileRow {
  id: number;
  listId: string;
  path: string;
  name: string;
  words: string[];
  size: number;
  sha256: string;
  ext: string;
  type: FileType;
  mtime: number;
  pieceRoot: string | null;
}

export interface SessionRows {
  user: { id: string; username: string; usernameKey: string };
  session: { id: string; userId: string; nodeId: string; address: string; firewalled: boolean };
  list: { id: string; userId: string; sessionId: string; generation: number; fileCount: number; totalBytes: number };
  files: FileRow[];
}

/** Rows for a session whose files take the ids firstId, firstId + 1, ... */
export function sessionRows(session: SeedSession, firstId: number): SessionRows {
  let totalBytes = 0;
  const files = session.files.map((file, offset): FileRow => {
    totalBytes += file.size;
    const name = fileName(file.path);
    const ext = fileExtension(name);
    return {
      id: firstId + offset,
      listId: session.listId,
      path: file.path,
      name,
      words: nameWords(name),
      size: file.size,
      sha256: file.sha256,
      ext,
      type: fileType(ext),
      mtime: file.mtime,
      pieceRoot: file.pieceRoot,
    };
  });
  return {
    user: { id: session.userId, username: session.username, usernameKey: session.username.toLowerCase() },
    session: { id: session.sessionId, userId: session.userId, nodeId: SEEDED_NODE_ID, address: session.address, firewalled: session.firewalled },
    list: { id: session.listId, userId: session.userId, sessionId: session.sessionId, generation: SEEDED_GENERATION, fileCount: files.length, totalBytes },
    files,
  };
}

/** file_words holds each word of a file once, however often the name repeats it. */
export function distinctWords(words: string[]): string[] {
  return [...new Set(words)];
}

/** A PostgreSQL array literal; every element quoted, so a word like "null" stays a word. */
export function arrayLiteral(items: string[]): string {
  return `{${items.map((item) => `"${item.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
}
