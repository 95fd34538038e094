import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chromium } from 'playwright-core';
import { AppConfig, ConfigError } from '../apps/server/src/config/app-config.js';
import { ManifestSchema, MANIFEST_MEDIA_TYPE, parsePeerdexLink, PIECE_SIZE } from '#contracts';
import { registerUser } from './support/accounts.js';
import { startTestServer, type TestServer } from './support/app.js';
import { CHROMIUM, CHROMIUM_FLAGS, hasChromium, NO_CHROMIUM } from './support/browser.js';
import { httpClient, type HttpClient } from './support/http.js';
import { type ConnectedPeer, connectPeer, entry, sha256Hex } from './support/peer-socket.js';
import { withNote } from './support/with-note.js';

const API = '/api/v1';
/** The one browser API the page check calls (the test code is type-checked without the DOM library). */
type BrowserWindow = { getComputedStyle(element: unknown): { backgroundColor: string } };
/** A name that would run a script if the page did not escape it ("/" cannot be in a name, so no "</script>"). */
const HOSTILE_NAME = '<script>alert("x")<\u2215script> <img src=x onerror=alert(1)> & co.mp3';
const HOSTILE_PIECE_ROOT = sha256Hex('hostile piece root');
const HOSTILE = entry(`music/${HOSTILE_NAME}`, 'hostile bytes', { pieceRoot: HOSTILE_PIECE_ROOT });
const ACCENTED = entry('music/Beyoncé – Halo.flac', 'halo bytes');

describe('links to a file: its .peerdex manifest and its public landing page', () => {
  let server: TestServer;
  let http: HttpClient;
  const peers: ConnectedPeer[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    http = httpClient(server.baseUrl);
    const alice = await registerUser(http, 'alice_sharer');
    const peer = await connectPeer(server.baseUrl, { token: alice.accessToken });
    peers.push(peer);
    await peer.ok('share:sync', { files: [HOSTILE, ACCENTED], final: true });
  });
  afterAll(async () => {
    for (const peer of peers) peer.close();
    await server.close();
  });

  describe('GET /api/v1/files/:sha256/manifest', () => {
    it('serves the manifest to anyone, with its own media type, as an attachment named after the file', async () => {
      const response = await http.get(`${API}/files/${HOSTILE.sha256}/manifest`);
      withNote(JSON.stringify(response.body), () => expect(response.status).toBe(200));
      expect(response.headers.get('content-type')).toBe(`${MANIFEST_MEDIA_TYPE}; charset=utf-8`);
      expect(response.body).toEqual({
        version: 1,
        name: HOSTILE_NAME,
        size: HOSTILE.size,
        sha256: HOSTILE.sha256,
        pieceSize: PIECE_SIZE,
        pieceRoot: HOSTILE_PIECE_ROOT,
        server: server.baseUrl,
      });
      expect(ManifestSchema.parse(response.body)).toEqual(response.body);
      expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename=".*\.mp3\.peerdex"/);
    });

    it('names a non-ASCII file in filename* (RFC 8187), and says null for a piece root nobody published', async () => {
      const response = await http.get(`${API}/files/${ACCENTED.sha256}/manifest`);
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ name: 'Beyoncé – Halo.flac', pieceRoot: null });
      expect(response.headers.get('content-disposition')).toContain(`filename*=UTF-8''Beyonc%C3%A9%20%E2%80%93%20Halo.flac.peerdex`);
    });

    it('answers 404 for a hash no online peer shares and 400 for something that is not a hash', async () => {
      const unknown = await http.get(`${API}/files/${sha256Hex('nobody has this')}/manifest`);
      expect(unknown.status).toBe(404);
      expect(unknown.body.message).toBe(`No online peer shares ${sha256Hex('nobody has this')}`);
      const malformed = await http.get(`${API}/files/abc123/manifest`);
      expect(malformed.status).toBe(400);
      expect(malformed.body.message).toContain('sha256: must be 64 hexadecimal digits');
    });
  });

  describe('GET /f/:sha256', () => {
    it('shows the name escaped, the size, the online sources and no username, in a page without scripts', async () => {
      const response = await http.get(`/f/${HOSTILE.sha256}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      const html: string = response.body;
      expect(html).not.toMatch(/<script/i);
      expect(html).not.toMatch(/<img/i);
      expect(html).toContain('<h1>&lt;script&gt;alert(&quot;x&quot;)&lt;\u2215script&gt; &lt;img src=x onerror=alert(1)&gt; &amp; co.mp3</h1>');
      expect(html).toContain('<dt>Size</dt><dd>13 B (13 bytes)</dd>');
      expect(html).toContain('<dt>Online sources</dt><dd>1</dd>');
      expect(html).not.toContain('alice_sharer');
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'none'");
      expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/]+=*'/);
      expect(csp).not.toContain('script-src');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    });

    it('links to the peerdex: URI of the file and to its manifest, which an anonymous visitor can download', async () => {
      const html: string = (await http.get(`/f/${HOSTILE.sha256}`)).body;
      const hrefs = [...html.matchAll(/href="([^"]+)"/g)].map((match) => match[1]!.replaceAll('&amp;', '&'));
      const link = hrefs.find((href) => href.startsWith('peerdex:'));
      withNote(hrefs.join('\n'), () => expect(link).toBeDefined());
      expect(parsePeerdexLink(link!)).toEqual({ ok: true, link: { sha256: HOSTILE.sha256, name: HOSTILE_NAME, size: HOSTILE.size, server: server.baseUrl } });
      const manifest = hrefs.find((href) => href.startsWith('/api/'));
      const response = await http.get(manifest!);
      expect(response.status).toBe(200);
      expect(response.body.sha256).toBe(HOSTILE.sha256);
    });

    it('counts a second source when another peer shares the same content', async () => {
      const bob = await registerUser(http, 'bob_sharer');
      const peer = await connectPeer(server.baseUrl, { token: bob.accessToken });
      peers.push(peer);
      await peer.ok('share:sync', { files: [entry('other name.mp3', 'hostile bytes')], final: true });
      const html: string = (await http.get(`/f/${HOSTILE.sha256}`)).body;
      expect(html).toContain('<dt>Online sources</dt><dd>2</dd>');
      expect(html).not.toContain('bob_sharer');
    });

    it('answers a page with 404 for a hash nobody shares, and a JSON 400 for something that is not a hash', async () => {
      const missing = await http.get(`/f/${sha256Hex('gone')}`);
      expect(missing.status).toBe(404);
      expect(missing.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(missing.body).toContain('No online peer shares this file now');
      const malformed = await http.get('/f/not-a-hash');
      expect(malformed.status).toBe(400);
    });

    (hasChromium ? it : it.skip)('renders in a real browser with its style allowed by the CSP and no script run', async () => {
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
      try {
        const page = await browser.newPage();
        const violations: string[] = [];
        page.on('console', (message) => violations.push(message.text()));
        await page.goto(`${server.baseUrl}/f/${HOSTILE.sha256}`);
        expect(await page.locator('h1').textContent()).toBe(HOSTILE_NAME);
        // The button's background comes from the inline style sheet: applied only if its hash is right.
        const background = await page.locator('a.button').first().evaluate((element) => (globalThis as unknown as BrowserWindow).getComputedStyle(element).backgroundColor);
        withNote(violations.join('\n'), () => expect(background).toBe('rgb(36, 86, 199)'));
        expect(violations.filter((text) => /Content Security Policy/i.test(text))).toEqual([]);
      } finally {
        await browser.close();
      }
    });
    if (!hasChromium) process.stderr.write(`${NO_CHROMIUM}\n`);
  });
});

describe('PUBLIC_URL', () => {
  it('is written into manifests instead of the address a request came in on', async () => {
    const server = await startTestServer({ PUBLIC_URL: 'https://peerdex.example.org/' });
    const peers: ConnectedPeer[] = [];
    try {
      const http = httpClient(server.baseUrl);
      const carol = await registerUser(http, 'carol_sharer');
      peers.push(await connectPeer(server.baseUrl, { token: carol.accessToken }));
      await peers[0]!.ok('share:sync', { files: [ACCENTED], final: true });
      const response = await http.get(`${API}/files/${ACCENTED.sha256}/manifest`);
      expect(response.body.server).toBe('https://peerdex.example.org');
    } finally {
      for (const peer of peers) peer.close();
      await server.close();
    }
  });

  it('must be an http(s) address with no path', () => {
    expect(() => AppConfig.fromEnv({ PUBLIC_URL: 'https://peerdex.example.org/peerdex' })).toThrow(ConfigError);
    expect(() => AppConfig.fromEnv({ PUBLIC_URL: 'ftp://peerdex.example.org' })).toThrow(/PUBLIC_URL: must be an http or https URL/);
  });
});
