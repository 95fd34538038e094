import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { errorBody } from '../common/http-error.filter.js';
import { pageSecurityHeaders } from '../common/security-headers.js';

export const ADMIN_PANEL_PATH = '/admin';

/**
 * Where `npm run build` puts the panel (Vite's outDir, dist/admin at the repository root). The
 * same code runs from apps/server/src (tests) and dist/apps/server/src (built), so look upwards.
 */
export function findAdminPanelDir(start = dirname(fileURLToPath(import.meta.url))): string | null {
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, 'dist', 'admin');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    if (dirname(dir) === dir) return null;
  }
}

/**
 * Serves the built admin panel at /admin: its files, and index.html for every other path under it
 * so that client-side routes (/admin/users) survive a reload. Mounted on /admin only, so it can
 * never shadow /api/...; a missing hashed asset is a 404, not the page.
 */
export function serveAdminPanel(app: NestExpressApplication, dir: string | null = findAdminPanelDir()): void {
  // Its own CSP (common/security-headers.ts), also when served on its own as in tests.
  app.use(ADMIN_PANEL_PATH, pageSecurityHeaders);
  if (!dir) {
    app.use(ADMIN_PANEL_PATH, (request: Request, response: Response, next: NextFunction) => {
      if (request.method !== 'GET' && request.method !== 'HEAD') return next();
      response.status(404).json(errorBody(404, 'The admin panel is not built: run `npm run build` (it builds the server and the panel)'));
    });
    return;
  }
  app.useStaticAssets(dir, {
    prefix: ADMIN_PANEL_PATH,
    index: false,
    redirect: false,
    setHeaders: (response, path) => {
      // Vite names assets by content hash: a changed file gets a new name, so cache them for good.
      const hashed = path.startsWith(join(dir, 'assets'));
      response.setHeader('Cache-Control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  app.use(ADMIN_PANEL_PATH, (request: Request, response: Response, next: NextFunction) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return next();
    if (request.path.startsWith('/assets/')) {
      response.status(404).json(errorBody(404, `No such file: ${ADMIN_PANEL_PATH}${request.path}`));
      return;
    }
    response.setHeader('Cache-Control', 'no-cache');
    response.sendFile(join(dir, 'index.html'));
  });
}
