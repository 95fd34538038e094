import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import {
  formatIssues,
  describeIssues,
  type Manifest,
  MANIFEST_EXTENSION,
  MAX_MANIFEST_BYTES,
  ManifestSchema,
  looksLikePeerdexLink,
  parsePeerdexLink,
  type PeerdexLink,
} from '#contracts';
import type { CliContext } from './context.js';
import { ApiError } from './directory-client.js';
import { UsageError } from './errors.js';
import { formatSize } from './format.js';
import { type FileTarget, resolveFile } from './listing.js';
import { sameServer } from './peer-home.js';

/**
 * What `get` was given: a sha256, a number from the last list or a hash's first characters (as
 * every command takes), or else a `peerdex:` link or a `.peerdex` manifest (a path or a file://
 * URL, as a desktop's handler passes it). A link or manifest is checked against the configured
 * server before anything is downloaded (docs/protocol.md, "What a client checks").
 */
export async function resolveDownloadTarget(context: CliContext, argument: string): Promise<FileTarget> {
  if (looksLikePeerdexLink(argument)) {
    const parsed = parsePeerdexLink(argument);
    if (!parsed.ok) throw new UsageError(parsed.message);
    return checkedAgainstServer(context, parsed.link, 'link');
  }
  const manifestPath = manifestPathOf(argument);
  if (manifestPath) {
    const manifest = await readManifest(manifestPath);
    return checkedAgainstServer(context, manifest, 'manifest', manifest.pieceRoot);
  }
  return resolveFile(context, argument);
}

/** What the configured server knows of a hash, as a manifest (404 when no online peer shares it). */
export async function serverManifest(context: CliContext, sha256: string): Promise<Manifest> {
  const manifest = await context.client.request<unknown>('GET', `/files/${sha256}/manifest`, { auth: false });
  const parsed = ManifestSchema.safeParse(manifest);
  if (!parsed.success) throw new Error(`the server at ${context.server} sent a manifest this peerdex cannot read: ${formatIssues(describeIssues(parsed.error))}`);
  return parsed.data;
}

/** The manifest a command names: by URL (file://) or by a path ending in .peerdex. */
function manifestPathOf(argument: string): string | undefined {
  if (argument.startsWith('file://')) {
    try {
      return fileURLToPath(argument);
    } catch {
      throw new UsageError(`${argument} is not a file URL this system can open`);
    }
  }
  return argument.toLowerCase().endsWith(MANIFEST_EXTENSION) ? argument : undefined;
}

async function readManifest(path: string): Promise<Manifest> {
  const size = await stat(path).then(
    (info) => (info.isFile() ? info.size : undefined),
    () => undefined,
  );
  if (size === undefined) throw new UsageError(`no manifest file at ${path}`);
  if (size > MAX_MANIFEST_BYTES) throw new UsageError(`${path} is not a ${MANIFEST_EXTENSION} manifest: it is larger than a manifest can be`);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch {
    throw new UsageError(`${path} is not a ${MANIFEST_EXTENSION} manifest: it is not JSON`);
  }
  const parsed = ManifestSchema.safeParse(json);
  if (!parsed.success) throw new UsageError(`${path} is not a valid ${MANIFEST_EXTENSION} manifest: ${formatIssues(describeIssues(parsed.error))}`);
  return parsed.data;
}

/**
 * Refuses a link or manifest for another server (naming the option that would follow it; a link
 * never makes peerdex contact a server it was not told to use), or whose size or piece root
 * differs from what this server knows of the hash: the link is stale or was altered.
 */
async function checkedAgainstServer(context: CliContext, link: PeerdexLink, what: 'link' | 'manifest', pieceRoot?: string | null): Promise<FileTarget> {
  const known = await serverManifest(context, link.sha256).catch((error: unknown) => {
    if (error instanceof ApiError && error.status === 404) return undefined;
    throw error;
  });
  if (link.server && !sameServer(link.server, context.server) && !(known && sameServer(link.server, known.server))) {
    throw new UsageError(
      `this ${what} is for the server ${link.server}, but peerdex uses ${context.server}; to follow it, run: peerdex --server ${link.server} get …`,
    );
  }
  if (known && link.size !== undefined && link.size !== known.size) {
    throw new UsageError(`this ${what} says the file has ${bytes(link.size)} but the server knows it with ${bytes(known.size)}: the ${what} is stale or was altered`);
  }
  if (known && pieceRoot && known.pieceRoot && pieceRoot !== known.pieceRoot) {
    throw new UsageError(`this ${what}'s piece root differs from the server's for the same file: the ${what} was altered`);
  }
  return { sha256: link.sha256, name: known?.name ?? link.name };
}

function bytes(size: number): string {
  return `${formatSize(size)} (${size} bytes)`;
}
