import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { createTestDatabase } from './support/database.js';
import { httpClient } from './support/http.js';
import { CliUser, type RunningCommand } from './support/peer-cli.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';
import { withNote } from './support/with-note.js';

const MB = 1024 * 1024;
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const fileHash = async (path: string) => sha256(await readFile(path));

/**
 * The whole product with real processes: the built server, and `peerdex` peers (daemons and
 * one-shot commands), each with its own home, talking over real sockets and real HTTP.
 */
describe('peers sharing, searching and downloading directly from each other', () => {
  jest.setTimeout(180_000);
  let server: ServerProcess;
  let alice: CliUser, bob: CliUser, carol: CliUser, dave: CliUser;
  let aliceShare: string, carolShare: string, daveShare: string;
  let big: Buffer;
  const daemons: RunningCommand[] = [];

  async function up(user: CliUser, args: string[] = []): Promise<RunningCommand> {
    const daemon = user.spawn(['up', '--port', '0', '--host', '127.0.0.1', ...args]);
    daemons.push(daemon);
    await daemon.waitFor(/Published \d+ files?|nothing to resend/);
    return daemon;
  }

  async function searchJson(user: CliUser, words: string[], extra: string[] = []) {
    const result = await user.run(['search', ...words, '--json', ...extra]);
    withNote(result.stderr, () => expect(result.code).toBe(0));
    return JSON.parse(result.stdout) as { results: Array<{ sha256: string; name: string; size: number; sourceCount: number }> };
  }

  beforeAll(async () => {
    server = await startServerProcess({
      DATABASE_URL: await createTestDatabase(),
      JWT_SECRET: 'peer-cli-test-secret-long-enough-for-hs256',
      LOG_LEVEL: 'warn',
      AUTH_RATE_LIMIT_PER_IP: '1000',
      PEER_PROBE_TIMEOUT: '500ms',
    });
    [alice, bob, carol, dave] = await Promise.all([1, 2, 3, 4].map(() => CliUser.create(server.baseUrl)));
    for (const [user, name] of [[alice, 'alice'], [bob, 'bob'], [carol, 'carol'], [dave, 'dave']] as const) await user.register(name);

    big = randomBytes(50 * MB);
    aliceShare = await mkdtemp(join(tmpdir(), 'alice-share-'));
    await mkdir(join(aliceShare, 'Music/Sigur Rós/Ágætis byrjun'), { recursive: true });
    await writeFile(join(aliceShare, 'Music/Sigur Rós/Ágætis byrjun/01 Intro.ogg'), 'intro bytes');
    await writeFile(join(aliceShare, 'Music/Sigur Rós/Svefn-g-englar.ogg'), 'svefn bytes');
    await writeFile(join(aliceShare, 'empty.txt'), '');
    await writeFile(join(aliceShare, 'Big Archive.zip'), big);
    carolShare = await mkdtemp(join(tmpdir(), 'carol-share-'));
    await writeFile(join(carolShare, 'big-copy.zip'), big);
    daveShare = await mkdtemp(join(tmpdir(), 'dave-share-'));
    await writeFile(join(daveShare, 'Behind The Wall.flac'), 'firewalled bytes');

    expect((await alice.run(['share', aliceShare])).code).toBe(0);
    expect((await carol.run(['share', carolShare])).code).toBe(0);
    expect((await dave.run(['share', daveShare])).code).toBe(0);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(daemons.map((daemon) => daemon.stop()));
    await server?.stop();
  });

  it('shares nested folders with non-ASCII names and an empty file; another user finds and fetches them intact', async () => {
    const aliceUp = await up(alice);
    expect(aliceUp.output).toMatch(/Sharing 4 files \(4 hashed, 0 unchanged\)/);

    const found = await searchJson(bob, ['agaetis']);
    expect(found.results).toEqual([]); // folder names are not searched; file names are
    const intro = await searchJson(bob, ['intro', 'ogg']);
    expect(intro.results.map((result) => result.name)).toEqual(['01 Intro.ogg']);
    const sigur = await searchJson(bob, ['svefn']);
    expect(sigur.results.map((result) => result.name)).toEqual(['Svefn-g-englar.ogg']);

    const out = await mkdtemp(join(tmpdir(), 'bob-downloads-'));
    const got = await bob.run(['get', '1', '--out', out, '--json']);
    withNote(got.stderr, () => expect(got.code).toBe(0));
    const outcome = JSON.parse(got.stdout);
    expect(outcome).toMatchObject({ ok: true, name: 'Svefn-g-englar.ogg', bytes: 11, mode: 'direct' });
    expect(await readFile(join(out, 'Svefn-g-englar.ogg'), 'utf8')).toBe('svefn bytes');

    await searchJson(bob, ['empty']);
    const empty = await bob.run(['get', '1', '--out', out]);
    withNote(empty.stderr, () => expect(empty.code).toBe(0));
    expect((await stat(join(out, 'empty.txt'))).size).toBe(0);

    // A second get of a complete file does not download again.
    const again = await bob.run(['get', sha256(Buffer.from('svefn bytes')), '--out', out, '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ ok: true, alreadyComplete: true, bytes: 0 });
  });

  it('fetches a 50 MB file from two sources at once; when one dies mid-way the other finishes it', async () => {
    await up(carol, ['--max-upload-rate', '6MB']);
    const restarted = daemons.shift()!; // alice's daemon from the previous test
    await restarted.stop();
    const aliceUp = await up(alice, ['--max-upload-rate', '6MB']);
    expect(aliceUp.output).toMatch(/nothing to resend|Sharing 4 files \(0 hashed, 4 unchanged\)/);

    const [result] = (await searchJson(bob, ['big', 'archive'])).results;
    expect(result).toMatchObject({ sha256: sha256(big), sourceCount: 2, size: 50 * MB });

    const out = await mkdtemp(join(tmpdir(), 'bob-big-'));
    const download = bob.spawn(['get', sha256(big), '--out', out, '--json']);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await aliceUp.stop('SIGKILL'); // the source vanishes without a goodbye
    const exitCode = await download.exited;
    withNote(download.output, () => expect(exitCode).toBe(0));
    const outcome = JSON.parse(download.output.split('\n').find((line) => line.startsWith('{'))!);
    expect(outcome.ok).toBe(true);
    expect(await fileHash(join(out, 'big-copy.zip'))).toBe(sha256(big));
  });

  it('resumes an interrupted download from what it already verified', async () => {
    const out = await mkdtemp(join(tmpdir(), 'bob-resume-'));
    const first = bob.spawn(['get', sha256(big), '--out', out, '--json']);
    // Interrupt it once its sidecar records verified pieces (it is saved every 2 s).
    const sidecar = join(out, 'big-copy.zip.part.json');
    const started = Date.now();
    for (;;) {
      const state = await readFile(sidecar, 'utf8').then((text) => JSON.parse(text) as { done?: string }, () => undefined);
      if (state?.done && Buffer.from(state.done, 'base64').some((byte) => byte !== 0)) break;
      withNote(first.output, () => expect(Date.now() - started).toBeLessThan(30_000));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await first.stop('SIGKILL');

    const second = await bob.run(['get', sha256(big), '--out', out, '--json']);
    withNote(second.stderr, () => expect(second.code).toBe(0));
    const outcome = JSON.parse(second.stdout);
    expect(outcome.ok).toBe(true);
    expect(outcome.resumedBytes).toBeGreaterThan(0);
    expect(outcome.bytes + outcome.resumedBytes).toBe(50 * MB);
    expect(await fileHash(join(out, 'big-copy.zip'))).toBe(sha256(big));
  });

  it('catches a source that serves corrupt bytes, blames it and completes from a good one', async () => {
    // Alice's copy rots on disk behind the peer's back: same size, same mtime, different bytes
    // (the start of every piece, so whichever pieces she is asked for are bad).
    const path = join(aliceShare, 'Big Archive.zip');
    const { mtimeNs } = await stat(path, { bigint: true });
    const rotten = Buffer.from(big);
    for (let offset = 0; offset < rotten.length; offset += MB) rotten.fill(0, offset, offset + 1024);
    await writeFile(path, rotten);
    // Restore the modification time to the nanosecond (fs.utimes takes float seconds and loses the
    // last digits), so nothing tells the peer its copy changed.
    const seconds = `${mtimeNs / 1_000_000_000n}.${String(mtimeNs % 1_000_000_000n).padStart(9, '0')}`;
    execFileSync('touch', ['-m', '-d', `@${seconds}`, path]);
    expect((await stat(path, { bigint: true })).mtimeNs).toBe(mtimeNs);
    await up(alice, ['--max-upload-rate', '20MB']);

    const out = await mkdtemp(join(tmpdir(), 'bob-corrupt-'));
    const got = await bob.run(['get', sha256(big), '--out', out, '--json']);
    withNote(got.stderr, () => expect(got.code).toBe(0));
    const outcome = JSON.parse(got.stdout);
    expect(outcome.ok).toBe(true);
    expect(outcome.badSources).toHaveLength(1);
    expect(await fileHash(join(out, 'big-copy.zip'))).toBe(sha256(big));
  });

  it('delivers from a firewalled uploader by push to a reachable downloader', async () => {
    const daveUp = await up(dave, ['--public-url', 'http://127.0.0.1:9']);
    expect(daveUp.output).toMatch(/firewalled/);
    const bobUp = await up(bob);
    const out = await mkdtemp(join(tmpdir(), 'bob-push-'));
    const [result] = (await searchJson(bob, ['behind', 'wall'])).results;
    const got = await bob.run(['get', result!.sha256, '--out', out, '--json']);
    withNote(got.stderr, () => expect(got.code).toBe(0));
    expect(JSON.parse(got.stdout)).toMatchObject({ ok: true, mode: 'push' });
    expect(await readFile(join(out, 'Behind The Wall.flac'), 'utf8')).toBe('firewalled bytes');
    await daveUp.waitFor(/Pushed 16 B to bob/);
    await bobUp.stop();
  });

  it('refuses requests without a valid ticket and path tricks on a peer endpoint', async () => {
    const carolStatus = JSON.parse((await carol.run(['status', '--json'])).stdout);
    const endpoint = carolStatus.peer.endpoint as string;
    const noTicket = await fetch(`${endpoint}/files/${sha256(big)}`);
    expect(noTicket.status).toBe(401);
    const forged = await fetch(`${endpoint}/files/${sha256(big)}`, { headers: { authorization: 'Bearer not.a.ticket' } });
    expect(forged.status).toBe(401);
    for (const trick of ['/files/..%2F..%2Fetc%2Fpasswd', '/files/../../etc/passwd', `/files/${sha256(big)}%2F..`]) {
      const { status } = await fetch(`${endpoint}${trick}`);
      withNote(trick, () => expect(status).toBe(404));
    }
    // A ticket for another file is refused too.
    const token = await httpClient(server.baseUrl).post('/api/v1/auth/login', { username: 'bob', password: 'bob-password' });
    const ticket = await httpClient(server.baseUrl).post('/api/v1/transfers', { sha256: sha256(Buffer.from('svefn bytes')) }, { token: token.body.accessToken });
    const wrongFile = await fetch(`${endpoint}/files/${sha256(big)}`, { headers: { authorization: `Bearer ${ticket.body.ticket}` } });
    expect([401, 403]).toContain(wrongFile.status);
  });

  it('withdraws a file edited after hashing from the index instead of serving it under its old hash', async () => {
    const api = httpClient(server.baseUrl);
    const token = (await api.post('/api/v1/auth/login', { username: 'bob', password: 'bob-password' })).body.accessToken;
    const carolServes = async () => {
      const details = await api.get(`/api/v1/files/${sha256(big)}`, { token });
      return details.status === 200 && details.body.sources.some((source: { username: string }) => source.username === 'carol');
    };
    expect(await carolServes()).toBe(true);
    await writeFile(join(carolShare, 'big-copy.zip'), 'now something else entirely');
    const started = Date.now();
    while (await carolServes()) {
      expect(Date.now() - started).toBeLessThan(15_000);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect((await api.get(`/api/v1/files/${sha256(Buffer.from('now something else entirely'))}`, { token })).status).toBe(200);
  });

  it('answers usage errors with exit code 2 and a message, failures with 1', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['frobnicate'], /unknown command 'frobnicate'/],
      [['search'], /missing required argument 'words'/],
      [['search', 'creep', '--limit', '9000'], /--limit must be a whole number from 1 to 500/],
      [['search', 'creep', '--min-size', 'lots'], /--min-size must be a size like/],
      [['search', 'creep', '--type', 'movies'], /--type must be one of/],
      [['get', 'not-a-hash'], /must be a sha256, its first characters, or a number/],
      [['get', '999'], /there is no #999|no previous search/],
      [['up', '--port', '70000'], /--port must be a whole number from 0 to 65535/],
      [['register', 'x'], /username must be 3 to 32 characters/],
      [['share', '/no/such/folder'], /no such folder/],
      [['report', 'bob'], /required option '--reason <text>'/],
    ];
    for (const [args, message] of cases) {
      const result = await bob.run(args);
      withNote(args.join(' '), () => expect(result.code).toBe(2));
      withNote(args.join(' '), () => expect(result.stderr).toMatch(message));
    }
    const failure = await bob.run(['get', '0'.repeat(64)]);
    expect(failure.code).toBe(1);
    expect(failure.stderr).toMatch(/^peerdex: No online peer shares 0{64}\n$/);
    const signedOut = await (await CliUser.create(server.baseUrl)).run(['whoami']);
    expect(signedOut.code).toBe(1);
    expect(signedOut.stderr).toMatch(/Not signed in to .*peerdex login/);
  });
});

describe('the peer and the server going away', () => {
  jest.setTimeout(120_000);
  it('reconnects with backoff after a server restart and takes its list back without resending it', async () => {
    const { findFreePort } = await import('../apps/server/src/database/embedded-postgres.js');
    const port = String(await findFreePort());
    const env = {
      DATABASE_URL: await createTestDatabase(),
      JWT_SECRET: 'peer-cli-test-secret-long-enough-for-hs256',
      LOG_LEVEL: 'warn',
      PORT: port,
      PEER_PROBE_TIMEOUT: '500ms',
    };
    let server = await startServerProcess(env);
    const erin = await CliUser.create(server.baseUrl);
    await erin.register('erin');
    const share = await mkdtemp(join(tmpdir(), 'erin-share-'));
    await writeFile(join(share, 'Restart Proof.txt'), 'still here');
    await erin.run(['share', share]);
    const daemon = erin.spawn(['up', '--port', '0', '--host', '127.0.0.1']);
    try {
      await daemon.waitFor(/Published 1 file\b/);
      expect(await server.stop()).toBe(0);
      await daemon.waitFor(/Disconnected from .*; reconnecting/);

      server = await startServerProcess(env);
      await daemon.waitFor(/The server still had your list of 1 file; nothing to resend/, 45_000);
      const found = await erin.run(['search', 'restart', 'proof', '--json']);
      expect(JSON.parse(found.stdout).results.map((r: { name: string }) => r.name)).toEqual(['Restart Proof.txt']);

      // The other everyday commands, against a live peer.
      const browse = await erin.run(['browse', 'erin', '--json']);
      expect(JSON.parse(browse.stdout)).toMatchObject({ username: 'erin', files: [{ path: `${share.split('/').at(-1)}/Restart Proof.txt` }] });
      expect((await erin.run(['shares'])).stdout.trim()).toBe(share);
      const reported = await erin.run(['report', '0'.repeat(64), '--reason', 'looks fake']);
      expect(reported).toMatchObject({ code: 0, stdout: expect.stringMatching(/Reported the file 000000000000…/) });
      expect((await erin.run(['whoami'])).stdout).toMatch(/^erin \(user\) on /);
      expect((await erin.run(['unshare', share])).stdout).toMatch(/Stopped sharing/);
      expect((await erin.run(['unshare', share])).code).toBe(1);
      expect((await erin.run(['logout'])).stdout).toMatch(/Signed out erin/);
      expect((await erin.run(['whoami'])).code).toBe(1);
    } finally {
      await daemon.stop();
      await server.stop();
    }
  });
});
