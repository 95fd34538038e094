import { FILE_TYPES } from '#contracts';

/** Response shapes for the OpenAPI document (the TypeScript interfaces live in libs/contracts). */
const SOURCE = {
  type: 'object',
  properties: { sessionId: { type: 'string', format: 'uuid' }, username: { type: 'string' }, firewalled: { type: 'boolean' } },
  required: ['sessionId', 'username', 'firewalled'],
};

const HASH = { type: 'string', pattern: '^[0-9a-f]{64}$' };

export const SEARCH_RESPONSE = {
  type: 'object',
  properties: {
    results: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          sha256: HASH,
          name: { type: 'string' },
          size: { type: 'integer' },
          ext: { type: 'string' },
          type: { type: 'string', enum: [...FILE_TYPES] },
          pieceRoot: { ...HASH, nullable: true },
          sourceCount: { type: 'integer' },
          sources: { type: 'array', items: SOURCE, maxItems: 10 },
          match: { type: 'string', enum: ['word', 'prefix'] },
        },
        required: ['sha256', 'name', 'size', 'ext', 'type', 'pieceRoot', 'sourceCount', 'sources', 'match'],
      },
    },
    nextCursor: { type: 'string', nullable: true, description: 'pass as cursor for the next page; null on the last page' },
  },
  required: ['results', 'nextCursor'],
};

export const FILE_DETAILS = {
  type: 'object',
  properties: {
    sha256: HASH,
    size: { type: 'integer' },
    pieceRoot: { ...HASH, nullable: true },
    names: { type: 'array', items: { type: 'string' } },
    sourceCount: { type: 'integer' },
    sources: { type: 'array', items: SOURCE },
  },
  required: ['sha256', 'size', 'pieceRoot', 'names', 'sourceCount', 'sources'],
};

export const BROWSE_RESPONSE = {
  type: 'object',
  properties: {
    username: { type: 'string' },
    files: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          path: { type: 'string' },
          name: { type: 'string' },
          size: { type: 'integer' },
          sha256: HASH,
          ext: { type: 'string' },
          type: { type: 'string', enum: [...FILE_TYPES] },
          sessionId: { type: 'string', format: 'uuid' },
        },
      },
    },
    nextCursor: { type: 'string', nullable: true },
  },
  required: ['username', 'files', 'nextCursor'],
};
