import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { afterAll, describe, expect, it } from '@jest/globals';
import semver from 'semver';
import { registerUser } from './support/accounts.js';
import { createTestDatabase } from './support/database.js';
import { httpClient } from './support/http.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';
import { withNote } from './support/with-note.js';

/** The oldest release of each Node.js line the README promises (package.json "engines"). */
const SUPPORTED = ['20.19.0', '22.13.0', '24.0.0'];

describe('supported Node.js versions', () => {
  it('package.json promises exactly the supported lines', async () => {
    const { engines } = JSON.parse(await readFile('package.json', 'utf8')) as { engines: { node: string } };
    for (const version of SUPPORTED) expect(semver.satisfies(version, engines.node)).toBe(true);
    for (const version of ['20.18.0', '21.7.0', '22.12.0', '23.0.0']) expect(semver.satisfies(version, engines.node)).toBe(false);
  });

  it('every installed package supports them too (npm ci warns EBADENGINE otherwise)', async () => {
    const lock = JSON.parse(await readFile('package-lock.json', 'utf8')) as { packages: Record<string, { version?: string; engines?: { node?: string } | string[] }> };
    const misfits: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      const range = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
      if (!path || !range) continue;
      const refused = SUPPORTED.filter((version) => !semver.satisfies(version, range));
      if (refused.length) misfits.push(`${path.replace(/^.*node_modules\//, '')}@${entry.version} wants node ${range} (not ${refused.join(', ')})`);
    }
    expect(misfits).toEqual([]);
  });
});

/**
 * The npm registry ships Node.js itself (`npx node@22`); where it is reachable the built server
 * is started on Node 22 and 24 too. Offline, these are skipped.
 */
function nodeBinary(major: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('npx', ['-y', `node@${major}`, '-p', 'process.execPath'], { timeout: 180_000 }, (error, stdout) =>
      resolve(error ? undefined : stdout.trim() || undefined),
    );
  });
}

const binaries = await Promise.all([22, 24].map(async (major) => ({ major, path: await nodeBinary(major) })));
const running: ServerProcess[] = [];
afterAll(() => Promise.all(running.map((server) => server.stop())));

describe.each(binaries)('the built server on Node.js $major', ({ major, path }) => {
  (path ? it : it.skip)(`starts, migrates and serves${path ? '' : ` (skipped: npx node@${major} could not fetch Node.js from the registry)`}`, async () => {
    const server = await startServerProcess({ DATABASE_URL: await createTestDatabase(), JWT_SECRET: 'x'.repeat(40), ADMIN_PASSWORD: 'admin-password' }, 90_000, path);
    running.push(server);
    const http = httpClient(server.baseUrl);
    const version = await new Promise<string>((resolve) => execFile(path!, ['--version'], (_error, stdout) => resolve(stdout.trim())));
    expect(version).toMatch(new RegExp(`^v${major}\\.`));
    const ready = await http.get('/health/ready');
    withNote(server.output(), () => expect(ready.body.status).toBe('pass'));
    const user = await registerUser(http, `node${major}-user`);
    expect((await http.get('/api/v1/me', { token: user.accessToken })).status).toBe(200);
  });
});
