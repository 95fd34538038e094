import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { createTestDatabase } from './support/database.js';
import { CliUser, type RunningCommand } from './support/peer-cli.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';
import { withNote } from './support/with-note.js';

const MiB = 1024 * 1024;
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** Two users on `server`: alice shares one file at `path` and serves it at 1 MiB/s; bob downloads. */
async function aliceSharesWithBob(server: ServerProcess, path: string, content: Buffer): Promise<{ bob: CliUser; source: RunningCommand }> {
  const [alice, bob] = await Promise.all([CliUser.create(server.baseUrl), CliUser.create(server.baseUrl)]);
  await alice.register('alice');
  await bob.register('bob');
  // Bob only downloads here: his finished downloads must not make him a source (seeding).
  await bob.run(['seeding', 'off']);
  const share = await mkdtemp(join(tmpdir(), 'alice-share-'));
  await mkdir(dirname(join(share, path)), { recursive: true });
  await writeFile(join(share, path), content);
  expect((await alice.run(['share', share])).code).toBe(0);
  const source = alice.spawn(['up', '--port', '0', '--host', '127.0.0.1', '--max-upload-rate', '1MB']);
  await source.waitFor(/Published 1 file\b/);
  return { bob, source };
}

/** Resolves once the download's sidecar records verified pieces. */
async function downloadUnderWay(out: string, name: string, command: RunningCommand): Promise<void> {
  for (;;) {
    const state = await readFile(join(out, `${name}.part.json`), 'utf8').then((text) => JSON.parse(text) as { done?: string }, () => undefined);
    if (state?.done && Buffer.from(state.done, 'base64').some((byte) => byte !== 0)) return;
    if (command.child.exitCode !== null) throw new Error(`the download ended early:\n${command.output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Downloads with the real `peerdex` command against the built server and a running source peer. */
describe('downloading with peerdex get', () => {
  jest.setTimeout(120_000);
  let server: ServerProcess;
  let bob: CliUser;
  let source: RunningCommand;
  const twice = randomBytes(8 * MiB);

  beforeAll(async () => {
    server = await startServerProcess({
      DATABASE_URL: await createTestDatabase(),
      JWT_SECRET: 'peer-transfer-cli-secret-long-enough-for-hs256',
      LOG_LEVEL: 'warn',
      PEER_PROBE_TIMEOUT: '500ms',
    });
    ({ bob, source } = await aliceSharesWithBob(server, 'films/Twice.bin', twice));
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

  it('logs who downloads what and how it went, and names a source lost mid-download', async () => {
    const carol = await CliUser.create(server.baseUrl);
    await carol.register('carol');
    const share = await mkdtemp(join(tmpdir(), 'carol-share-'));
    await writeFile(join(share, 'Twice copy.bin'), twice);
    expect((await carol.run(['share', share])).code).toBe(0);
    const carolUp = carol.spawn(['up', '--port', '0', '--host', '127.0.0.1', '--max-upload-rate', '1MB']);
    const bobUp = bob.spawn(['up', '--port', '0', '--host', '127.0.0.1']);
    try {
      await carolUp.waitFor(/Published 1 file\b/);
      await bobUp.waitFor(/Published 0 files|nothing to resend/);
      const out = await mkdtemp(join(tmpdir(), 'bob-logged-'));
      const download = bob.spawn(['get', sha256(twice), '--out', out]);
      await bobUp.waitFor(/Downloading Twice\.bin \(8 MiB\) from (alice, carol|carol, alice)/);
      await downloadUnderWay(out, 'Twice.bin', download);
      await carolUp.stop('SIGKILL');
      const code = await download.exited;
      withNote(download.output + bobUp.output, () => expect(code).toBe(0));
      await bobUp.waitFor(/Lost source carol: [^;\n]+; continuing with alice\n/);
      await bobUp.waitFor(/Downloaded Twice\.bin \(8 MiB, SHA-256 verified\) to \//);
      expect(bobUp.output).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}: /);
      await source.waitFor(/Uploading Twice\.bin to bob/);
      await source.waitFor(/Upload of Twice\.bin to bob done: [\d.]+ MiB in \d+ requests?/);
    } finally {
      await carolUp.stop();
      await bobUp.stop();
    }
  });
});

/**
 * The server restarts (killed, or stopped cleanly) while a download runs: the source reconnects
 * under a new session id, the downloader's ticket names the old one. The download carries on.
 */
describe('a download across a server restart', () => {
  jest.setTimeout(240_000);
  let env: Record<string, string>;
  let server: ServerProcess;
  let bob: CliUser;
  let source: RunningCommand;
  const big = randomBytes(24 * MiB);

  beforeAll(async () => {
    const { findFreePort } = await import('../apps/server/src/database/embedded-postgres.js');
    env = {
      DATABASE_URL: await createTestDatabase(),
      PEERDEX_DATA_DIR: await mkdtemp(join(tmpdir(), 'peerdex-restart-data-')),
      JWT_SECRET: 'peer-transfer-restart-secret-long-enough-for-hs256',
      LOG_LEVEL: 'warn',
      PORT: String(await findFreePort()),
      PEER_PROBE_TIMEOUT: '500ms',
      // Short tickets: the one issued before the restart runs out mid-download and must be renewed.
      TICKET_TTL: '20s',
    };
    server = await startServerProcess(env);
    ({ bob, source } = await aliceSharesWithBob(server, 'Survivor.bin', big));
  }, 120_000);

  afterAll(async () => {
    await source?.stop();
    await server?.stop();
  });

  /** Stops the server with `signal` and starts it again on the same port, database and keys. */
  async function restartServer(signal: NodeJS.Signals): Promise<void> {
    const exited = new Promise((resolve) => server.child.once('exit', resolve));
    server.child.kill(signal);
    await exited;
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // down for a moment
    server = await startServerProcess(env);
  }

  it('finishes a standalone get when the server is killed and comes back', async () => {
    const out = await mkdtemp(join(tmpdir(), 'bob-restart-kill-'));
    const download = bob.spawn(['get', sha256(big), '--out', out, '--json']);
    await downloadUnderWay(out, 'Survivor.bin', download);
    await restartServer('SIGKILL');
    const code = await download.exited;
    withNote(download.output, () => expect(code).toBe(0));
    expect(download.output).not.toMatch(/does not name this peer/);
    expect(sha256(await readFile(join(out, 'Survivor.bin')))).toBe(sha256(big));
  });

  it('finishes a get through the running peer when the server stops cleanly and comes back', async () => {
    const bobUp = bob.spawn(['up', '--port', '0', '--host', '127.0.0.1']);
    try {
      await bobUp.waitFor(/Published 0 files|nothing to resend/);
      const out = await mkdtemp(join(tmpdir(), 'bob-restart-term-'));
      const download = bob.spawn(['get', sha256(big), '--out', out, '--json']);
      await downloadUnderWay(out, 'Survivor.bin', download);
      await restartServer('SIGTERM');
      const code = await download.exited;
      withNote(download.output + bobUp.output, () => expect(code).toBe(0));
      expect(sha256(await readFile(join(out, 'Survivor.bin')))).toBe(sha256(big));
    } finally {
      await bobUp.stop();
    }
  });
});
