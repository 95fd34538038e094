import { z } from 'zod';
import { type Manifest, MANIFEST_VERSION, PIECE_SIZE } from '#contracts';
import { namedSchema } from '../common/openapi.js';

const Hash = z.string().regex(/^[0-9a-f]{64}$/);

export const MANIFEST_SCHEMA = namedSchema(
  'Manifest',
  z.object({
    version: z.number().int().min(1).max(MANIFEST_VERSION).describe('format version; readers refuse one higher than they know'),
    name: z.string().describe('the file name (one of the names its online sources share it under)'),
    size: z.number().int().min(0).describe('bytes'),
    sha256: Hash,
    pieceSize: z.literal(PIECE_SIZE).describe('bytes per piece (the last piece is shorter)'),
    pieceRoot: Hash.nullable().describe('SHA-256 of the concatenated SHA-256s of the pieces; null when no source published it'),
    server: z.string().describe("the directory server's public URL (an http or https origin)"),
  }) satisfies z.ZodType<Manifest>,
);
