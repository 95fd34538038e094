import { z } from 'zod';
import { MAX_FILE_SIZE, Sha256Schema, sharePathProblem } from './files.js';
import { PIECE_SIZE } from './pieces.js';

/**
 * Links to a file that live outside the directory: a `peerdex:` URI (magnet-style, for chat and
 * web pages) and a `.peerdex` manifest file (metainfo, as a `.torrent` is), both read by
 * `peerdex get` and by a desktop's URI/media-type handler (`peerdex handler install`). Their exact
 * syntax is in docs/protocol.md, "Links and manifests".
 */

export const LINK_SCHEME = 'peerdex';
export const MANIFEST_MEDIA_TYPE = 'application/vnd.peerdex.manifest+json';
export const MANIFEST_EXTENSION = '.peerdex';
/** The manifest format this code writes; readers refuse a higher one (made by a newer Peerdex). */
export const MANIFEST_VERSION = 1;
/** A manifest is a few hundred bytes; a reader need not look at more than this. */
export const MAX_MANIFEST_BYTES = 64 * 1024;

const SHA256_HEX = /^[0-9a-fA-F]{64}$/;

/** A directory server's public address: an http(s) origin, no path (what `--server` takes). */
export const ServerUrlSchema = z.string().transform((value, ctx) => {
  const problem = serverUrlProblem(value);
  if (problem) {
    ctx.addIssue({ code: 'custom', message: problem });
    return z.NEVER;
  }
  return new URL(value).origin;
});

export function serverUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `must be a URL like https://peerdex.example.org (got "${value}")`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `must be an http or https URL (got "${value}")`;
  if (url.username || url.password || url.search || url.hash || url.pathname !== '/') {
    return `must be a server's address with nothing after the host and port, like https://peerdex.example.org (got "${value}")`;
  }
  return undefined;
}

/** A file's name as shared: one path segment, with the rules of shared paths. */
const FileNameSchema = z.string().superRefine((name, ctx) => {
  const problem = name.includes('/') ? 'must be a file name, without "/"' : sharePathProblem(name);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const SizeSchema = z.number().int('must be a whole number').min(0, 'must not be negative').max(MAX_FILE_SIZE, 'must be at most 2^53-1');

/**
 * The `.peerdex` manifest (GET /api/v1/files/:sha256/manifest). Unknown fields are ignored, so a
 * later version 1 may add some; a change that old readers would misread raises `version`.
 */
export const ManifestSchema = z.object({
  version: z
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(MANIFEST_VERSION, `is newer than this peerdex reads (it reads version ${MANIFEST_VERSION}): update peerdex`),
  name: FileNameSchema,
  size: SizeSchema,
  sha256: Sha256Schema,
  /** bytes per piece; pieceRoot is computed over pieces of this size */
  pieceSize: z.literal(PIECE_SIZE, `must be ${PIECE_SIZE} (1 MiB), the only piece size Peerdex uses`),
  /** root of the piece hashes (pieces.ts); null when no online source has published one */
  pieceRoot: Sha256Schema.nullable(),
  /** the directory server that knows the file's sources */
  server: ServerUrlSchema,
});
export type Manifest = z.output<typeof ManifestSchema>;

/** What a `peerdex:` URI says: the hash always, the rest when the link carries it. */
export interface PeerdexLink {
  sha256: string;
  name?: string;
  size?: number;
  server?: string;
}

/** `peerdex:?xt=urn:sha256:<hex>&dn=<name>&xl=<size>&ds=<server>`, values percent-encoded (RFC 3986). */
export function buildPeerdexLink(link: PeerdexLink): string {
  const parts = [`xt=urn:sha256:${link.sha256.toLowerCase()}`];
  if (link.name !== undefined) parts.push(`dn=${encodeURIComponent(link.name)}`);
  if (link.size !== undefined) parts.push(`xl=${link.size}`);
  if (link.server !== undefined) parts.push(`ds=${encodeURIComponent(link.server)}`);
  return `${LINK_SCHEME}:?${parts.join('&')}`;
}

export type LinkParse = { ok: true; link: PeerdexLink } | { ok: false; message: string };

/** Whether `text` is meant as a `peerdex:` URI (then parsePeerdexLink says what is wrong with it, if anything). */
export function looksLikePeerdexLink(text: string): boolean {
  return text.slice(0, LINK_SCHEME.length + 1).toLowerCase() === `${LINK_SCHEME}:`;
}

/**
 * Reads a `peerdex:` URI. Parameters may come in any order; unknown ones are ignored (as magnet
 * readers do), a repeated one is an error. "+" is a plus sign, not a space: only %20 is a space.
 */
export function parsePeerdexLink(text: string): LinkParse {
  const fail = (message: string): LinkParse => ({ ok: false, message: `not a valid peerdex: link: ${message}` });
  if (!looksLikePeerdexLink(text)) return fail(`it must start with "${LINK_SCHEME}:?"`);
  const rest = text.slice(LINK_SCHEME.length + 1);
  if (!rest.startsWith('?')) return fail(`it must start with "${LINK_SCHEME}:?"`);
  const params = new Map<string, string>();
  for (const pair of rest.slice(1).split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const key = equals < 0 ? pair : pair.slice(0, equals);
    let value: string;
    try {
      value = decodeURIComponent(equals < 0 ? '' : pair.slice(equals + 1));
    } catch {
      return fail(`the value of ${key} is not valid percent-encoded UTF-8`);
    }
    if (params.has(key)) return fail(`${key} appears twice`);
    params.set(key, value);
  }
  const xt = params.get('xt');
  if (xt === undefined) return fail('xt (urn:sha256:<64 hex digits>) is missing');
  if (!xt.toLowerCase().startsWith('urn:sha256:')) return fail(`xt must be urn:sha256:<64 hex digits> (got "${xt}")`);
  const hex = xt.slice('urn:sha256:'.length);
  if (!SHA256_HEX.test(hex)) return fail(`the hash must be 64 hexadecimal digits (got ${hex.length} characters: "${hex}")`);
  const link: PeerdexLink = { sha256: hex.toLowerCase() };
  const name = params.get('dn');
  if (name !== undefined) {
    const parsed = FileNameSchema.safeParse(name);
    if (!parsed.success) return fail(`dn (the name) ${parsed.error.issues[0]!.message}`);
    link.name = name;
  }
  const size = params.get('xl');
  if (size !== undefined) {
    if (!/^\d{1,16}$/.test(size) || Number(size) > MAX_FILE_SIZE) return fail(`xl (the size in bytes) must be a whole number (got "${size}")`);
    link.size = Number(size);
  }
  const server = params.get('ds');
  if (server !== undefined) {
    const problem = serverUrlProblem(server);
    if (problem) return fail(`ds (the server) ${problem}`);
    link.server = new URL(server).origin;
  }
  return { ok: true, link };
}

/** The link a manifest stands for. */
export function manifestLink(manifest: Manifest): string {
  return buildPeerdexLink({ sha256: manifest.sha256, name: manifest.name, size: manifest.size, server: manifest.server });
}
