import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.js';

const SEEDS_FILE = 'seeds.json';

/**
 * Seeding: completed downloads this peer shares from where they were saved, without the user
 * sharing their folder (absolute paths, kept in the state directory so that `peerdex up` shares
 * them again after a restart, and so that a `get` run without the peer hands them to it).
 */
export class SeedList {
  private constructor(
    private readonly file: string,
    private paths: string[],
  ) {}

  static async open(stateDir: string): Promise<SeedList> {
    const file = join(stateDir, SEEDS_FILE);
    const saved = await readFile(file, 'utf8').then(
      (text) => JSON.parse(text) as unknown,
      () => [],
    );
    const paths = Array.isArray(saved) ? saved.filter((path): path is string => typeof path === 'string') : [];
    return new SeedList(file, paths);
  }

  list(): string[] {
    return [...this.paths];
  }

  /** Adds a file; false when it was already there. */
  async add(path: string): Promise<boolean> {
    if (this.paths.includes(path)) return false;
    this.paths.push(path);
    await this.save();
    return true;
  }

  /** Forgets files that were moved or deleted. */
  async remove(paths: readonly string[]): Promise<void> {
    const before = this.paths.length;
    this.paths = this.paths.filter((path) => !paths.includes(path));
    if (this.paths.length !== before) await this.save();
  }

  private save(): Promise<void> {
    return writeFileAtomic(this.file, JSON.stringify(this.paths, null, 2));
  }
}
