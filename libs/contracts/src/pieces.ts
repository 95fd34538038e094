/**
 * Piece hashes let a downloader verify a file piece by piece, pin bad data on the source that sent
 * it and fetch only that piece again (as BitTorrent v2's piece layers and Direct Connect's Tiger
 * trees do). A file is cut into PIECE_SIZE pieces (the last one shorter); each piece's SHA-256 is a
 * leaf, and the file's piece root is the SHA-256 of all leaves concatenated. The root travels in
 * the index (FileEntry.pieceRoot); the leaves come from a source (GET /files/:sha256/pieces) and
 * are checked against the root before use. An empty file has no pieces: its root is SHA-256("").
 */
export const PIECE_SIZE = 1024 * 1024;

export function pieceCount(size: number): number {
  return Math.ceil(size / PIECE_SIZE);
}

/** Byte range [start, end) of piece `index` in a file of `size` bytes. */
export function pieceRange(index: number, size: number): { start: number; end: number } {
  const start = index * PIECE_SIZE;
  return { start, end: Math.min(size, start + PIECE_SIZE) };
}
