import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chown, mkdir, readlink, rmdir, stat, symlink } from 'node:fs/promises';
import { basename, dirname, join, parse } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Where clusters go when PostgreSQL's user cannot reach the data dir (root only). */
export const RELOCATED_CLUSTERS = '/var/lib/peerdex';

export interface OsUser {
  uid: number;
  gid: number;
}

export interface ClusterLocation {
  /** the cluster's directory (PGDATA) */
  dir: string;
  /** PostgreSQL refuses to run as root: as root it runs as the `postgres` system user */
  runAs?: OsUser;
}

/**
 * Where the cluster for `wanted` (<PEERDEX_DATA_DIR>/postgres) lives. As root, PostgreSQL runs
 * as `postgres`, which must be able to traverse every parent folder; a clone under /root (0700)
 * does not allow that. Then the cluster is kept in /var/lib/peerdex/<folder>-<hash of the path>,
 * owned by `postgres`, and `wanted` becomes a symbolic link to it (the hash finds it again even
 * without the link).
 */
export async function locateCluster(wanted: string, log: (line: string) => void): Promise<ClusterLocation> {
  if (process.getuid?.() !== 0) return { dir: wanted };
  const runAs = await postgresOsUser();
  const linked = await readlink(wanted).catch(() => undefined);
  if (linked) return { dir: linked, runAs };
  if (existsSync(join(wanted, 'PG_VERSION'))) return { dir: wanted, runAs };
  const relocated = relocatedDir(wanted);
  if (existsSync(join(relocated, 'PG_VERSION'))) return { dir: relocated, runAs };
  const blocking = await firstUntraversable(dirname(wanted), runAs);
  if (!blocking) return { dir: wanted, runAs };

  try {
    await mkdir(RELOCATED_CLUSTERS, { recursive: true, mode: 0o755 });
    await mkdir(dirname(relocated), { recursive: true, mode: 0o700 });
    await chown(dirname(relocated), runAs.uid, runAs.gid);
    await mkdir(dirname(wanted), { recursive: true });
    // An empty folder left by an earlier failed start gives way to the link.
    await rmdir(wanted).catch(() => undefined);
    if (!existsSync(wanted)) await symlink(relocated, wanted);
  } catch (error) {
    throw new Error(
      `PostgreSQL runs as the "postgres" user, which cannot enter ${blocking} (mode ${await modeOf(blocking)}), and ` +
        `${RELOCATED_CLUSTERS} could not be used instead (${(error as Error).message}). Either run the server as a ` +
        `non-root user, set PEERDEX_DATA_DIR to a folder every user can traverse (e.g. /var/lib/peerdex/data), ` +
        `or allow traversal: chmod o+x ${blocking}`,
      { cause: error },
    );
  }
  log(`PostgreSQL's user "postgres" cannot reach ${wanted} (${blocking} is private); keeping the cluster in ${relocated}, linked from there`);
  return { dir: relocated, runAs };
}

function relocatedDir(wanted: string): string {
  const dataDir = dirname(wanted);
  const hash = createHash('sha256').update(dataDir).digest('hex').slice(0, 12);
  const name = (basename(dataDir).startsWith('.') ? basename(dirname(dataDir)) : basename(dataDir)).replace(/[^\w.-]/g, '_') || 'data';
  return join(RELOCATED_CLUSTERS, `${name}-${hash}`, 'postgres');
}

/** The first existing folder on the way to `dir` that `user` may not traverse, if any. */
async function firstUntraversable(dir: string, user: OsUser): Promise<string | undefined> {
  const chain: string[] = [];
  for (let current = dir; ; current = dirname(current)) {
    chain.unshift(current);
    if (current === parse(current).root) break;
  }
  for (const folder of chain) {
    const stats = await stat(folder).catch(() => undefined);
    if (!stats) return undefined; // created by us later, 0755
    const mode = stats.mode;
    const traversable = stats.uid === user.uid ? mode & 0o100 : stats.gid === user.gid ? mode & 0o010 : mode & 0o001;
    if (!traversable) return folder;
  }
  return undefined;
}

async function modeOf(path: string): Promise<string> {
  return ((await stat(path)).mode & 0o777).toString(8).padStart(4, '0');
}

/** The `postgres` system user, created when missing. */
async function postgresOsUser(): Promise<OsUser> {
  const lookup = async () => ({
    uid: Number((await run('id', ['-u', 'postgres'])).stdout),
    gid: Number((await run('id', ['-g', 'postgres'])).stdout),
  });
  try {
    return await lookup();
  } catch {
    await run('groupadd', ['--system', 'postgres']).catch(() => undefined);
    await run('useradd', ['--system', '-g', 'postgres', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres']).catch((error: Error) => {
      throw new Error(`PostgreSQL cannot run as root and creating a "postgres" user failed: ${error.message}`, { cause: error });
    });
    return lookup();
  }
}
