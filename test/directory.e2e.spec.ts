import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Account, registerUser } from './support/accounts.js';
import { startTestServer, type TestServer } from './support/app.js';
import { httpClient, type HttpClient } from './support/http.js';
import { type ConnectedPeer, connectPeer, entry, sha256Hex } from './support/peer-socket.js';
import { withNote } from './support/with-note.js';

type Result = { sha256: string; name: string; size: number; type: string; ext: string; sourceCount: number; sources: Array<{ username: string }>; match: string };

describe('the share index and search, with three real peers', () => {
  let server: TestServer;
  let http: HttpClient;
  let alice: Account, bob: Account, carol: Account;
  let alicePeer: ConnectedPeer, bobPeer: ConnectedPeer, carolPeer: ConnectedPeer;

  const search = async (peer: ConnectedPeer, query: Record<string, unknown>): Promise<{ results: Result[]; nextCursor: string | null }> =>
    peer.ok('search', query);
  const names = async (peer: ConnectedPeer, query: Record<string, unknown>) => (await search(peer, query)).results.map((result) => result.name);

  beforeAll(async () => {
    server = await startTestServer({ SEARCH_RATE_LIMIT_PER_MINUTE: '1000' });
    http = httpClient(server.baseUrl);
    [alice, bob, carol] = [await registerUser(http, 'alice'), await registerUser(http, 'bob'), await registerUser(http, 'carol')];
    [alicePeer, bobPeer, carolPeer] = await Promise.all([alice, bob, carol].map((account) => connectPeer(server.baseUrl, { token: account.accessToken })));

    await alicePeer.ok('share:sync', {
      files: [
        entry('Music/Radiohead/OK Computer/02 - Paranoid Android.mp3', 'paranoid android'),
        entry('Music/Radiohead/Pablo Honey/02 - Creep.mp3', 'creep'),
        entry('Music/Radiohead/Creep (Live at Glastonbury).flac', 'creep live flac'),
        entry('Music/Beyoncé - Halo.mp3', 'halo'),
        entry('Video/The Matrix 1999 1080p.mkv', 'matrix', { size: 8_000_000_000 }),
        entry('Docs/Radio Manual.pdf', 'radio manual'),
      ],
      final: true,
    });
    await bobPeer.ok('share:sync', {
      files: [entry('shared/creep.mp3', 'creep'), entry('shared/Radio Ga Ga.mp3', 'radio gaga'), entry('shared/empty.txt', '')],
      final: true,
    });
    await carolPeer.ok('share:sync', { files: [entry('x/Radiohead - Creep.mp3', 'creep'), entry('x/pictures/radiohead.jpg', 'jpeg')], final: true });
  });
  afterAll(async () => {
    for (const peer of [alicePeer, bobPeer, carolPeer]) peer?.close();
    await server.close();
  });

  it('finds other users\u2019 files by words and word prefixes, ignoring case and accents', async () => {
    expect(await names(bobPeer, { q: 'paranoid' })).toEqual(['02 - Paranoid Android.mp3']);
    expect(await names(bobPeer, { q: 'PARAN andr' })).toEqual(['02 - Paranoid Android.mp3']);
    expect(await names(bobPeer, { q: 'beyonce' })).toEqual(['Beyoncé - Halo.mp3']);
    expect(await names(bobPeer, { q: 'HALO Beyoncé' })).toEqual(['Beyoncé - Halo.mp3']);
    expect(await names(bobPeer, { q: 'radiohead paranoid' })).toEqual([]); // folders are not part of the name
    expect(await names(bobPeer, { q: 'nothing-like-this' })).toEqual([]);
  });

  it('groups results by content hash with their source count, best match and most sources first', async () => {
    const { results } = await search(alicePeer, { q: 'creep' });
    const creep = sha256Hex('creep');
    expect(results[0]).toMatchObject({ sha256: creep, sourceCount: 3, match: 'word', type: 'audio', ext: 'mp3', size: 5 });
    expect(results[0]!.sources.map((source) => source.username).sort()).toEqual(['alice', 'bob', 'carol']);
    expect(results.map((result) => result.sha256)).toEqual([creep, sha256Hex('creep live flac')]);

    // "radio" is a whole word of two names and a prefix of others; whole words come first.
    const radio = await search(alicePeer, { q: 'radio' });
    expect(radio.results.slice(0, 2).map((result) => result.match)).toEqual(['word', 'word']);
    expect(radio.results.slice(0, 2).map((result) => result.name).sort()).toEqual(['Radio Ga Ga.mp3', 'Radio Manual.pdf']);
    expect(radio.results.slice(2).every((result) => result.match === 'prefix')).toBe(true);
    expect(radio.results.map((result) => result.name)).toContain('radiohead.jpg');
  });

  it('applies every filter and exclusions', async () => {
    expect(await names(bobPeer, { q: 'creep', ext: 'flac' })).toEqual(['Creep (Live at Glastonbury).flac']);
    expect(await names(bobPeer, { q: 'creep', ext: '.FLAC, ogg' })).toEqual(['Creep (Live at Glastonbury).flac']);
    expect((await names(bobPeer, { q: 'radio', type: 'document' }))).toEqual(['Radio Manual.pdf']);
    expect((await names(bobPeer, { q: 'radio', type: 'image' }))).toEqual(['radiohead.jpg']);
    expect(await names(bobPeer, { q: 'matrix', minSize: 1_000_000_000 })).toEqual(['The Matrix 1999 1080p.mkv']);
    expect(await names(bobPeer, { q: 'matrix', maxSize: 1_000_000_000 })).toEqual([]);
    // Three peers share this content under three names; the result shows one of them.
    expect((await search(bobPeer, { q: 'creep', minSize: 5, maxSize: 5 })).results.map((r) => r.sha256)).toEqual([sha256Hex('creep')]);
    expect((await search(bobPeer, { q: 'creep -live' })).results.map((r) => r.sha256)).toEqual([sha256Hex('creep')]);
    expect(await names(bobPeer, { q: 'radio -radiohead -ga' })).toEqual(['Radio Manual.pdf']);
    // An exclusion matches like a search word: whole words and word prefixes, not inner parts.
    expect(await names(bobPeer, { q: 'radio -head -ga -manual' })).toEqual(['Radiohead - Creep.mp3', 'radiohead.jpg']);
  });

  it('refuses bad queries with a precise message', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ q: 'a' }, /at least 2 characters/],
      [{ q: 'x creep' }, /at least 2 characters long \("x" is too short\)/],
      [{ q: '-live' }, /at least one word/],
      [{}, /^q: is required$/],
      [{ q: 'creep', limit: 501 }, /limit: must be at most 500/],
      [{ q: 'creep', type: 'movies' }, /type: /],
      [{ q: 'creep', minSize: -1 }, /minSize: must not be negative/],
      [{ q: 'creep', minSize: 10, maxSize: 5 }, /minSize: must not be larger than maxSize/],
      [{ q: 'creep', ext: 'mp3;rm -rf' }, /ext: must be a comma-separated list/],
      [{ q: 'creep', cursor: 'bogus' }, /cursor: is not a cursor this server issued/],
      [{ q: 'creep', sort: 'name' }, /unknown field "sort"/],
    ];
    for (const [query, message] of cases) {
      const ack = await bobPeer.call('search', query as never);
      withNote(JSON.stringify(query), () => expect(ack.ok).toBe(false));
      if (!ack.ok) {
        expect(ack.error.statusCode).toBe(400);
        expect(ack.error.message).toMatch(message);
      }
    }
    const notAnObject = await bobPeer.call('search', 'creep' as never);
    expect(notAnObject).toMatchObject({ ok: false, error: { statusCode: 400, message: 'payload must be an object' } });
  });

  it('pages with a cursor without duplicates or gaps', async () => {
    const many = Array.from({ length: 37 }, (_, n) => entry(`pages/Pagination Song ${n}.ogg`, `page song ${n}`));
    await carolPeer.ok('share:delta', { added: many });
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 10; pages += 1) {
      const page = await search(bobPeer, { q: 'pagination', limit: 10, ...(cursor ? { cursor } : {}) });
      seen.push(...page.results.map((result) => result.sha256));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(seen).toHaveLength(37);
    expect(new Set(seen).size).toBe(37);
    const other = await bobPeer.call('search', { q: 'radio', cursor: cursor! });
    expect(other).toMatchObject({ ok: false, error: { message: 'cursor: belongs to a different search' } });
  });

  it('keeps the valid entries of a batch and rejects each invalid one with its reason', async () => {
    const dave = await registerUser(http, 'dave');
    const peer = await connectPeer(server.baseUrl, { token: dave.accessToken });
    const ack = await peer.ok('share:sync', {
      files: [
        entry('ok/Valid One.mp3', 'valid one'),
        { path: '../etc/passwd', size: 1, sha256: sha256Hex('x') },
        { path: 'ok/Bad Hash.mp3', size: 1, sha256: 'not-a-hash' },
        { path: 'ok/Negative.mp3', size: -1, sha256: sha256Hex('y') },
        { path: 'ok//double.mp3', size: 1, sha256: sha256Hex('z') },
        { path: 'ok/Extra.mp3', size: 1, sha256: sha256Hex('w'), owner: 'root' },
        'just a string',
        entry('ok/Valid Two.mp3', 'valid two'),
        entry('ok/Valid One.mp3', 'duplicate path'),
        { path: 'x'.repeat(1025), size: 1, sha256: sha256Hex('long') },
      ],
      final: true,
    });
    expect(ack.accepted).toBe(2);
    expect(ack.fileCount).toBe(2);
    expect(ack.rejected.map((r: { index: number }) => r.index)).toEqual([1, 2, 3, 4, 5, 6, 8, 9]);
    const reasons = Object.fromEntries(ack.rejected.map((r: { index: number; reason: string }) => [r.index, r.reason]));
    expect(reasons[1]).toMatch(/path: must not contain "\." or "\.\." segments/);
    expect(reasons[2]).toMatch(/sha256: must be 64 hexadecimal digits/);
    expect(reasons[3]).toMatch(/size: must not be negative/);
    expect(reasons[4]).toMatch(/empty segments/);
    expect(reasons[5]).toMatch(/owner/);
    expect(reasons[6]).toMatch(/must be an object/);
    expect(reasons[8]).toMatch(/duplicate path/);
    expect(reasons[9]).toMatch(/at most 1024 bytes/);
    expect(await names(bobPeer, { q: 'valid' })).toHaveLength(2);

    const badPayload = await peer.call('share:sync', { files: 'nope', final: true } as never);
    expect(badPayload).toMatchObject({ ok: false, error: { statusCode: 400, message: 'files: must be an array' } });
    const tooMany = await peer.call('share:sync', { files: Array.from({ length: 5001 }, () => ({})), final: false });
    expect(tooMany).toMatchObject({ ok: false, error: { message: 'files: must hold at most 5000 entries per batch' } });
    peer.close();
  });

  it('refuses blocklisted files at publish, by hash and by name pattern, and keeps them out of results', async () => {
    const admin = (await http.post('/api/v1/auth/login', { username: 'admin', password: 'admin-password' })).body.accessToken;
    expect((await http.post('/api/v1/admin/blocklist', { pattern: '*.exe', reason: 'no executables' }, { token: admin })).status).toBe(201);
    expect((await http.post('/api/v1/admin/blocklist', { sha256: sha256Hex('known bad'), reason: 'known malware' }, { token: admin })).status).toBe(201);
    const mallory = await registerUser(http, 'mallory');
    const peer = await connectPeer(server.baseUrl, { token: mallory.accessToken });
    const ack = await peer.ok('share:sync', {
      files: [entry('w/Setup.EXE', 'installer'), entry('w/Renamed Bad.zip', 'known bad'), entry('w/Fine Thing.zip', 'fine')],
      final: false,
    });
    expect(ack.rejected).toEqual([
      { index: 0, reason: 'blocked: no executables' },
      { index: 1, reason: 'blocked: known malware' },
    ]);
    await peer.ok('share:sync', { files: [], final: true });
    expect(await names(bobPeer, { q: 'setup' })).toEqual([]);
    expect(await names(bobPeer, { q: 'fine thing' })).toEqual(['Fine Thing.zip']);
    peer.close();
  });

  it('replaces a list atomically: staged batches stay invisible until the final one', async () => {
    const erin = await registerUser(http, 'erin');
    const peer = await connectPeer(server.baseUrl, { token: erin.accessToken });
    await peer.ok('share:sync', { files: [entry('v1/Old Version.mp3', 'old version')], final: true });
    expect(await names(bobPeer, { q: 'version' })).toEqual(['Old Version.mp3']);

    await peer.ok('share:sync', { files: [entry('v2/New Version Part1.mp3', 'new 1')], final: false });
    await peer.ok('share:sync', { files: [entry('v2/New Version Part2.mp3', 'new 2')], final: false });
    expect(await names(bobPeer, { q: 'version' })).toEqual(['Old Version.mp3']);
    const last = await peer.ok('share:sync', { files: [entry('v2/New Version Part3.mp3', 'new 3')], final: true });
    expect(last.fileCount).toBe(3);
    expect((await names(bobPeer, { q: 'version' })).sort()).toEqual(['New Version Part1.mp3', 'New Version Part2.mp3', 'New Version Part3.mp3']);

    const delta = await peer.ok('share:delta', {
      added: [entry('v2/Added Version.mp3', 'added'), entry('v2/New Version Part1.mp3', 'new 1 edited')],
      removed: ['v2/New Version Part2.mp3', 'v2/never-existed.mp3'],
    });
    expect(delta).toMatchObject({ added: 2, removed: 1, fileCount: 3, rejected: [] });
    const after = await search(bobPeer, { q: 'version' });
    expect(after.results.map((result) => result.name).sort()).toEqual(['Added Version.mp3', 'New Version Part1.mp3', 'New Version Part3.mp3']);
    expect(after.results.find((result) => result.name === 'New Version Part1.mp3')?.sha256).toBe(sha256Hex('new 1 edited'));
    peer.close();
  });

  it('removes a disconnected session\u2019s files from results at once', async () => {
    const frank = await registerUser(http, 'frank');
    const peer = await connectPeer(server.baseUrl, { token: frank.accessToken });
    await peer.ok('share:sync', { files: [entry('f/Fleeting Thing.mp3', 'fleeting')], final: true });
    expect(await names(bobPeer, { q: 'fleeting' })).toEqual(['Fleeting Thing.mp3']);
    const disconnected = new Promise((resolve) => peer.socket.once('disconnect', resolve));
    peer.close();
    await disconnected;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await names(bobPeer, { q: 'fleeting' })).toEqual([]);
  });

  it('serves search, file details and browsing over REST with an access token or an API key', async () => {
    const token = { token: bob.accessToken };
    const rest = await http.get('/api/v1/search?q=creep&ext=mp3&limit=1', token);
    expect(rest.status).toBe(200);
    expect(rest.body.results).toHaveLength(1);
    expect(rest.body.results[0]).toMatchObject({ sha256: sha256Hex('creep'), sourceCount: 3 });
    expect(rest.body.nextCursor).toBeNull();

    const bad = await http.get('/api/v1/search?q=creep&limit=0', token);
    expect(bad).toMatchObject({ status: 400, body: { message: 'limit: must be at least 1' } });
    expect((await http.get('/api/v1/search?q=creep')).status).toBe(401);

    const created = await http.post('/api/v1/me/api-keys', { name: 'my script' }, token);
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^pdx_/);
    const key = created.body.key as string;
    const listed = await http.get('/api/v1/me/api-keys', token);
    expect(listed.body).toEqual([expect.objectContaining({ id: created.body.id, name: 'my script', prefix: key.slice(0, 12) })]);
    expect(JSON.stringify(listed.body)).not.toContain(key);

    expect((await http.get('/api/v1/search?q=paranoid', { headers: { 'x-api-key': key } })).body.results).toHaveLength(1);
    expect((await http.get('/api/v1/search?q=paranoid', { token: key })).body.results).toHaveLength(1);
    // Keys open the directory API only.
    expect((await http.get('/api/v1/me', { token: key })).body.message).toMatch(/API keys are accepted by the search API only/);

    const details = await http.get(`/api/v1/files/${sha256Hex('creep')}`, { headers: { 'x-api-key': key } });
    expect(details.body).toMatchObject({ sha256: sha256Hex('creep'), size: 5, sourceCount: 3 });
    expect(details.body.names.sort()).toEqual(['02 - Creep.mp3', 'Radiohead - Creep.mp3', 'creep.mp3']);
    expect((await http.get(`/api/v1/files/${'0'.repeat(64)}`, token)).status).toBe(404);
    expect((await http.get('/api/v1/files/not-a-hash', token)).body.message).toMatch(/sha256: must be 64 hexadecimal digits/);

    const firstPage = await http.get('/api/v1/users/ALICE/files?limit=4', token);
    expect(firstPage.status).toBe(200);
    expect(firstPage.body.username).toBe('alice');
    expect(firstPage.body.files).toHaveLength(4);
    const secondPage = await http.get(`/api/v1/users/alice/files?limit=4&cursor=${firstPage.body.nextCursor}`, token);
    expect(secondPage.body.files).toHaveLength(2);
    expect(secondPage.body.nextCursor).toBeNull();
    const paths = [...firstPage.body.files, ...secondPage.body.files].map((file: { path: string }) => file.path);
    expect(new Set(paths).size).toBe(6);
    expect((await http.get('/api/v1/users/nobody/files', token)).status).toBe(404);

    expect((await http.delete(`/api/v1/me/api-keys/${created.body.id}`, token)).status).toBe(204);
    const revoked = await http.get('/api/v1/search?q=paranoid', { headers: { 'x-api-key': key } });
    expect(revoked).toMatchObject({ status: 401, body: { message: 'Invalid API key' } });
    expect((await http.delete(`/api/v1/me/api-keys/${created.body.id}`, token)).status).toBe(404);
  });
});

describe('search rate limit', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ SEARCH_RATE_LIMIT_PER_MINUTE: '3' });
  });
  afterAll(() => server.close());

  it('answers 429 past the per-user limit, over REST and over the socket alike', async () => {
    const http = httpClient(server.baseUrl);
    const user = await registerUser(http, 'eager');
    const peer = await connectPeer(server.baseUrl, { token: user.accessToken });
    for (let n = 0; n < 3; n += 1) expect((await peer.call('search', { q: 'anything' })).ok).toBe(true);
    const limited = await http.get('/api/v1/search?q=anything', { token: user.accessToken });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await peer.call('search', { q: 'anything' })).toMatchObject({ ok: false, error: { statusCode: 429, message: expect.stringMatching(/Too many searches/) } });
    peer.close();
  });
});

describe('the ranking cache', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ SEARCH_CACHE_TTL: '1500ms' });
  });
  afterAll(() => server.close());

  it('shows what was published in the next search although a ranking is cached, and never a source that left', async () => {
    const http = httpClient(server.baseUrl);
    const [first, second, searcherAccount] = [await registerUser(http, 'cachedone'), await registerUser(http, 'cachedtwo'), await registerUser(http, 'cachewatch')];
    const one = await connectPeer(server.baseUrl, { token: first.accessToken });
    const searcher = await connectPeer(server.baseUrl, { token: searcherAccount.accessToken });
    await one.ok('share:sync', { files: [entry('c/Cached Tune.mp3', 'cached tune')], final: true });
    const names = async () => ((await searcher.ok('search', { q: 'cached' })).results as Array<{ name: string }>).map((r) => r.name).sort();
    expect(await names()).toEqual(['Cached Tune.mp3']);

    // Published while that ranking is cached: the publication makes it stale, so it is in the next search.
    const two = await connectPeer(server.baseUrl, { token: second.accessToken });
    await two.ok('share:sync', { files: [entry('c/Cached Other.mp3', 'cached other')], final: true });
    expect(await names()).toEqual(['Cached Other.mp3', 'Cached Tune.mp3']);

    // A source that leaves is gone from the very next search, ranking reused or not.
    const left = new Promise((resolve) => one.socket.once('disconnect', resolve));
    one.close();
    await left;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await names()).toEqual(['Cached Other.mp3']);
    for (const peer of [two, searcher]) peer.close();
  });
});
