import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { createTestDatabase } from './support/database.js';
import { CliUser, type RunningCommand } from './support/peer-cli.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';
import { withNote } from './support/with-note.js';

const MiB = 1024 * 1024;
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** Downloads with the real `peerdex` command against the built server and a running source peer. */
describe('downloading with peerdex get', () => {
  jest.setTimeout(120_000);
  let server: ServerProcess;
  let alice: CliUser, bob: CliUser;
  let source: RunningCommand;
  const twice = randomBytes(8 * MiB);

  beforeAll(async () => {
    server = await startServerProcess({
      DATABASE_URL: await createTestDatabase(),
      JWT_SECRET: 'peer-transfer-cli-secret-long-enough-for-hs256',
      LOG_LEVEL: 'warn',
      PEER_PROBE_TIMEOUT: '500ms',
    });
    [alice, bob] = await Promise.all([CliUser.create(server.baseUrl), CliUser.create(server.baseUrl)]);
    await alice.register('alice');
    await bob.register('bob');
    const share = await mkdtemp(join(tmpdir(), 'alice-share-'));
    await mkdir(join(share, 'films'));
    await writeFile(join(share, 'films', 'Twice.bin'), twice);
    expect((await alice.run(['share', share])).code).toBe(0);
    source = alice.spawn(['up', '--port', '0', '--host', '127.0.0.1', '--max-upload-rate', '1MB']);
    await source.waitFor(/Published 1 files/);
  }, 120_000);

  afterAll(async () => {
    await source?.stop();
    await server?.stop();
  });

  it('refuses a second get of the same file into the same folder while the first runs, naming its process', async () => {
    const out = await mkdtemp(join(tmpdir(), 'bob-twice-'));
    const first = bob.spawn(['get', sha256(twice), '--out', out]);
    // The first one has placed its .part and holds the target before the second starts.
    for (;;) {
      if ((await readdir(out)).includes('Twice.bin.part')) break;
      if (first.child.exitCode !== null) throw new Error(`the first get ended early:\n${first.output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const second = await bob.run(['get', sha256(twice), '--out', out]);
    withNote(second.stderr, () => expect(second.code).toBe(1));
    expect(second.stderr).toMatch(new RegExp(`already being downloaded into ${out} by process ${first.child.pid}\\b`));
    expect(second.stderr).not.toMatch(/ENOENT|EEXIST|link/);

    const code = await first.exited;
    withNote(first.output, () => expect(code).toBe(0));
    expect(sha256(await readFile(join(out, 'Twice.bin')))).toBe(sha256(twice));
    expect((await readdir(out)).sort()).toEqual(['Twice.bin']);
  });
});
