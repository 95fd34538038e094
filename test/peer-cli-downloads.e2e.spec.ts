import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { eventually } from './support/eventually.js';
import { CliUser, HAS_PSEUDO_TERMINAL, type RunningCommand, startServerForCli } from './support/peer-cli.js';
import type { ServerProcess } from './support/server-process.js';
import { withNote } from './support/with-note.js';

const MiB = 1024 * 1024;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const onTerminal = HAS_PSEUDO_TERMINAL ? it : it.skip;

interface DaemonFile {
  controlUrl: string;
  controlToken: string;
}

/** The verified-pieces bitmap of an unfinished download (its sidecar), or undefined. */
async function verifiedPieces(partPath: string): Promise<string | undefined> {
  const state = await readFile(`${partPath}.json`, 'utf8').then((text) => JSON.parse(text) as { done?: string }, () => undefined);
  return state?.done && Buffer.from(state.done, 'base64').some((byte) => byte !== 0) ? state.done : undefined;
}

/**
 * Downloads a person starts, watches and stops: `get`, Ctrl-C, `status`, `cancel`, and the
 * daemon's local API they all use; with the built server and `peerdex` processes throughout.
 */
describe('downloads from the command line and the daemon API', () => {
  jest.setTimeout(180_000);
  let server: ServerProcess;
  let alice: CliUser, bob: CliUser;
  let aliceUp: RunningCommand, bobUp: RunningCommand;
  let big: Buffer;
  let daemon: DaemonFile;

  beforeAll(async () => {
    server = await startServerForCli();
    [alice, bob] = await Promise.all([CliUser.create(server.baseUrl), CliUser.create(server.baseUrl)]);
    await alice.register('alice');
    await bob.register('bob');
    big = randomBytes(24 * MiB);
    const share = await mkdtemp(join(tmpdir(), 'alice-downloads-'));
    await writeFile(join(share, 'big.bin'), big);
    await writeFile(join(share, 'alpha notes.txt'), 'alpha');
    await writeFile(join(share, 'beta notes.txt'), 'beta');
    await alice.run(['share', share]);
    // Bob's downloads must not make him a second source (seeding): alice stays the only one.
    await bob.run(['seeding', 'off']);
    // Slow enough to interrupt: about six seconds for the big file.
    aliceUp = alice.spawn(['up', '--port', '0', '--host', '127.0.0.1', '--max-upload-rate', '4MiB']);
    bobUp = bob.spawn(['up', '--port', '0', '--host', '127.0.0.1']);
    await aliceUp.waitFor(/Published 3 files/);
    await bobUp.waitFor(/Published 0 files/);
    daemon = JSON.parse(await readFile(join(bob.home, 'daemon.json'), 'utf8')) as DaemonFile;
  });

  afterAll(async () => {
    await Promise.all([aliceUp?.stop(), bobUp?.stop()]);
    await server?.stop();
  });

  async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const response = await fetch(`${daemon.controlUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${daemon.controlToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: response.status, body: await response.json() };
  }

  it('cancels the download in the running peer on Ctrl-C, and the next get resumes it', async () => {
    const out = await mkdtemp(join(tmpdir(), 'bob-ctrl-c-'));
    const part = join(out, 'big.bin.part');
    const get = bob.spawn(['get', sha256(big), '--out', out]);
    await eventually(async () => expect(await verifiedPieces(part)).toBeDefined(), 30_000, 100);
    get.child.kill('SIGINT');
    const code = await get.exited;
    withNote(get.output, () => expect(code).toBe(130));
    expect(get.output).toMatch(/Cancelled the download of big\.bin: [\d.]+ MiB verified stay in .*big\.bin\.part; run the same command again to resume/);

    // It really stopped: nothing more is verified, the file never completes, the peer lists it as cancelled.
    const stopped = await verifiedPieces(part);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(await verifiedPieces(part)).toBe(stopped);
    await expect(stat(join(out, 'big.bin'))).rejects.toThrow();
    const status = JSON.parse((await bob.run(['status', '--json'])).stdout);
    expect(status.peer.downloads).toEqual([expect.objectContaining({ name: 'big.bin', state: 'cancelled', outputDir: out })]);

    const again = await bob.run(['get', sha256(big), '--out', out, '--json']);
    withNote(again.stdout + again.stderr, () => expect(again.code).toBe(0));
    const outcome = JSON.parse(again.stdout);
    expect(outcome).toMatchObject({ ok: true });
    expect(outcome.resumedBytes).toBeGreaterThan(0);
    expect(sha256(await readFile(join(out, 'big.bin')))).toBe(sha256(big));
  });

  it('cancels a download made without a running peer on Ctrl-C too', async () => {
    const erin = await CliUser.create(server.baseUrl);
    await erin.register('erin');
    const out = await mkdtemp(join(tmpdir(), 'erin-ctrl-c-'));
    const part = join(out, 'big.bin.part');
    const get = erin.spawn(['get', sha256(big), '--out', out]);
    await eventually(async () => expect(await verifiedPieces(part)).toBeDefined(), 30_000, 100);
    get.child.kill('SIGINT');
    const code = await get.exited;
    withNote(get.output, () => expect(code).toBe(130));
    expect(get.output).toMatch(/Cancelled the download of big\.bin: [\d.]+ MiB verified stay in .*big\.bin\.part; run the same command again to resume/);
    expect(await verifiedPieces(part)).toBeDefined();
  });

  it('names each download in `status` with its progress, and `cancel` stops one by name', async () => {
    const out = await mkdtemp(join(tmpdir(), 'bob-detached-'));
    const started = await bob.run(['get', sha256(big), '--out', out, '--detach']);
    withNote(started.stderr, () => expect(started.code).toBe(0));
    expect(started.stdout).toMatch(/Downloading .* in the running peer: see `peerdex status`; stop it with `peerdex cancel/);

    const status = await eventually(async () => {
      const shown = await bob.run(['status']);
      expect(shown.stdout).toMatch(/^Download: +big\.bin +[\d.]+ (B|KiB|MiB) of 24 MiB \(\d+%\)/m);
      return shown.stdout;
    }, 30_000, 200);
    expect(status).toMatch(/1 download in progress/);
    expect(status).toMatch(/from alice/);

    const cancelled = await bob.run(['cancel', 'big.bin']);
    withNote(cancelled.stderr, () => expect(cancelled.code).toBe(0));
    expect(cancelled.stdout).toMatch(/^Cancelled big\.bin/);
    const listed = JSON.parse((await bob.run(['status', '--json'])).stdout).peer.downloads as Array<{ outputDir: string; state: string }>;
    expect(listed.filter((download) => download.outputDir === out)).toEqual([expect.objectContaining({ state: 'cancelled' })]);

    const nothing = await bob.run(['cancel', 'no-such-file.bin']);
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toMatch(/^peerdex: no download in progress matches "no-such-file\.bin"/);
  });

  it('lets a second get of the same file follow the running download instead of refusing it', async () => {
    const out = await mkdtemp(join(tmpdir(), 'bob-twice-'));
    const first = bob.spawn(['get', sha256(big), '--out', out]);
    await eventually(async () => expect((await api('GET', '/api/v1/downloads')).body.downloads).toContainEqual(expect.objectContaining({ outputDir: out, state: 'downloading' })), 30_000, 100);
    const second = await bob.run(['get', sha256(big), '--out', out, '--json']);
    withNote(second.stdout + second.stderr, () => expect(second.code).toBe(0));
    expect(JSON.parse(second.stdout)).toMatchObject({ ok: true });
    expect(await first.exited).toBe(0);
    expect(sha256(await readFile(join(out, 'big.bin')))).toBe(sha256(big));
  });

  it('serves the local API over loopback HTTP: start, list, follow as server-sent events, cancel', async () => {
    const out = await mkdtemp(join(tmpdir(), 'bob-api-'));
    const started = await api('POST', '/api/v1/downloads', { sha256: sha256(big), outputDir: out });
    withNote(JSON.stringify(started.body), () => expect(started.status).toBe(201));
    const id = started.body.id as string;
    expect(started.body).toMatchObject({ id, sha256: sha256(big), outputDir: out });

    const conflict = await api('POST', '/api/v1/downloads', { sha256: sha256(big), outputDir: out });
    expect(conflict.status).toBe(409);
    expect(conflict.body.download.id).toBe(id);

    // Events: the current state first, then changes as they happen.
    const events = await fetch(`${daemon.controlUrl}/api/v1/events`, { headers: { authorization: `Bearer ${daemon.controlToken}` } });
    expect(events.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = events.body!.pipeThrough(new TextDecoderStream()).getReader();
    let seen = '';
    const progressed = new RegExp(`event: download\\ndata: \\{"id":"${id}"[^\\n]*"bytesDone":[1-9]`);
    while (!progressed.test(seen)) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += value;
    }
    await reader.cancel();
    expect(seen).toMatch(/^event: snapshot\ndata: \{"downloads":\[/);

    const listed = await api('GET', '/api/v1/downloads');
    expect(listed.body.downloads).toContainEqual(expect.objectContaining({ id, state: 'downloading', name: 'big.bin', bytesTotal: 24 * MiB, sources: ['alice'] }));
    const one = await api('GET', `/api/v1/downloads/${id}`);
    expect(one.body).toMatchObject({ id, bytesTotal: 24 * MiB });

    const cancelled = await api('POST', `/api/v1/downloads/${id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ id, state: 'cancelled' });
    expect((await api('POST', `/api/v1/downloads/${id}/cancel`)).status).toBe(409);
    expect((await api('GET', '/api/v1/downloads/no-such-id')).status).toBe(404);
    expect((await api('POST', '/api/v1/downloads', { sha256: 'nope', outputDir: out })).status).toBe(400);
    expect((await api('POST', '/api/v1/downloads', { sha256: sha256(big), outputDir: 'relative/dir' })).status).toBe(400);

    // Only for this user's programs: no token, a wrong one, or a page reached through another host name.
    expect((await fetch(`${daemon.controlUrl}/api/v1/downloads`)).status).toBe(401);
    expect((await fetch(`${daemon.controlUrl}/api/v1/downloads`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const rebound = await new Promise<number>((resolve, reject) => {
      const url = new URL(`${daemon.controlUrl}/api/v1/downloads`);
      request({ host: url.hostname, port: url.port, path: url.pathname, headers: { host: 'evil.example:80', authorization: `Bearer ${daemon.controlToken}` } }, (response) => {
        response.resume();
        resolve(response.statusCode!);
      })
        .on('error', reject)
        .end();
    });
    expect(rebound).toBe(403);
  });

  onTerminal('draws the progress bar on a terminal in binary units', async () => {
    const out = await mkdtemp(join(tmpdir(), 'bob-tty-'));
    const get = bob.terminal(['get', sha256(big), '--out', out]);
    await get.waitFor(/[\d.]+ (KiB|MiB) of 24 MiB \|/, 60_000);
    expect(await get.exited).toBe(0);
    expect(get.output).not.toMatch(/of 25165824/);
    expect(get.output).toMatch(/Saved .*big\.bin \(24 MiB, SHA-256 verified\)/);
  });

  it('numbers browse results like search results; get and report take numbers and hash prefixes', async () => {
    const browse = await bob.run(['browse', 'alice']);
    withNote(browse.stderr, () => expect(browse.code).toBe(0));
    const rows = browse.stdout.split('\n').filter((line) => /^│ +\d+ │/.test(line));
    expect(rows).toHaveLength(3);
    const second = rows.find((line) => /alpha notes\.txt|beta notes\.txt/.test(line) && /│ +2 │/.test(line));
    expect(second).toBeDefined();
    expect(browse.stdout).toMatch(/peerdex get <#>/);

    const out = await mkdtemp(join(tmpdir(), 'bob-browse-'));
    const byNumber = await bob.run(['get', '2', '--out', out, '--json']);
    withNote(byNumber.stdout + byNumber.stderr, () => expect(byNumber.code).toBe(0));
    const expectedName = /alpha notes\.txt/.test(second!) ? 'alpha notes.txt' : 'beta notes.txt';
    expect(JSON.parse(byNumber.stdout)).toMatchObject({ ok: true, name: expectedName });

    const alpha = sha256(Buffer.from('alpha'));
    const byPrefix = await bob.run(['get', alpha.slice(0, 12), '--out', out, '--json']);
    withNote(byPrefix.stdout + byPrefix.stderr, () => expect(byPrefix.code).toBe(0));
    expect(await readFile(join(out, 'alpha notes.txt'), 'utf8')).toBe('alpha');
    const unknownPrefix = await bob.run(['get', 'abcdef123456', '--out', out]);
    expect(unknownPrefix.code).toBe(2);
    expect(unknownPrefix.stderr).toMatch(/no file in the last list \(browse alice\) starts with abcdef123456/);

    const reported = await bob.run(['report', '1', '--reason', 'mislabelled']);
    withNote(reported.stderr, () => expect(reported.code).toBe(0));
    expect(reported.stdout).toMatch(/^Reported the file .* \([0-9a-f]{12}…\) to the moderators/);
    const user = await bob.run(['report', 'alice', '--reason', 'spam']);
    expect(user.stdout).toMatch(/^Reported the user alice to the moderators/);
  });

  it('says "you are the only source" for a file only you share', async () => {
    const out = await mkdtemp(join(tmpdir(), 'alice-own-'));
    const own = await alice.run(['get', sha256(Buffer.from('alpha')), '--out', out]);
    expect(own.code).toBe(1);
    expect(own.stderr).toMatch(/^peerdex: you are the only source of alpha notes\.txt: nobody else who shares it is online \(your copy: .*alpha notes\.txt\)\n$/);
  });

  it('names users instead of sessions in failures, says how to resume, and translates system errors', async () => {
    const carol = await CliUser.create(server.baseUrl);
    await carol.register('carol');
    const dave = await CliUser.create(server.baseUrl);
    await dave.register('dave');
    const share = await mkdtemp(join(tmpdir(), 'carol-'));
    const only = randomBytes(16 * MiB);
    await writeFile(join(share, 'only-here.bin'), only);
    await carol.run(['share', share]);
    const carolUp = carol.spawn(['up', '--port', '0', '--host', '127.0.0.1', '--max-upload-rate', '2MiB']);
    await carolUp.waitFor(/Published 1 file\b/);

    const out = await mkdtemp(join(tmpdir(), 'dave-'));
    const get = dave.spawn(['get', sha256(only), '--out', out]);
    await eventually(async () => expect(await verifiedPieces(join(out, 'only-here.bin.part'))).toBeDefined(), 30_000, 100);
    await carolUp.stop('SIGKILL');
    const code = await get.exited;
    withNote(get.output, () => expect(code).toBe(1));
    const failure = get.output.split('\n').find((line) => line.startsWith('peerdex: '))!;
    withNote(get.output, () => expect(failure).toMatch(/^peerdex: Download of only-here\.bin failed: .*(carol|No online peer shares)/));
    expect(failure).not.toMatch(UUID);
    expect(failure).not.toMatch(/transfer:request|ECONNREFUSED/);
    expect(failure).toMatch(/[\d.]+ MiB verified stay in .*only-here\.bin\.part; run the same command again to resume/);

    // --out naming a file, and a port that is taken.
    const file = join(out, 'a-file');
    await writeFile(file, 'not a folder');
    const outIsFile = await dave.run(['get', sha256(big), '--out', file]);
    expect(outIsFile.code).toBe(2);
    expect(outIsFile.stderr).toMatch(/^peerdex: --out .*a-file is a file, not a folder/);
    expect(outIsFile.stderr).not.toMatch(/EEXIST|mkdir/);

    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const busy = await dave.run(['up', '--port', String(port), '--host', '127.0.0.1']);
      expect(busy.code).toBe(1);
      expect(busy.stderr).toMatch(new RegExp(`^peerdex: port ${port} is already in use \\(another \`peerdex up\`, or another program\\): choose another with --port\\n$`));
    } finally {
      taken.close();
    }
  });
});

describe('downloads while the server is away', () => {
  jest.setTimeout(90_000);

  it('ends a download without waiting to report its outcome to a server that is gone', async () => {
    const server = await startServerForCli();
    const [fay, gus] = await Promise.all([CliUser.create(server.baseUrl), CliUser.create(server.baseUrl)]);
    await fay.register('fay');
    await gus.register('gus');
    const share = await mkdtemp(join(tmpdir(), 'fay-'));
    const file = randomBytes(16 * MiB);
    await writeFile(join(share, 'slow.bin'), file);
    await fay.run(['share', share]);
    const fayUp = fay.spawn(['up', '--port', '0', '--host', '127.0.0.1', '--max-upload-rate', '1MiB']);
    const gusUp = gus.spawn(['up', '--port', '0', '--host', '127.0.0.1']);
    try {
      await fayUp.waitFor(/Published 1 file\b/);
      await gusUp.waitFor(/Published 0 files/);
      const out = await mkdtemp(join(tmpdir(), 'gus-'));
      expect((await gus.run(['get', sha256(file), '--out', out, '--detach'])).code).toBe(0);
      await eventually(async () => expect(await verifiedPieces(join(out, 'slow.bin.part'))).toBeDefined(), 30_000, 100);
      await server.stop();
      await gusUp.waitFor(/Disconnected from/);
      // However the download ends (finished by the source, or refused), its end is not held back
      // by the report the peer cannot deliver (the socket would buffer it for two minutes).
      await eventually(async () => {
        const [download] = JSON.parse((await gus.run(['status', '--json'])).stdout).peer.downloads as Array<{ state: string }>;
        expect(['completed', 'failed']).toContain(download!.state);
      }, 40_000, 500);
    } finally {
      // Stopping does not wait on the undelivered report either (its answer timer would hold the process for two minutes).
      expect(await gusUp.stop()).toBe(0);
      await fayUp.stop();
      await server.stop();
    }
  });
});
