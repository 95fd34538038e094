import type { PieceSet } from './piece-set.js';

/**
 * A file this peer is still downloading (swarming): only the pieces in `have` are verified, and
 * only they may be served. `have` is the download's own set, so it is always current: a piece is
 * added to it once it was checked against its digest and written to `path`.
 */
export interface PartialFile {
  sha256: string;
  size: number;
  pieceRoot: string;
  name: string;
  /** the `.part` file; the complete file's path once the download has given it its name */
  path: string;
  /** every piece's SHA-256, already checked against the piece root */
  pieces: Buffer[];
  have: PieceSet;
}

/** How a download takes part in its file's swarm: serving what it verified, and saying so. */
export interface SwarmParticipation {
  /** the piece digests are known: the download may serve `file`'s verified pieces from now on */
  started(file: PartialFile): void;
  /** more pieces were verified (`file.have` holds them already) */
  verified(): void;
  /** the download ended; `completed` when the file got its final name (`file.path`) */
  ended(completed: boolean): void;
}
