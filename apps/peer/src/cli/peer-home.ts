import { mkdir, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import envPaths from 'env-paths';
import lockfile from 'proper-lockfile';
import { writeFileAtomic } from '../util/atomic-write.js';

export interface PeerConfig {
  /** absolute paths of the shared folders */
  shares: string[];
  /** settings edited in the web UI (see daemon/peer-settings.ts for their defaults) */
  downloadDir?: string;
  uploadSlots?: number;
  uploadBytesPerSecond?: number | null;
  /** share completed downloads from where they were saved (seeding); on unless false */
  seed?: boolean;
  /**
   * take part in swarms: serve the verified pieces of downloads in progress and fetch from other
   * downloaders (on unless false; off, downloads use complete sources only)
   */
  swarm?: boolean;
}

export interface Credentials {
  userId: string;
  username: string;
  accessToken: string;
  /** ms since the epoch */
  accessTokenExpiresAt: number;
  refreshToken: string;
}

/**
 * Everything a peer keeps on disk, under PEERDEX_HOME (default: the OS configuration directory,
 * e.g. ~/.config/peerdex): shared folders, credentials per server, the last search
 * (so `get 3` means its third result), the hash cache and the running daemon's control address.
 */
export class PeerHome {
  constructor(readonly dir: string) {}

  static resolve(env: NodeJS.ProcessEnv = process.env): PeerHome {
    return new PeerHome(resolve(env.PEERDEX_HOME || envPaths('peerdex', { suffix: '' }).config));
  }

  get stateDir(): string {
    return join(this.dir, 'state');
  }

  async config(): Promise<PeerConfig> {
    return { shares: [], ...(await this.read<Partial<PeerConfig>>('config.json')) };
  }

  saveConfig(config: PeerConfig): Promise<void> {
    return this.write('config.json', config);
  }

  async credentials(server: string): Promise<Credentials | undefined> {
    const all = (await this.read<Record<string, Credentials>>('credentials.json')) ?? {};
    return Object.entries(all).find(([saved]) => sameServer(saved, server))?.[1];
  }

  async saveCredentials(server: string, credentials: Credentials | undefined): Promise<void> {
    const all = (await this.read<Record<string, Credentials>>('credentials.json')) ?? {};
    // Earlier versions keyed logins by the URL as typed: drop every spelling of this server.
    for (const saved of Object.keys(all)) if (sameServer(saved, server)) delete all[saved];
    if (credentials) all[serverKey(server)] = credentials;
    await this.write('credentials.json', all);
  }

  /**
   * Runs `work` holding the credentials lock: a refresh token can be spent only once, so the
   * daemon and a CLI command must never refresh at the same time (the server would take the
   * second use for a stolen token and sign every session of that login out).
   */
  async withCredentialsLock<T>(work: () => Promise<T>): Promise<T> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const release = await lockfile.lock(this.dir, {
      lockfilePath: join(this.dir, 'credentials.lock'),
      retries: { retries: 50, minTimeout: 20, maxTimeout: 200 },
      stale: 10_000,
    });
    try {
      return await work();
    } finally {
      await release();
    }
  }

  read<T>(name: string): Promise<T | undefined> {
    return readJson<T>(join(this.dir, name));
  }

  /** Every file is written atomically and readable by its owner only (mode 0600). */
  async write(name: string, value: unknown): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await writeFileAtomic(join(this.dir, name), JSON.stringify(value, null, 2) + '\n');
  }

  remove(name: string): Promise<void> {
    return rm(join(this.dir, name), { force: true });
  }
}

async function readJson<T>(file: string): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`${file} is not valid JSON; fix or delete it`);
  }
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The key state is kept under for a server: its origin, with every spelling of this machine's
 * loopback address ("localhost", "127.0.0.1", "[::1]") as 127.0.0.1, so a login made through one
 * is found through the others.
 */
export function serverKey(server: string): string {
  try {
    const url = new URL(server);
    if (LOOPBACK_HOSTS.has(url.hostname)) url.hostname = '127.0.0.1';
    return url.origin;
  } catch {
    return server;
  }
}

export function sameServer(a: string, b: string): boolean {
  return serverKey(a) === serverKey(b);
}
