import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { CHROMIUM, CHROMIUM_FLAGS, hasChromium, NO_CHROMIUM } from './support/browser.js';
import { eventually } from './support/eventually.js';
import { CliUser, type RunningCommand, startServerForCli } from './support/peer-cli.js';
import { rawHttp } from './support/raw-http.js';
import type { ServerProcess } from './support/server-process.js';
import { withNote } from './support/with-note.js';

const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/', import.meta.url));
// The README's picture is refreshed on request only, so that a test run leaves the clone clean.
const README_SCREENSHOT = process.env.PEERDEX_UPDATE_README_SCREENSHOT
  ? fileURLToPath(new URL('../docs/images/peer-ui.png', import.meta.url))
  : `${ARTIFACTS}peer-ui-readme.png`;
const UI_BUILD = fileURLToPath(new URL('../dist/peer-ui/index.html', import.meta.url));
const MiB = 1024 * 1024;
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

// Jest cannot give a skip its reason; say it where the run's output shows it.
if (!hasChromium) process.stderr.write(`${NO_CHROMIUM}\n`);

/**
 * A newcomer's session in the peer's web UI, in Debian's Chromium: a real server, alice's peer
 * sharing (throttled, so progress is seen), bob's peer started signed out. In the browser bob
 * signs in, shares a folder, searches, downloads (the bar moves, the bytes are right), cancels
 * a download (its .part stops growing), and every page is photographed.
 */
(hasChromium ? describe : describe.skip)('the peer web UI in a real browser', () => {
  jest.setTimeout(240_000);
  let server: ServerProcess;
  let alice: CliUser, bob: CliUser;
  let aliceUp: RunningCommand, bobUp: RunningCommand;
  let browser: Browser;
  let page: Page;
  let ui: string;
  let wanted: Buffer, huge: Buffer;
  let downloads: string;

  beforeAll(async () => {
    if (!existsSync(UI_BUILD)) throw new Error('The web UI is not built: run `npm run build` first');
    await mkdir(ARTIFACTS, { recursive: true });
    server = await startServerForCli();
    [alice, bob] = await Promise.all([CliUser.create(server.baseUrl), CliUser.create(server.baseUrl)]);
    await alice.register('alice');
    await bob.register('bob');
    await bob.run(['logout']); // bob signs in in the browser
    wanted = randomBytes(12 * MiB);
    huge = randomBytes(48 * MiB);
    const share = await mkdtemp(join(tmpdir(), 'alice-browser-'));
    await writeFile(join(share, 'Field Recording.flac'), wanted);
    await writeFile(join(share, 'Concert Recording.mkv'), huge);
    await writeFile(join(share, 'liner notes.txt'), 'notes');
    await alice.run(['share', share]);
    aliceUp = alice.spawn(['up', '--port', '0', '--host', '127.0.0.1', '--max-upload-rate', '2MiB', '--no-ui']);
    await aliceUp.waitFor(/Published 3 files/);

    downloads = await mkdtemp(join(tmpdir(), 'bob-downloads-'));
    await writeFile(join(bob.home, 'config.json'), JSON.stringify({ shares: [], downloadDir: downloads }));
    bobUp = bob.spawn(['up', '--port', '0', '--host', '127.0.0.1', '--ui-port', '0']);
    ui = (await bobUp.waitFor(/Web UI on (http:\/\/127\.0\.0\.1:\d+)/))[1]!;
    await bobUp.waitFor(/Not signed in/);

    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(20_000);
    const link = await bob.run(['ui', '--print']);
    await page.goto(/http:\/\/\S+/.exec(link.stdout)![0]);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all([aliceUp?.stop(), bobUp?.stop()]);
    await server?.stop();
  });

  it('signs in on the Account page, and the peer connects', async () => {
    await page.getByRole('link', { name: 'Account' }).click();
    await page.screenshot({ path: `${ARTIFACTS}peer-ui-sign-in.png`, fullPage: true });
    await page.getByLabel('Username').fill('bob');
    const password = page.locator('input[type="password"]');
    await password.fill('wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText(/invalid|incorrect|wrong/i).first().waitFor();
    await password.fill('bob-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await eventually(async () => expect(await page.getByTestId('account-username').textContent()).toBe('bob'), 20_000);
    await page.getByTestId('connection').getByText('online').waitFor();
    await bobUp.waitFor(/Published 0 files/);
    await page.screenshot({ path: `${ARTIFACTS}peer-ui-account.png`, fullPage: true });
  });

  it('shares a folder typed on the Shares page and shows its files', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'bob-music-'));
    await writeFile(join(folder, 'demo tape.mp3'), randomBytes(300 * 1024));
    await page.getByRole('link', { name: 'Shares' }).click();
    await page.getByTestId('empty-state').getByText(/Nothing is shared yet/).waitFor();
    await page.getByLabel('Share a folder').fill(join(folder, 'missing'));
    await page.getByRole('button', { name: 'Share', exact: true }).click();
    await page.getByText(/does not exist/).waitFor();
    await page.getByLabel('Share a folder').fill(folder);
    await page.getByRole('button', { name: 'Share', exact: true }).click();
    const row = page.getByTestId('share').filter({ hasText: folder });
    await eventually(async () => expect(await row.textContent()).toMatch(/1 file300 KiB/), 20_000, 200);
    await bobUp.waitFor(/Shares changed: 1 added/);
    await page.screenshot({ path: `${ARTIFACTS}peer-ui-shares.png`, fullPage: true });
  });

  it('searches as you type, downloads a file while its bar moves, and the file lands with the right SHA-256', async () => {
    await page.getByRole('link', { name: 'Search' }).click();
    await page.getByLabel('Search', { exact: true }).fill('recording');
    const results = page.getByTestId('search-result');
    await eventually(async () => expect(await results.count()).toBe(2), 20_000, 200);
    // Sorted by size, largest first, with a click on the column.
    await page.getByRole('button', { name: 'Sort by Size' }).click();
    await eventually(async () => expect(await results.first().textContent()).toMatch(/Concert Recording\.mkv48 MiBvideo/));
    await page.screenshot({ path: `${ARTIFACTS}peer-ui-search.png`, fullPage: true });
    await page.getByRole('button', { name: 'Download Field Recording.flac' }).click();
    await page.getByText(/Downloading Field Recording\.flac: see Transfers/).waitFor();

    await page.getByRole('link', { name: 'Transfers' }).click();
    const bar = page.getByTestId('download').filter({ hasText: 'Field Recording.flac' }).getByRole('progressbar');
    const first = await eventually(async () => {
      const value = Number(await bar.getAttribute('aria-valuenow'));
      expect(value).toBeGreaterThan(0);
      return value;
    }, 30_000, 100);
    const later = await eventually(async () => {
      const value = Number(await bar.getAttribute('aria-valuenow'));
      expect(value).toBeGreaterThan(first);
      return value;
    }, 10_000, 100);
    withNote(`${first} → ${later}`, () => expect(later).toBeLessThan(100));
    await page.screenshot({ path: `${ARTIFACTS}peer-ui-transfers.png`, fullPage: true });
    await page.screenshot({ path: README_SCREENSHOT });

    const done = page.getByTestId('download').filter({ hasText: 'Field Recording.flac' });
    await eventually(async () => expect(await done.getAttribute('data-state')).toBe('completed'), 60_000, 200);
    expect(sha256(await readFile(join(downloads, 'Field Recording.flac')))).toBe(sha256(wanted));
  });

  it('cancels a download: its .part stops growing', async () => {
    await page.getByRole('link', { name: 'Browse a user' }).click();
    await page.getByLabel('Username').fill('alice');
    await page.getByRole('button', { name: 'Browse' }).click();
    await eventually(async () => expect(await page.getByTestId('browse-file').count()).toBe(3), 20_000, 200);
    await page.screenshot({ path: `${ARTIFACTS}peer-ui-browse.png`, fullPage: true });
    await page.getByRole('button', { name: 'Download Concert Recording.mkv' }).click();
    await page.getByText(/Downloading Concert Recording\.mkv/).waitFor();

    await page.getByRole('link', { name: 'Transfers' }).click();
    const part = join(downloads, 'Concert Recording.mkv.part');
    const row = page.getByTestId('download').filter({ hasText: 'Concert Recording.mkv' });
    await eventually(async () => expect(Number(await row.getByRole('progressbar').getAttribute('aria-valuenow'))).toBeGreaterThan(2), 30_000, 100);
    await row.getByRole('button', { name: 'Cancel' }).click();
    await eventually(async () => expect(await row.getAttribute('data-state')).toBe('cancelled'), 20_000, 100);
    const sizeThen = await partProgress(part);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(await partProgress(part)).toBe(sizeThen);
    await expect(stat(join(downloads, 'Concert Recording.mkv'))).rejects.toThrow();
    await row.getByRole('button', { name: 'Retry' }).waitFor();
  });

  it('keeps every action on screen in a narrow window, and shows the settings', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByLabel('Upload slots').waitFor();
    await page.screenshot({ path: `${ARTIFACTS}peer-ui-settings.png`, fullPage: true });
    await page.setViewportSize({ width: 400, height: 800 });
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('link', { name: 'Transfers' }).click();
    const buttons = page.getByTestId('download').getByRole('button');
    for (let index = 0; index < (await buttons.count()); index++) {
      const box = (await buttons.nth(index).boundingBox())!;
      withNote(`button ${index}: ${JSON.stringify(box)}`, () => expect(box.x + box.width).toBeLessThanOrEqual(400));
    }
    await page.screenshot({ path: `${ARTIFACTS}peer-ui-transfers-narrow.png`, fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('refuses a browser without the cookie (401) and a foreign Host (403)', async () => {
    const stranger = await browser.newPage();
    const response = await stranger.goto(`${ui}/transfers`);
    expect(response!.status()).toBe(401);
    await stranger.getByText(/Run peerdex ui/).waitFor();
    expect((await stranger.request.get(`${ui}/api/v1/downloads`)).status()).toBe(401);
    await stranger.close();
    const rebound = await rawHttp(ui, ['GET /api/v1/downloads HTTP/1.1', 'Host: peerdex.evil.example']);
    expect(rebound.status).toBe(403);
  });
});

/** How much of an unfinished download is verified (its sidecar's bitmap), as a string to compare. */
async function partProgress(partPath: string): Promise<string> {
  return readFile(`${partPath}.json`, 'utf8').then((text) => String((JSON.parse(text) as { done?: string }).done), () => 'none');
}
