import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

export interface UiFile {
  body: Buffer;
  contentType: string;
  /** Vite names assets by their content hash: cache them for good */
  immutable: boolean;
}

/**
 * The built web UI (`npm run build` puts it in dist/peer-ui). The same code runs from
 * apps/peer/src (tests) and dist/apps/peer/src (built), so look upwards for it. Every file is
 * read once at start and served by its exact URL path from that table: no path from a request
 * ever reaches the file system.
 */
export class UiAssets {
  private constructor(private readonly files: Map<string, UiFile>) {}

  static async load(dir = findUiBuild()): Promise<UiAssets | undefined> {
    if (!dir) return undefined;
    const files = new Map<string, UiFile>();
    for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const absolute = join(entry.parentPath, entry.name);
      const urlPath = `/${relative(dir, absolute).split(sep).join('/')}`;
      files.set(urlPath, {
        body: await readFile(absolute),
        contentType: CONTENT_TYPES[extname(entry.name)] ?? 'application/octet-stream',
        immutable: urlPath.startsWith('/assets/'),
      });
    }
    return files.has('/index.html') ? new UiAssets(files) : undefined;
  }

  /** A built file, or the page itself for the UI's own routes (/search, /transfers…). */
  find(path: string): UiFile | undefined {
    if (path.startsWith('/assets/')) return this.files.get(path);
    return this.files.get(path) ?? this.files.get('/index.html');
  }
}

function findUiBuild(): string | undefined {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, 'dist', 'peer-ui');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
  }
  return undefined;
}
