import { buildCatalog, type Catalog } from './catalog.js';
import { buildLibrary, type LibraryFile } from './library.js';
import { Random } from './prng.js';
import { SYLLABLES } from './vocabulary/other.js';

export type { LibraryFile } from './library.js';

export interface CorpusOptions {
  /** the same seed, files and sessions always give the same corpus, byte for byte */
  seed: string;
  files: number;
  sessions: number;
}

export const DEFAULT_CORPUS: CorpusOptions = { seed: 'peerdex-search-bench-1', files: 1_000_000, sessions: 10_000 };

/** Every seeded user's name starts with this, so a reset can find them. */
export const SEEDED_USERNAME_PREFIX = 'seed.';
/** node_id of the seeded sessions: no server node owns them. */
export const SEEDED_NODE_ID = 'bench';

/** One online peer: its user, its session and its share list. */
export interface SeedSession {
  index: number;
  userId: string;
  username: string;
  sessionId: string;
  listId: string;
  /** never contacted: addresses from the documentation ranges (RFC 5737) */
  address: string;
  firewalled: boolean;
  files: LibraryFile[];
}

export interface Corpus {
  options: CorpusOptions;
  catalog: Catalog;
  /** files per session, summing to options.files */
  librarySizes: number[];
  session(index: number): SeedSession;
  sessions(): Generator<SeedSession>;
  /** a fresh library of `size` files, for the indexing benchmark: the same mix as the seeded ones */
  extraLibrary(name: string, size: number): LibraryFile[];
}

const DOCUMENTATION_NETWORKS = ['192.0.2', '198.51.100', '203.0.113'];

export function createCorpus(options: CorpusOptions): Corpus {
  if (!Number.isInteger(options.files) || !Number.isInteger(options.sessions) || options.sessions < 1) {
    throw new Error('files and sessions must be positive whole numbers');
  }
  if (options.files < options.sessions) throw new Error(`every session shares at least one file: files (${options.files}) must be at least sessions (${options.sessions})`);
  const catalog = buildCatalog(options.seed, options.files);
  const librarySizes = splitFiles(new Random(`${options.seed}:sizes`), options.files, options.sessions);

  const session = (index: number): SeedSession => {
    if (index < 0 || index >= options.sessions) throw new RangeError(`no session ${index}`);
    // Each session has its own generator: any one can be rebuilt alone, in any order.
    const random = new Random(`${options.seed}:session:${index}`);
    const handle = Array.from({ length: random.int(2, 3) }, () => random.pick(SYLLABLES)).join('');
    const network = DOCUMENTATION_NETWORKS[index % DOCUMENTATION_NETWORKS.length]!;
    return {
      index,
      userId: random.uuid(),
      username: `${SEEDED_USERNAME_PREFIX}${handle}${index}`,
      sessionId: random.uuid(),
      listId: random.uuid(),
      address: `http://${network}.${1 + (index % 254)}:${6699 + (index % 50)}`,
      firewalled: random.chance(0.3),
      files: buildLibrary(catalog, random, `session${index}`, librarySizes[index]!),
    };
  };

  return {
    options,
    catalog,
    librarySizes,
    session,
    *sessions() {
      for (let index = 0; index < options.sessions; index++) yield session(index);
    },
    extraLibrary: (name, size) => buildLibrary(catalog, new Random(`${options.seed}:extra:${name}`), `extra:${name}`, size),
  };
}

/**
 * Library sizes are log-normal: most peers share a few dozen files, a few share thousands.
 * Largest-remainder rounding makes them add up to exactly `files`, with at least one each.
 */
function splitFiles(random: Random, files: number, sessions: number): number[] {
  const weights = Array.from({ length: sessions }, () => random.logNormal(0, 1.1));
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const spare = files - sessions;
  const exact = weights.map((weight) => (weight / total) * spare);
  const sizes = exact.map((value) => 1 + Math.floor(value));
  let missing = files - sizes.reduce((sum, size) => sum + size, 0);
  const byRemainder = exact.map((value, index) => [value - Math.floor(value), index] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, index] of byRemainder) {
    if (missing-- <= 0) break;
    sizes[index]!++;
  }
  return sizes;
}
