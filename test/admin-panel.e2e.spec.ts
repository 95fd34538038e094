import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { CHROMIUM, CHROMIUM_FLAGS, hasChromium, NO_CHROMIUM } from './support/browser.js';
import { accountWithRole, ADMIN, API, randomSha256, register, signIn, type Account } from './moderation-fixtures.js';
import { createTestDatabase } from './support/database.js';
import { eventually } from './support/eventually.js';
import { httpClient, type HttpClient } from './support/http.js';
import { type ConnectedPeer, connectPeer, entry, sha256Hex } from './support/peer-socket.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';

const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/', import.meta.url));
const PANEL_BUILD = fileURLToPath(new URL('../dist/admin/index.html', import.meta.url));

// Jest cannot give a skip its reason; say it where the run's output shows it.
if (!hasChromium) process.stderr.write(`${NO_CHROMIUM}\n`);

(hasChromium ? describe : describe.skip)('the admin panel in a real browser', () => {
  jest.setTimeout(120_000);
  let server: ServerProcess;
  let http: HttpClient;
  let browser: Browser;
  let page: Page;
  let admin: Account;
  let troublemaker: Account;
  let troublemakerPeer: ConnectedPeer;
  let listenerPeer: ConnectedPeer;
  const searchNames = async (q: string) =>
    ((await http.get(`${API}/search?q=${encodeURIComponent(q)}`, { token: admin.token })).body.results as Array<{ name: string }>).map((r) => r.name);

  beforeAll(async () => {
    if (!existsSync(PANEL_BUILD)) throw new Error('The admin panel is not built: run `npm run build` first');
    await mkdir(ARTIFACTS, { recursive: true });
    server = await startServerProcess({
      DATABASE_URL: await createTestDatabase(),
      JWT_SECRET: 'browser-test-secret-long-enough-for-hs256',
      ADMIN_PASSWORD: ADMIN.password,
      AUTH_RATE_LIMIT_PER_IP: '10000',
    });
    http = httpClient(server.baseUrl);
    admin = await signIn(http, ADMIN.username, ADMIN.password);
    await accountWithRole(http, admin, 'mod_morgan', 'moderator');
    troublemaker = await register(http, 'troublemaker');
    const reporter = await register(http, 'careful_listener');
    for (const name of ['ambient_fan', 'bassline', 'chiptune_kid', 'drum_and_bass']) await register(http, name);
    await http.post(`${API}/reports`, { username: 'troublemaker', reason: 'Renames malware as popular albums' }, { token: reporter.token });
    // A report whose text is markup: the panel must show it as text, never run it.
    await http.post(`${API}/reports`, { sha256: randomSha256(), reason: '<img src=x onerror="window.__pwned=1"> <b>bold?</b>' }, { token: reporter.token });
    // Two connected peers: the one about to be banned, and one sharing a file about to be blocklisted.
    troublemakerPeer = await connectPeer(server.baseUrl, { token: troublemaker.token });
    await troublemakerPeer.ok('share:sync', { files: [entry('albums/Totally Legit Album.mp3', 'not really an album')], final: true });
    listenerPeer = await connectPeer(server.baseUrl, { token: reporter.token });
    await listenerPeer.ok('share:sync', { files: [entry('tools/Suspicious Keygen.zip', 'keygen bytes'), entry('music/Field Recording.flac', 'birds')], final: true });

    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
    page = await browser.newPage({ viewport: { width: 1360, height: 860 } });
    // Fail with the locator that did not appear, well before the test's own time limit.
    page.setDefaultTimeout(15_000);
  }, 120_000);

  afterAll(async () => {
    troublemakerPeer?.close();
    listenerPeer?.close();
    await browser?.close();
    await server?.stop();
  });

  it('refuses a plain user with a clear message', async () => {
    await page.goto(`${server.baseUrl}/admin`);
    await page.getByLabel('Username').fill('careful_listener');
    await page.locator('input[name="password"]').fill('careful_listener password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await eventually(async () => expect(await page.getByTestId('login-error').textContent()).toBe(
      'careful_listener is not a moderator. Only moderators and admins can use this panel.',
    ));
  });

  it('signs in as admin, bans a connected user from the users page: the peer is ended and its files leave search', async () => {
    await page.getByLabel('Username').fill(ADMIN.username);
    await page.locator('input[name="password"]').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await eventually(async () => expect(await page.getByTestId('signed-in-user').textContent()).toBe('admin'));
    await page.getByText('Indexed files').waitFor();
    await page.getByText('3 distinct contents').waitFor();
    await page.getByText('Renames malware as popular albums').waitFor();
    await page.screenshot({ path: `${ARTIFACTS}admin-dashboard.png`, fullPage: true });

    expect(await searchNames('legit')).toEqual(['Totally Legit Album.mp3']);
    const ended = new Promise<{ reason: string }>((resolve) => troublemakerPeer.socket.once('session:ended', resolve));
    const disconnected = new Promise((resolve) => troublemakerPeer.socket.once('disconnect', resolve));

    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByTestId('user-row-troublemaker').waitFor();
    await page.getByLabel('Search users').fill('trouble');
    await eventually(async () => expect(await page.locator('[data-testid^="user-row-"]').count()).toBe(1));
    await page.getByTestId('user-row-troublemaker').getByRole('button', { name: 'Ban' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Reason').fill('Uploads malware disguised as albums');
    await dialog.getByRole('combobox', { name: 'Duration' }).click();
    await page.getByRole('option', { name: '30 days' }).click();
    await dialog.getByRole('button', { name: 'Ban user' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByTestId('user-row-troublemaker').getByText(/^until /).waitFor();
    expect((await ended).reason).toMatch(/^Account banned until .*: Uploads malware disguised as albums$/);
    await disconnected;
    expect(await searchNames('legit')).toEqual([]);
    await page.getByLabel('Search users').fill('');
    await eventually(async () => expect(await page.locator('[data-testid^="user-row-"]').count()).toBeGreaterThan(5));
    await page.screenshot({ path: `${ARTIFACTS}admin-users.png`, fullPage: true });

    const listed = await http.get(`${API}/admin/users?q=troublemaker`, { token: admin.token });
    expect(listed.body.items[0].ban.reason).toBe('Uploads malware disguised as albums');
    const until = Date.parse(listed.body.items[0].ban.until);
    expect(until - Date.now()).toBeGreaterThan(29 * 86_400_000);
    expect(until - Date.now()).toBeLessThan(31 * 86_400_000);
    expect((await http.get(`${API}/me`, { token: troublemaker.token })).status).toBe(403);

    await page.getByRole('link', { name: 'Audit log' }).click();
    const entry = page.getByTestId('audit-row').first();
    await entry.getByText('user.ban').waitFor();
    expect(await entry.textContent()).toContain('troublemaker');
    expect(await entry.textContent()).toContain('Uploads malware disguised as albums');
    await page.screenshot({ path: `${ARTIFACTS}admin-audit.png`, fullPage: true });
  });

  it('shows user-supplied text as text and resolves a report with a note', async () => {
    await page.getByRole('link', { name: 'Reports' }).click();
    await page.getByText('<img src=x onerror="window.__pwned=1"> <b>bold?</b>').waitFor();
    expect(await page.evaluate<unknown>('window.__pwned')).toBeUndefined();
    expect(await page.locator('main img[src="x"], main b').count()).toBe(0);

    const row = page.getByRole('row').filter({ hasText: 'Renames malware as popular albums' });
    await row.getByRole('button', { name: 'Resolve' }).click();
    await page.getByRole('dialog').getByLabel('Note (optional)').fill('Banned for 30 days');
    await page.getByRole('dialog').getByRole('button', { name: 'Resolve' }).click();
    await row.waitFor({ state: 'detached' });
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    await page.screenshot({ path: `${ARTIFACTS}admin-reports.png`, fullPage: true });
    const audit = await http.get(`${API}/admin/audit?action=report.resolve`, { token: admin.token });
    expect(audit.body.items[0]).toMatchObject({ actor: { username: 'admin' }, targetLabel: 'user troublemaker', reason: 'Banned for 30 days' });
  });

  it('lists online sessions, blocklists a hash from the files page, and search stops returning it', async () => {
    await page.getByRole('link', { name: 'Online sessions' }).click();
    await page.getByRole('row').filter({ hasText: 'careful_listener' }).waitFor();
    expect(await page.getByRole('row').filter({ hasText: 'troublemaker' }).count()).toBe(0);

    expect(await searchNames('keygen')).toEqual(['Suspicious Keygen.zip']);
    await page.getByRole('link', { name: 'Files' }).click();
    await page.getByLabel('Search files').fill('keygen');
    const row = page.getByRole('row').filter({ hasText: 'Suspicious Keygen.zip' });
    await row.waitFor();
    await page.screenshot({ path: `${ARTIFACTS}admin-files.png`, fullPage: true });
    await row.getByRole('button', { name: 'Blocklist' }).click();
    await page.getByRole('dialog').getByLabel('Reason').fill('Cracking tool');
    await page.getByRole('dialog').getByRole('button', { name: 'Block' }).click();
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    await row.waitFor({ state: 'detached' });
    expect(await searchNames('keygen')).toEqual([]);
    expect(await searchNames('field recording')).toEqual(['Field Recording.flac']);

    // The content stays out: publishing it again, under another name, is refused.
    const again = await listenerPeer.ok('share:delta', { added: [entry('renamed/Innocent.zip', 'keygen bytes')] });
    expect(again.rejected).toEqual([{ index: 0, reason: 'blocked: Cracking tool' }]);

    await page.getByRole('link', { name: 'Blocklist' }).click();
    await page.getByRole('row').filter({ hasText: 'Cracking tool' }).filter({ hasText: sha256Hex('keygen bytes').slice(0, 8) }).waitFor();
    const audit = await http.get(`${API}/admin/audit?action=blocklist.add`, { token: admin.token });
    expect(audit.body.items[0]).toMatchObject({ reason: 'Cracking tool', targetLabel: sha256Hex('keygen bytes'), detail: '1 indexed entries purged' });
  });

  it('renews an expired access token silently and carries on', async () => {
    const shortLived = await startServerProcess({
      DATABASE_URL: await createTestDatabase(),
      JWT_SECRET: 'browser-test-secret-long-enough-for-hs256',
      ADMIN_PASSWORD: ADMIN.password,
      ACCESS_TOKEN_TTL: '2s',
    });
    const tab = await browser.newPage();
    try {
      tab.setDefaultTimeout(15_000);
      const refreshes: number[] = [];
      tab.on('response', (response) => {
        if (response.url().endsWith('/api/v1/auth/refresh')) refreshes.push(response.status());
      });
      await tab.goto(`${shortLived.baseUrl}/admin`);
      await tab.getByLabel('Username').fill(ADMIN.username);
      await tab.locator('input[name="password"]').fill(ADMIN.password);
      await tab.getByRole('button', { name: 'Sign in' }).click();
      await tab.getByRole('heading', { name: 'Dashboard' }).waitFor();
      await tab.waitForTimeout(2_500);
      await tab.getByRole('link', { name: 'Users' }).click();
      await tab.getByTestId('user-row-admin').waitFor();
      expect(refreshes.length).toBeGreaterThan(0);
      expect(refreshes.every((status) => status === 200)).toBe(true);
      expect(await tab.getByTestId('error-state').count()).toBe(0);
    } finally {
      await tab.close();
      await shortLived.stop();
    }
  });

  it('stays signed in across a reload of a client-side route, then signs out', async () => {
    await page.goto(`${server.baseUrl}/admin/users`);
    await page.getByTestId('user-row-troublemaker').waitFor();
    expect(await page.evaluate<string[]>('Object.keys(sessionStorage)')).toEqual(['peerdex.admin.refreshToken']);
    // Nothing of the session in localStorage (shared by tabs and kept for good).
    expect(await page.evaluate<string[]>('Object.keys(localStorage)')).toEqual([]);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await page.evaluate<number>('sessionStorage.length')).toBe(0);
  });
});
