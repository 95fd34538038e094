import { applyDecorators } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ApiResponse, DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { STATUS_CODES } from 'node:http';
import type { z } from 'zod';
import { ErrorBodySchema } from '#contracts';
import { toJsonSchema } from './zod-dto.js';

/**
 * The OpenAPI document (served at /api/docs, JSON at /api/docs-json) and the decorators that
 * describe each route in it. test/openapi-conformance.e2e.spec.ts calls every operation and checks
 * each answer against the served document, so what is written here must stay true.
 */

type SchemaRef = { $ref: string };

const schemas = new Map<string, Record<string, unknown>>();

/**
 * A response shape, listed once under components.schemas and referenced by name, so a generated
 * client gets one named type for it (with its required fields) instead of an anonymous copy per route.
 * Objects stay open (no `additionalProperties: false`): the server may add a field without breaking clients.
 */
export function namedSchema(name: string, schema: z.ZodType): SchemaRef {
  const json = toJsonSchema(schema);
  const known = schemas.get(name);
  if (known && JSON.stringify(known) !== JSON.stringify(json)) throw new Error(`Two different OpenAPI schemas are named ${name}`);
  schemas.set(name, json);
  return { $ref: `#/components/schemas/${name}` };
}

const ERROR_BODY = namedSchema('ErrorBody', ErrorBodySchema);
const RETRY_AFTER = { 'Retry-After': { $ref: '#/components/headers/Retry-After' } };

type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 429 | 503;
type CommonErrorStatus = 400 | 401 | 413 | 429 | 503;

/** The statuses that mean the same on every route, with an example message of each. */
const COMMON_ERRORS: Record<CommonErrorStatus, [description: string, example: string]> = {
  400: ['Invalid input; the message names each bad field', 'username: must be 3 to 32 characters'],
  401: ['Missing, invalid or expired credentials', 'Access token has expired'],
  413: ['The JSON body is larger than the server accepts (100 kB)', 'Request body is larger than the 102400 byte limit'],
  429: ['Too many requests; Retry-After says how many seconds to wait', 'Too many login attempts; retry in 42 s'],
  503: ['The database is unreachable; Retry-After says how many seconds to wait', 'The database is unavailable; retry in 5 s'],
};

/** Documents the error statuses that mean the same on every route (401, 413, 429, 503 and a plain 400). */
export const ApiErrors = (...statuses: CommonErrorStatus[]) =>
  applyDecorators(...statuses.map((status) => errorResponse(status, ...COMMON_ERRORS[status])));

/**
 * Documents an error status with what it means on this route: a 403, 404 or 409 always says why
 * ("Only admins change roles", "No report has this id"), as does a 400 or 401 that means more than
 * the usual. The description is also the example message.
 */
export const ApiError = (status: ErrorStatus, description: string) => errorResponse(status, description, description);

function errorResponse(status: ErrorStatus, description: string, example: string) {
  return ApiResponse({
    status,
    description,
    schema: ERROR_BODY,
    example: { statusCode: status, error: STATUS_CODES[status], message: example },
    ...(status === 429 || status === 503 ? { headers: RETRY_AFTER } : {}),
  });
}

export function setUpOpenApi(app: NestExpressApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Peerdex directory API')
    .setDescription(
      'Accounts, the share index and search of a brokered peer-to-peer directory. Every error has the shape ' +
        '{statusCode, error, message}; 429 and 503 come with Retry-After. Routes need an access token from ' +
        '/auth/login unless they say otherwise; the search routes also take a personal API key. ' +
        'The Socket.IO protocol peers speak is described in docs/protocol.md.',
    )
    .setVersion('1')
    .setLicense('MIT', 'https://opensource.org/licenses/MIT')
    .addServer('/', 'This server (the document is served by the API it describes)')
    .addTag('auth', 'Accounts: register, sign in, refresh and sign out')
    .addTag('me', 'The signed-in user: profile, password and personal API keys')
    .addTag('search', 'Search the files of online peers, look one up, browse a user (access token or API key)')
    .addTag('links', "Public links to a file from outside the directory: its .peerdex manifest and its landing page (no credentials)")
    .addTag('transfers', 'Tickets to download from peers, and the keys that verify them')
    .addTag('reports', 'Report a file or a user to the moderators')
    .addTag('admin', 'Moderation: users, sessions, the index, the blocklist, reports and the audit log (moderators and admins)')
    .addTag('operations', 'Health and metrics, for load balancers and Prometheus')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An access token from /auth/login or /auth/register' })
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'A personal API key from /me/api-keys (search routes only)' }, 'api-key')
    .addSecurityRequirements('bearer')
    .build();
  config.components = {
    ...config.components,
    schemas: Object.fromEntries(schemas),
    headers: {
      'Retry-After': {
        description: 'Seconds to wait before trying again',
        required: true,
        schema: { type: 'integer', minimum: 0 },
        example: 5,
      },
    },
  };
  SwaggerModule.setup('api/docs', app, SwaggerModule.createDocument(app, config), { jsonDocumentUrl: 'api/docs-json' });
}
