import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it, jest } from '@jest/globals';
import { withNote } from './support/with-note.js';

const run = promisify(execFile);
const REPOSITORY = fileURLToPath(new URL('..', import.meta.url));

/**
 * The README's install step, as a user runs it: a global install of the peer workspace (here
 * into a temporary prefix, not the machine's), then `peerdex` from a directory outside the
 * clone, where `npx peerdex` would look the name up in the public registry instead.
 */
describe('installing the peerdex command from the clone', () => {
  jest.setTimeout(120_000);

  it('puts a working `peerdex` on the PATH that runs from any directory', async () => {
    const prefix = await mkdtemp(join(tmpdir(), 'peerdex-prefix-'));
    const elsewhere = await mkdtemp(join(tmpdir(), 'peerdex-elsewhere-'));
    await run('npm', ['install', '--global', '--prefix', prefix, '--no-audit', '--no-fund', './apps/peer'], { cwd: REPOSITORY });

    const { version } = JSON.parse(await readFile(join(REPOSITORY, 'apps/peer/package.json'), 'utf8')) as { version: string };
    const env = { ...process.env, PATH: `${join(prefix, 'bin')}:${process.env.PATH}`, PEERDEX_HOME: join(elsewhere, 'home') };
    const shown = await run('peerdex', ['--version'], { cwd: elsewhere, env });
    expect(shown.stdout.trim()).toBe(version);

    const help = await run('peerdex', ['--help'], { cwd: elsewhere, env });
    withNote(help.stdout, () => expect(help.stdout).toMatch(/Usage: peerdex \[options\] \[command\]/));
    withNote(help.stdout, () => expect(help.stdout).toMatch(/--version/));
  });
});
