import { createHash } from 'node:crypto';
import escapeHtml from 'escape-html';
import { formatBytes, type Manifest } from '#contracts';
import { MAX_COUNTED_SOURCES } from '../search/search.repository.js';

export const LANDING_PAGE_PATH = '/f';

export interface LandingPage {
  status: 200 | 404;
  html: string;
}

/**
 * The page's only style sheet, inline. The page's CSP allows exactly this text by its hash
 * (LANDING_PAGE_STYLE_HASH) and nothing else: no script, no image, no other origin.
 */
const STYLE = [
  'body{font-family:system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d2330}',
  'main{max-width:40rem;margin:3rem auto;padding:2rem;background:#fff;border-radius:8px;box-shadow:0 1px 4px #0002}',
  'h1{font-size:1.4rem;overflow-wrap:anywhere;margin-top:0}',
  'dl{display:grid;grid-template-columns:auto 1fr;gap:.4rem 1rem}dt{color:#5b6478}dd{margin:0;overflow-wrap:anywhere}',
  '.actions{display:flex;flex-wrap:wrap;gap:.75rem;margin:1.5rem 0}',
  '.button{display:inline-block;padding:.6rem 1rem;border-radius:6px;background:#2456c7;color:#fff;text-decoration:none}',
  '.button.secondary{background:#e6eaf2;color:#1d2330}',
  'code{font-size:.85rem;overflow-wrap:anywhere}.hint{color:#5b6478;font-size:.9rem}',
].join('');

export const LANDING_PAGE_STYLE_HASH = `sha256-${createHash('sha256').update(STYLE).digest('base64')}`;

/**
 * A file's public page: its name, size and how many sources are online, a button that opens the
 * peerdex: link (in the app `peerdex handler install` registered) and one that downloads the
 * manifest. No usernames: anyone with the link may read it. Every value from the index is escaped.
 */
export function landingPage(file: { manifest: Manifest; link: string; sourceCount: number; manifestPath: string }): LandingPage {
  const { manifest, link, sourceCount } = file;
  const sources = sourceCount >= MAX_COUNTED_SOURCES ? `${MAX_COUNTED_SOURCES} or more` : String(sourceCount);
  return {
    status: 200,
    html: page(
      manifest.name,
      `<h1>${escapeHtml(manifest.name)}</h1>
<dl>
<dt>Size</dt><dd>${formatBytes(manifest.size)} (${manifest.size.toLocaleString('en')} bytes)</dd>
<dt>Online sources</dt><dd>${sources}</dd>
<dt>SHA-256</dt><dd><code>${manifest.sha256}</code></dd>
</dl>
<p class="actions">
<a class="button" href="${escapeHtml(link)}">Open in Peerdex</a>
<a class="button secondary" href="${escapeHtml(file.manifestPath)}" download>Download the manifest (.peerdex)</a>
</p>
<p class="hint">The buttons need the Peerdex app (<code>peerdex handler install</code> lets a click open it). Without it: <code>peerdex get ${escapeHtml(link)}</code></p>`,
    ),
  };
}

export function fileNotFoundPage(sha256: string): LandingPage {
  return {
    status: 404,
    html: page(
      'File not found',
      `<h1>No online peer shares this file now</h1>
<p>Nobody connected to this directory shares the file with SHA-256 <code>${escapeHtml(sha256)}</code> at the moment. Try again later: it comes back when one of its sources does.</p>`,
    ),
  };
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)} · Peerdex</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}
