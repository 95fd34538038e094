import { z } from 'zod';

/** Files are addressed by SHA-256 everywhere: 64 lower-case hex digits. */
export const Sha256Schema = z
  .string()
  .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hexadecimal digits (a SHA-256)')
  .transform((value) => value.toLowerCase());

const MAX_PATH_BYTES = 1024;

/** Unicode's bidirectional formatting characters (UAX #9): marks, embeddings, overrides and isolates. */
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/**
 * A shared file's path relative to the shared folder: `/`-separated, at most 1024 bytes of UTF-8,
 * no empty, `.` or `..` segments, no leading slash, no backslashes, control characters or
 * bidirectional formatting characters.
 */
export const SharePathSchema = z.string().superRefine((path, ctx) => {
  const problem = sharePathProblem(path);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

export function sharePathProblem(path: string): string | undefined {
  if (path.length === 0) return 'must not be empty';
  // A UTF-16 unit is at most 3 bytes of UTF-8, so only long paths need measuring.
  if (path.length * 3 > MAX_PATH_BYTES && new TextEncoder().encode(path).length > MAX_PATH_BYTES) {
    return `must be at most ${MAX_PATH_BYTES} bytes`;
  }
  if (path.startsWith('/')) return 'must be relative (no leading "/")';
  if (path.includes('\\')) return 'must use "/" as separator (no "\\")';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(path)) return 'must not contain control characters';
  // They reorder how a name is shown: "holiday<U+202E>4pm.exe" displays as "holidayexe.mp4".
  if (BIDI_CONTROLS.test(path)) return 'must not contain bidirectional control characters (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069)';
  for (const segment of path.split('/')) {
    if (segment === '') return 'must not contain empty segments ("//" or a trailing "/")';
    if (segment === '.' || segment === '..') return 'must not contain "." or ".." segments';
  }
  return undefined;
}

export const MAX_FILE_SIZE = Number.MAX_SAFE_INTEGER;

export const FileEntrySchema = z.strictObject({
  path: SharePathSchema,
  size: z.number().int('must be a whole number').min(0, 'must not be negative').max(MAX_FILE_SIZE, 'must be at most 2^53-1'),
  sha256: Sha256Schema,
  /** last modification, milliseconds since the epoch */
  mtime: z.number().int().min(0).optional(),
  mime: z.string().max(255).regex(/^[\w.+-]+\/[\w.+-]+$/, 'must be a MIME type like audio/mpeg').optional(),
  /** root of the file's piece hashes (see pieces.ts); lets downloaders verify piece by piece */
  pieceRoot: Sha256Schema.optional(),
});
export type FileEntry = z.output<typeof FileEntrySchema>;

export const FILE_TYPES = ['audio', 'video', 'image', 'document', 'archive', 'other'] as const;
export const FileTypeSchema = z.enum(FILE_TYPES);
export type FileType = z.infer<typeof FileTypeSchema>;

const EXTENSIONS: Record<Exclude<FileType, 'other'>, string[]> = {
  audio: ['mp3', 'flac', 'ogg', 'oga', 'opus', 'wav', 'aac', 'm4a', 'wma', 'aiff', 'aif', 'alac', 'ape', 'mid', 'midi', 'mka'],
  video: ['mp4', 'mkv', 'avi', 'mov', 'wmv', 'webm', 'flv', 'm4v', 'mpg', 'mpeg', 'ts', 'm2ts', '3gp', 'ogv', 'vob'],
  image: ['jpg', 'jpeg', 'png', 'gif', 'bmp', 'webp', 'tif', 'tiff', 'svg', 'heic', 'heif', 'raw', 'cr2', 'nef', 'psd', 'ico'],
  document: ['pdf', 'txt', 'md', 'doc', 'docx', 'odt', 'rtf', 'epub', 'mobi', 'xls', 'xlsx', 'ods', 'ppt', 'pptx', 'odp', 'csv', 'html', 'htm', 'nfo', 'djvu', 'cbz', 'cbr', 'tex'],
  archive: ['zip', 'rar', '7z', 'tar', 'gz', 'tgz', 'bz2', 'xz', 'zst', 'iso', 'dmg', 'cab', 'lz', 'lzma'],
};
const TYPE_BY_EXTENSION = new Map<string, FileType>(
  Object.entries(EXTENSIONS).flatMap(([type, extensions]) => extensions.map((ext) => [ext, type as FileType])),
);

/** The searched name of a shared file: the last segment of its path. */
export function fileName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Lower-case extension without the dot; '' when there is none (".bashrc" has none). */
export function fileExtension(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 && dot < name.length - 1 ? name.slice(dot + 1).toLowerCase() : '';
}

export function fileType(ext: string): FileType {
  return TYPE_BY_EXTENSION.get(ext.toLowerCase()) ?? 'other';
}

/**
 * The words of a file name or query, as search matches them: Unicode letters and digits, lower
 * case, accents removed ("Beyoncé - Halo.MP3" → beyonce, halo, mp3).
 */
export function nameWords(text: string): string[] {
  // Most names are ASCII: they need no Unicode normalisation (a hot path when indexing 100,000 files).
  if (/^[\x20-\x7e]*$/.test(text)) return text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
  return (
    text
      .normalize('NFKD')
      .replace(/\p{M}+/gu, '')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  );
}
