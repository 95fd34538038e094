import { z } from 'zod';
import { FileTypeSchema, nameWords, Sha256Schema, type FileType } from './files.js';

export const DEFAULT_SEARCH_LIMIT = 50;
export const MAX_SEARCH_LIMIT = 500;
export const MAX_LISTED_SOURCES = 10;

/**
 * "mp3,flac", ".mp3, .flac": letters and digits of any script. Checked in code rather than as a
 * JSON Schema pattern, since `\p{L}` means "a letter" only to JavaScript with the u flag, and the
 * OpenAPI document must read the same to validators in other languages.
 */
const EXTENSION_LIST = /^\s*\.?[\p{L}\p{N}]{1,16}\s*(,\s*\.?[\p{L}\p{N}]{1,16}\s*)*$/u;

const sizeBound = z.coerce.number({ error: 'must be a number of bytes' }).int('must be a whole number of bytes').min(0, 'must not be negative').max(Number.MAX_SAFE_INTEGER);

/** The same query over Socket.IO (`search`) and REST (`GET /api/v1/search`). */
export const SearchQuerySchema = z
  .strictObject({
    q: z.string().trim().min(1, 'is required').max(200, 'must be at most 200 characters'),
    ext: z
      .string()
      .max(200)
      .refine((value) => EXTENSION_LIST.test(value), 'must be a comma-separated list of extensions like "mp3,flac"')
      .describe('comma-separated extensions of 1 to 16 letters or digits, with or without the dot: "mp3,flac"')
      .optional(),
    type: FileTypeSchema.optional(),
    minSize: sizeBound.optional(),
    maxSize: sizeBound.optional(),
    limit: z.coerce.number({ error: 'must be a number' }).int().min(1, 'must be at least 1').max(MAX_SEARCH_LIMIT, `must be at most ${MAX_SEARCH_LIMIT}`).default(DEFAULT_SEARCH_LIMIT),
    cursor: z.string().max(512).optional(),
  })
  .refine((query) => query.minSize === undefined || query.maxSize === undefined || query.minSize <= query.maxSize, {
    message: 'must not be larger than maxSize',
    path: ['minSize'],
  });
export type SearchQueryInput = z.input<typeof SearchQuerySchema>;
export type SearchQuery = z.output<typeof SearchQuerySchema>;

export interface ParsedQuery {
  /** words every result must contain, each as a whole word or a word prefix */
  include: string[];
  /** words no result may contain (same matching) */
  exclude: string[];
}

export type QueryProblem = { ok: false; message: string };

/**
 * "radio -live creep" → include [radio, creep], exclude [live]. Words are split like file names
 * (nameWords). A term that is a single character is refused; a one-character piece of a longer
 * term ("a-ha" → a, ha) is dropped, since it cannot narrow anything down.
 */
export function parseQuery(q: string): { ok: true; query: ParsedQuery } | QueryProblem {
  const include: string[] = [];
  const exclude: string[] = [];
  for (const term of q.split(/\s+/).filter(Boolean)) {
    const negative = term.startsWith('-') && term.length > 1;
    const words = nameWords(negative ? term.slice(1) : term);
    const useful = words.filter((word) => word.length >= 2);
    if (!negative && words.length > 0 && useful.length === 0) {
      return { ok: false, message: `q: search words must be at least 2 characters long ("${term}" is too short)` };
    }
    for (const word of useful) {
      const target = negative ? exclude : include;
      if (!target.includes(word)) target.push(word);
    }
  }
  if (include.length === 0) return { ok: false, message: 'q: needs at least one word to search for (words starting with "-" only exclude)' };
  if (include.length + exclude.length > 12) return { ok: false, message: 'q: at most 12 words' };
  return { ok: true, query: { include, exclude: exclude.filter((word) => !include.includes(word)) } };
}

export function parseExtensions(ext: string | undefined): string[] {
  if (!ext) return [];
  return [...new Set(ext.split(',').map((part) => part.trim().replace(/^\./, '').toLowerCase()).filter(Boolean))];
}

export interface SourceView {
  sessionId: string;
  username: string;
  firewalled: boolean;
}

export interface SearchResult {
  sha256: string;
  name: string;
  size: number;
  ext: string;
  type: FileType;
  pieceRoot: string | null;
  /** online sessions sharing this content now, counted exactly */
  sourceCount: number;
  /** up to MAX_LISTED_SOURCES of them */
  sources: SourceView[];
  /** "word": every search word matched a whole word; "prefix": some only matched as a prefix */
  match: 'word' | 'prefix';
}

export interface SearchResponse {
  results: SearchResult[];
  /** pass back as `cursor` for the next page; null on the last page */
  nextCursor: string | null;
}

export interface FileDetails {
  sha256: string;
  size: number;
  pieceRoot: string | null;
  /** the distinct names it is shared under */
  names: string[];
  sourceCount: number;
  sources: SourceView[];
}

export const BrowseQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(MAX_SEARCH_LIMIT).default(DEFAULT_SEARCH_LIMIT),
  cursor: z.string().max(512).optional(),
});

export interface BrowseEntry {
  path: string;
  name: string;
  size: number;
  sha256: string;
  ext: string;
  type: FileType;
  sessionId: string;
}

export interface BrowseResponse {
  username: string;
  files: BrowseEntry[];
  nextCursor: string | null;
}

export const Sha256ParamSchema = z.strictObject({ sha256: Sha256Schema });
