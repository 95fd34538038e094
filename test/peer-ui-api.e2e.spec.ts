import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { eventually } from './support/eventually.js';
import { CliUser, type RunningCommand, startServerForCli } from './support/peer-cli.js';
import { rawHttp, type RawResponse } from './support/raw-http.js';
import type { ServerProcess } from './support/server-process.js';
import { withNote } from './support/with-note.js';

const MiB = 1024 * 1024;
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

interface DaemonFile {
  controlUrl: string;
  controlToken: string;
  uiUrl: string | null;
}

/**
 * The web UI's side of the daemon's local API, over plain HTTP with built `peerdex` processes:
 * how a browser signs in (the one-time link and its cookie), every refusal that keeps other
 * users and other sites out, and that the UI and the command see and drive the same downloads.
 */
describe('the peer web UI API', () => {
  jest.setTimeout(180_000);
  let server: ServerProcess;
  let alice: CliUser, bob: CliUser;
  let aliceUp: RunningCommand, bobUp: RunningCommand;
  let big: Buffer;
  let ui: string;
  let host: string;
  let cookie: string;
  let aliceDaemon: DaemonFile;

  /** A request as bob's browser sends it: cookie, its own Host and, for changes, its Origin. */
  async function browser(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Headers }> {
    const response = await fetch(`${ui}${path}`, {
      method,
      headers: { cookie, ...(method === 'GET' ? {} : { origin: ui }), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text && response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text, headers: response.headers };
  }

  const raw = (lines: string[]): Promise<RawResponse> => rawHttp(ui, lines);

  beforeAll(async () => {
    server = await startServerForCli();
    [alice, bob] = await Promise.all([CliUser.create(server.baseUrl), CliUser.create(server.baseUrl)]);
    await alice.register('alice');
    await bob.register('bob');
    // Alice's download below must not make her share it (seeding): browsing her shows her folder only.
    await alice.run(['seeding', 'off']);
    big = randomBytes(24 * MiB);
    const share = await mkdtemp(join(tmpdir(), 'alice-ui-'));
    await writeFile(join(share, 'big.bin'), big);
    await writeFile(join(share, 'small notes.txt'), 'notes');
    await alice.run(['share', share]);
    aliceUp = alice.spawn(['up', '--port', '0', '--host', '127.0.0.1', '--max-upload-rate', '2MiB', '--no-ui']);
    bobUp = bob.spawn(['up', '--port', '0', '--host', '127.0.0.1', '--ui-port', '0']);
    await aliceUp.waitFor(/Published 2 files/);
    await bobUp.waitFor(/Published 0 files/);
    ui = (await bobUp.waitFor(/Web UI on (http:\/\/127\.0\.0\.1:\d+)/))[1]!;
    host = new URL(ui).host;
    aliceDaemon = JSON.parse(await readFile(join(alice.home, 'daemon.json'), 'utf8')) as DaemonFile;

    const link = await bob.run(['ui', '--print']);
    withNote(link.stdout + link.stderr, () => expect(link.code).toBe(0));
    const url = new URL(/http:\/\/\S+/.exec(link.stdout)![0]);
    const signIn = await raw([`GET ${url.pathname}${url.search} HTTP/1.1`, `Host: ${host}`]);
    cookie = /^(peerdex_ui_\d+=[^;]+)/.exec(signIn.headers['set-cookie'] ?? '')?.[1] ?? '';
  });

  afterAll(async () => {
    await Promise.all([aliceUp?.stop(), bobUp?.stop()]);
    await server?.stop();
  });

  it('signs a browser in once per link, with a cookie scripts and other sites cannot use', async () => {
    const link = await bob.run(['ui', '--print']);
    expect(link.stdout).toMatch(/Open this link in a browser on this machine \(it works once, for 2 minutes\):\nhttp:\/\/127\.0\.0\.1:\d+\/login\?code=/);
    const url = new URL(/http:\/\/\S+/.exec(link.stdout)![0]);
    expect(url.origin).toBe(ui);
    const first = await raw([`GET ${url.pathname}${url.search} HTTP/1.1`, `Host: ${host}`]);
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/');
    expect((await bob.run(['status'])).stdout).toMatch(new RegExp(`^Web UI: +${ui} \\(\`peerdex ui\` opens it, signed in\\)$`, 'm'));
    expect(first.headers['set-cookie']).toMatch(/^peerdex_ui_\d+=[\w-]{40,}; HttpOnly; SameSite=Strict; Path=\/; Max-Age=\d+$/);
    const again = await raw([`GET ${url.pathname}${url.search} HTTP/1.1`, `Host: ${host}`]);
    expect(again.status).toBe(401);
    expect(again.body.toString()).toMatch(/Run <code>peerdex ui<\/code>/);
    expect((await raw([`GET /login?code=forged HTTP/1.1`, `Host: ${host}`])).status).toBe(401);

    const page = await browser('GET', '/');
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/<div id="root">/);
    expect(page.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
    const signedOut = await fetch(`${ui}/transfers`);
    expect(signedOut.status).toBe(401);
    expect(await signedOut.text()).toMatch(/peerdex ui/);
  });

  it('refuses requests without the cookie (401), with a foreign Host (403) or from another site (403), and sends no CORS headers', async () => {
    const noCookie = await raw([`GET /api/v1/downloads HTTP/1.1`, `Host: ${host}`, 'Origin: http://evil.example']);
    expect(noCookie.status).toBe(401);
    const wrongCookie = await raw([`POST /api/v1/downloads HTTP/1.1`, `Host: ${host}`, `Cookie: ${cookie.replace(/=.*/, '=not-the-secret')}`, 'Content-Length: 0']);
    expect(wrongCookie.status).toBe(401);
    const rebound = await raw([`GET /api/v1/downloads HTTP/1.1`, 'Host: evil.example:80', `Cookie: ${cookie}`]);
    expect(rebound.status).toBe(403);
    expect(rebound.body.toString()).toMatch(/the Host header must name this machine/);
    const reboundPage = await raw([`GET / HTTP/1.1`, `Host: evil.example:${new URL(ui).port}`, `Cookie: ${cookie}`]);
    expect(reboundPage.status).toBe(403);
    const crossSite = await browser('POST', '/api/v1/downloads', { sha256: sha256(big) }, { origin: 'http://evil.example' });
    expect(crossSite.status).toBe(403);
    expect(crossSite.body.message).toBe('cross-origin requests are refused');
    const noOrigin = await raw([`POST /api/v1/shares HTTP/1.1`, `Host: ${host}`, `Cookie: ${cookie}`, 'Content-Length: 0']);
    expect(noOrigin.status).toBe(403);
    // Only the command hands out login links: a browser holding the cookie cannot mint more.
    expect((await browser('POST', '/api/v1/ui/login-link')).status).toBe(403);

    for (const response of [noCookie, wrongCookie, rebound, crossSite]) {
      const names = 'headers' in response && response.headers instanceof Headers ? [...response.headers.keys()] : Object.keys(response.headers);
      expect(names.filter((name) => name.startsWith('access-control-'))).toEqual([]);
    }
  });

  it('shows a download started in the UI to the command, which cancels it; and the other way round', async () => {
    const out = await mkdtemp(join(tmpdir(), 'bob-ui-'));
    const started = await browser('POST', '/api/v1/downloads', { sha256: sha256(big), outputDir: out });
    withNote(JSON.stringify(started.body), () => expect(started.status).toBe(201));
    const id = started.body.id as string;
    await eventually(async () => expect((await browser('GET', `/api/v1/downloads/${id}`)).body.state).toBe('downloading'), 30_000, 100);
    const status = JSON.parse((await bob.run(['status', '--json'])).stdout);
    expect(status.peer.downloads).toEqual(expect.arrayContaining([expect.objectContaining({ id, name: 'big.bin', state: 'downloading' })]));
    const cancelled = await bob.run(['cancel', id]);
    withNote(cancelled.stderr, () => expect(cancelled.code).toBe(0));
    expect((await browser('GET', `/api/v1/downloads/${id}`)).body).toMatchObject({ state: 'cancelled' });
    // "Open folder" hands the download's own folder to the desktop; a machine without one says where it is.
    const open = await browser('POST', `/api/v1/downloads/${id}/open-folder`);
    if (process.env.DISPLAY || process.env.WAYLAND_DISPLAY) expect(open.body).toEqual({ opened: out });
    else expect(open.body).toMatchObject({ statusCode: 409, message: `there is no desktop here to open it on: the folder is ${out}` });
    expect((await browser('POST', '/api/v1/downloads/no-such-id/open-folder')).status).toBe(404);

    const detached = await bob.run(['get', sha256(big), '--out', out, '--detach']);
    withNote(detached.stderr, () => expect(detached.code).toBe(0));
    const listed = (await browser('GET', '/api/v1/downloads')).body.downloads as Array<{ id: string; state: string; outputDir: string }>;
    const fromCli = listed.find((download) => download.outputDir === out && download.state !== 'cancelled');
    expect(fromCli).toBeDefined();
    const stopped = await browser('POST', `/api/v1/downloads/${fromCli!.id}/cancel`);
    withNote(JSON.stringify(stopped.body), () => expect(stopped.status).toBe(200));
    expect(stopped.body).toMatchObject({ state: 'cancelled', reason: 'cancelled' });
    const after = JSON.parse((await bob.run(['status', '--json'])).stdout);
    expect(after.peer.downloads).toEqual(expect.arrayContaining([expect.objectContaining({ id: fromCli!.id, state: 'cancelled' })]));
  });

  it('pauses a download (nothing more arrives), resumes it from its pieces and finishes it with the right bytes', async () => {
    const out = await mkdtemp(join(tmpdir(), 'bob-pause-'));
    const { body: started } = await browser('POST', '/api/v1/downloads', { sha256: sha256(big), outputDir: out });
    await eventually(async () => expect((await browser('GET', `/api/v1/downloads/${started.id}`)).body.piecesDone).toBeGreaterThan(0), 30_000, 100);
    const paused = await browser('POST', `/api/v1/downloads/${started.id}/pause`);
    expect(paused.body).toMatchObject({ state: 'paused', finishedAt: null, bytesPerSecond: 0 });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await browser('GET', `/api/v1/downloads/${started.id}`)).body.bytesDone).toBe(paused.body.bytesDone);
    expect((await browser('POST', `/api/v1/downloads/${started.id}/pause`)).status).toBe(409);

    const resumed = await browser('POST', `/api/v1/downloads/${started.id}/resume`);
    expect(resumed.status).toBe(200);
    const done = await eventually(async () => {
      const view = (await browser('GET', `/api/v1/downloads/${started.id}`)).body;
      expect(view.state).toBe('completed');
      return view;
    }, 60_000, 200);
    expect(done.result.resumedBytes).toBeGreaterThan(0);
    expect(done.piecesDone).toBe(24);
    expect(sha256(await readFile(join(out, 'big.bin')))).toBe(sha256(big));
    expect((await browser('POST', `/api/v1/downloads/${started.id}/retry`)).status).toBe(409);
  });

  it('adds and removes shares, keeps settings in config.json, proxies search and tells who is signed in', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'bob-share-'));
    await writeFile(join(folder, 'song.mp3'), randomBytes(4096));
    expect((await browser('POST', '/api/v1/shares', { path: 'relative/path' })).body.message).toBe('path: must be an absolute path');
    expect((await browser('POST', '/api/v1/shares', { path: join(folder, 'nope') })).status).toBe(400);
    const added = await browser('POST', '/api/v1/shares', { path: folder });
    expect(added.status).toBe(201);
    expect(added.body.folders).toEqual([expect.objectContaining({ path: folder })]);
    await eventually(async () => expect((await browser('GET', '/api/v1/shares')).body.folders).toEqual([{ path: folder, files: 1, bytes: 4096, present: true }]), 20_000, 200);
    expect((await browser('POST', '/api/v1/shares', { path: folder })).status).toBe(409);
    // alice fetches bob's song: bob's uploads name her, the file and what was sent.
    const song = sha256(await readFile(join(folder, 'song.mp3')));
    const aliceOut = await mkdtemp(join(tmpdir(), 'alice-from-bob-'));
    const fetched = await fetch(`${aliceDaemon.controlUrl}/api/v1/downloads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${aliceDaemon.controlToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sha256: song, outputDir: aliceOut }),
    });
    expect(fetched.status).toBe(201);
    await eventually(async () =>
      expect((await browser('GET', '/api/v1/uploads')).body.uploads).toEqual([expect.objectContaining({ downloader: 'alice', name: 'song.mp3', sha256: song, bytesSent: 4096 })]),
    10_000, 100);
    expect((await browser('DELETE', '/api/v1/shares', { path: folder })).body.folders).toEqual([]);

    expect((await browser('PATCH', '/api/v1/settings', { uploadSlots: 0 })).body.message).toBe('uploadSlots: must be at least 1');
    const saved = await browser('PATCH', '/api/v1/settings', { uploadSlots: 6, uploadBytesPerSecond: 5 * MiB, seeding: false });
    expect(saved.body.settings).toMatchObject({ uploadSlots: 6, uploadBytesPerSecond: 5 * MiB, seeding: false });
    expect(saved.body.inForce).toEqual({ uploadSlots: 4, uploadBytesPerSecond: null });
    expect(JSON.parse(await readFile(join(bob.home, 'config.json'), 'utf8'))).toMatchObject({ uploadSlots: 6, seed: false });

    const found = await browser('GET', '/api/v1/search?q=big');
    expect(found.body.results).toEqual([expect.objectContaining({ name: 'big.bin', size: 24 * MiB })]);
    expect((await browser('GET', '/api/v1/search?q=')).body.message).toBe('q: is required');
    const browsed = await browser('GET', '/api/v1/users/alice/files');
    expect(browsed.body.files.map((file: { name: string }) => file.name).sort()).toEqual(['big.bin', 'small notes.txt']);
    // Several at once, into the settings' download folder; the same file twice is one download.
    const folderForBatch = await mkdtemp(join(tmpdir(), 'bob-batch-'));
    await browser('PATCH', '/api/v1/settings', { downloadDir: folderForBatch });
    expect((await browser('POST', '/api/v1/downloads/batch', { sha256: [] })).body.message).toBe('sha256: needs at least one file');
    const notes = sha256(Buffer.from('notes'));
    const batch = await browser('POST', '/api/v1/downloads/batch', { sha256: [notes, notes] });
    expect(batch.status).toBe(201);
    expect(batch.body.downloads).toEqual([{ download: expect.objectContaining({ sha256: notes, outputDir: folderForBatch }), alreadyRunning: false }]);
    await eventually(async () => expect(await readFile(join(folderForBatch, 'small notes.txt'), 'utf8')).toBe('notes'), 20_000, 200);

    expect((await browser('GET', '/api/v1/account')).body).toEqual({ server: server.baseUrl, signedIn: true, username: 'bob', connected: true });
  });

  it('streams a snapshot of downloads, uploads, shares and the account, then changes', async () => {
    const response = await fetch(`${ui}/api/v1/events`, { headers: { cookie } });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    while (!text.includes('\n\n')) text += (await reader.read()).value ?? '';
    await reader.cancel();
    const snapshot = JSON.parse(/^event: snapshot\ndata: (.*)$/m.exec(text)![1]!);
    expect(Object.keys(snapshot).sort()).toEqual(['account', 'downloads', 'shares', 'uploads']);
    expect(snapshot.uploads.slots).toEqual({ inUse: 0, capacity: 4 });
    expect(snapshot.account.username).toBe('bob');
  });

  it('manages API keys, signs the peer out (it keeps running, downloading nothing) and in again', async () => {
    const created = await browser('POST', '/api/v1/account/api-keys', { name: 'my script' });
    expect(created.status).toBe(201);
    expect(created.body.key).toEqual(expect.any(String));
    expect((await browser('GET', '/api/v1/account/api-keys')).body.apiKeys).toEqual([expect.objectContaining({ id: created.body.id, name: 'my script' })]);
    expect((await browser('DELETE', `/api/v1/account/api-keys/${created.body.id}`)).body).toEqual({ revoked: true });
    expect((await browser('GET', '/api/v1/account/api-keys')).body.apiKeys).toEqual([]);
    expect((await browser('POST', '/api/v1/account/api-keys', { name: ' ' })).body.message).toBe('name: is required');

    expect((await browser('POST', '/api/v1/account/sign-out')).body).toMatchObject({ signedIn: false, username: null, connected: false });
    expect((await bob.run(['whoami'])).stderr).toMatch(/Not signed in/);
    const refused = await browser('POST', '/api/v1/downloads', { sha256: sha256(big), outputDir: tmpdir() });
    expect(refused.status).toBe(503);
    expect(refused.body.message).toMatch(/^Not signed in to /);
    const wrong = await browser('POST', '/api/v1/account/sign-in', { username: 'bob', password: 'not-bobs-password' });
    expect(wrong.status).toBe(403);
    expect((await browser('POST', '/api/v1/account/sign-in', { username: 'bob', password: 'bob-password' })).body).toMatchObject({ signedIn: true, username: 'bob' });
    await eventually(async () => expect((await browser('GET', '/api/v1/account')).body.connected).toBe(true), 20_000, 200);
    expect((await bob.run(['whoami'])).stdout).toMatch(/bob/);
  });

  it('serves no web UI with --no-ui, and hands out no login link there', async () => {
    const page = await fetch(`${aliceDaemon.controlUrl}/`);
    expect(page.status).toBe(404);
    expect(aliceDaemon.uiUrl).toBeNull();
    const link = await alice.run(['ui']);
    expect(link.code).toBe(1);
    expect(link.stderr).toMatch(/the web UI is off: restart `peerdex up` without --no-ui/);
  });
});
