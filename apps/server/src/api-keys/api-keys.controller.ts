import { Body, Controller, Delete, Get, Header, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ApiKeyCreateSchema, type ApiKeyView, type CreatedApiKey } from '#contracts';
import { NO_STORE } from '../auth/auth.controller.js';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser } from '../auth/decorators.js';
import { ApiError, ApiErrors, namedSchema } from '../common/openapi.js';
import { zodDto } from '../common/zod-dto.js';
import { ApiKeysService } from './api-keys.service.js';

class ApiKeyCreateDto extends zodDto(ApiKeyCreateSchema) {}

const ApiKeyViewSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string().describe("the key's first characters, to tell keys apart"),
  createdAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime().nullable(),
}) satisfies z.ZodType<ApiKeyView>;
const API_KEY = namedSchema('ApiKey', ApiKeyViewSchema);
const CREATED_API_KEY = namedSchema(
  'CreatedApiKey',
  ApiKeyViewSchema.extend({ key: z.string().describe('the key itself, shown this once') }) satisfies z.ZodType<CreatedApiKey>,
);

@ApiTags('me')
@ApiBearerAuth()
@Controller('me/api-keys')
@ApiErrors(401, 503)
@ApiError(403, 'The account is banned')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @ApiOperation({ summary: 'Create a personal API key for the search routes' })
  @Header('Cache-Control', NO_STORE)
  @ApiCreatedResponse({
    description: 'The key is in `key`, shown this once; send it as `X-API-Key: <key>` or `Authorization: Bearer <key>` to the search routes',
    schema: CREATED_API_KEY,
  })
  @ApiErrors(400, 413)
  @ApiError(409, 'The account has as many keys as it may have; delete one first')
  create(@CurrentUser() owner: AuthUser, @Body() body: ApiKeyCreateDto): Promise<CreatedApiKey> {
    return this.keys.create(owner, body.name);
  }

  @Get()
  @ApiOperation({ summary: 'Your API keys (their prefixes, never the keys)' })
  @ApiOkResponse({ description: 'Every key of the caller', schema: { type: 'array', items: API_KEY } })
  list(@CurrentUser() owner: AuthUser): Promise<ApiKeyView[]> {
    return this.keys.list(owner);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API key' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiNoContentResponse({ description: 'The key stops working at once' })
  @ApiError(400, 'id is not a UUID')
  @ApiError(404, 'You have no API key with this id')
  remove(@CurrentUser() owner: AuthUser, @Param('id', new ParseUUIDPipe({ version: '4' })) id: string): Promise<void> {
    return this.keys.remove(owner, id);
  }
}
