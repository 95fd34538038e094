import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { serveAdminPanel } from '../apps/server/src/moderation/admin-panel.js';
import { startTestServer, type TestServer } from './support/app.js';
import { withNote } from './support/with-note.js';

const INDEX = '<!doctype html><title>panel</title><div id="root"></div>';

@Module({})
class EmptyModule {}

/** A bare Express-backed Nest app serving `dir` as the panel, on a free port. */
async function panelServer(dir: string | null): Promise<{ url: string; close(): Promise<void> }> {
  const app = await NestFactory.create<NestExpressApplication>(EmptyModule, { logger: false });
  serveAdminPanel(app, dir);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
}

describe('serving the admin panel at /admin', () => {
  let dir: string;
  let panel: Awaited<ReturnType<typeof panelServer>>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'peerdex-panel-'));
    await mkdir(join(dir, 'assets'));
    await writeFile(join(dir, 'index.html'), INDEX);
    await writeFile(join(dir, 'assets', 'index-abc123.js'), 'console.log("panel")');
    panel = await panelServer(dir);
  });
  afterAll(async () => {
    await panel.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves the page at /admin and at every client-side route, never cached, with a strict CSP', async () => {
    for (const path of ['/admin', '/admin/', '/admin/users', '/admin/reports?status=open', '/admin/deep/link/']) {
      const response = await fetch(`${panel.url}${path}`);
      withNote(path, () => expect(response.status).toBe(200));
      expect(await response.text()).toBe(INDEX);
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('serves hashed assets for good and answers a missing one with a 404, not the page', async () => {
    const asset = await fetch(`${panel.url}/admin/assets/index-abc123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const missing = await fetch(`${panel.url}/admin/assets/index-gone.js`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ statusCode: 404, error: 'Not Found', message: 'No such file: /admin/assets/index-gone.js' });
  });

  it('never serves files from outside its folder', async () => {
    for (const path of ['/admin/../package.json', '/admin/%2e%2e/package.json', '/admin/assets/..%2f..%2fpackage.json']) {
      const response = await fetch(`${panel.url}${path}`);
      const body = await response.text();
      withNote(path, () => expect(body).not.toContain('"name"'));
    }
  });

  it('says how to build the panel when it is not built', async () => {
    const unbuilt = await panelServer(null);
    try {
      const response = await fetch(`${unbuilt.url}/admin/users`);
      expect(response.status).toBe(404);
      expect(((await response.json()) as { message: string }).message).toMatch(/admin panel is not built: run `npm run build`/);
    } finally {
      await unbuilt.close();
    }
  });
});

describe('the panel beside the API', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('does not shadow /api/v1/admin/...: those stay JSON API routes behind authentication', async () => {
    const response = await fetch(`${server.baseUrl}/api/v1/admin/users`);
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toMatch(/json/);
    // The API's own policy (nothing may load), not the panel's.
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
  });
});
