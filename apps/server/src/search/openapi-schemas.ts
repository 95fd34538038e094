import { z } from 'zod';
import { FileTypeSchema, MAX_LISTED_SOURCES, type BrowseResponse, type FileDetails, type SearchResponse } from '#contracts';
import { namedSchema } from '../common/openapi.js';

// Response shapes for the OpenAPI document. The TypeScript interfaces live in libs/contracts; each
// schema here is checked against its interface, so a field added there and not here fails the type check.

const Hash = z.string().regex(/^[0-9a-f]{64}$/);

const SourceSchema = z.object({ sessionId: z.uuid(), username: z.string(), firewalled: z.boolean() });

const SOURCE_COUNT = 'online sessions sharing this content now, counted exactly';

export const SEARCH_RESPONSE = namedSchema(
  'SearchResponse',
  z.object({
    results: z.array(
      z.object({
        sha256: Hash,
        name: z.string(),
        size: z.number().int(),
        ext: z.string(),
        type: FileTypeSchema,
        pieceRoot: Hash.nullable(),
        sourceCount: z.number().int().describe(SOURCE_COUNT),
        sources: z.array(SourceSchema).max(MAX_LISTED_SOURCES).describe('reachable sources first'),
        match: z.enum(['word', 'prefix']).describe('"word": every search word matched a whole word; "prefix": some only as a prefix'),
      }),
    ),
    nextCursor: z.string().nullable().describe('pass as cursor for the next page; null on the last page'),
  }) satisfies z.ZodType<SearchResponse>,
);

export const FILE_DETAILS = namedSchema(
  'FileDetails',
  z.object({
    sha256: Hash,
    size: z.number().int(),
    pieceRoot: Hash.nullable(),
    names: z.array(z.string()).describe('the distinct names it is shared under'),
    sourceCount: z.number().int().describe(SOURCE_COUNT),
    sources: z.array(SourceSchema),
  }) satisfies z.ZodType<FileDetails>,
);

export const BROWSE_RESPONSE = namedSchema(
  'BrowsePage',
  z.object({
    username: z.string(),
    files: z.array(
      z.object({ path: z.string(), name: z.string(), size: z.number().int(), sha256: Hash, ext: z.string(), type: FileTypeSchema, sessionId: z.uuid() }),
    ),
    nextCursor: z.string().nullable().describe('pass as cursor for the next page; null on the last page'),
  }) satisfies z.ZodType<BrowseResponse>,
);
