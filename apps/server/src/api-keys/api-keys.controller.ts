import { Body, Controller, Delete, Get, Header, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiKeyCreateSchema, type ApiKeyView, type CreatedApiKey } from '#contracts';
import { NO_STORE } from '../auth/auth.controller.js';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser } from '../auth/decorators.js';
import { ApiErrors } from '../common/openapi.js';
import { zodDto } from '../common/zod-dto.js';
import { ApiKeysService } from './api-keys.service.js';

class ApiKeyCreateDto extends zodDto(ApiKeyCreateSchema) {}

const KEY_VIEW = {
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    name: { type: 'string' },
    prefix: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
    lastUsedAt: { type: 'string', format: 'date-time', nullable: true },
  },
};

@ApiTags('me')
@ApiBearerAuth()
@Controller('me/api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @Header('Cache-Control', NO_STORE)
  @ApiCreatedResponse({
    description: 'The key is in `key`, shown this once; send it as `X-API-Key: <key>` or `Authorization: Bearer <key>` to the search API',
    schema: { ...KEY_VIEW, properties: { ...KEY_VIEW.properties, key: { type: 'string' } } },
  })
  @ApiErrors(400, 401, 409)
  create(@CurrentUser() owner: AuthUser, @Body() body: ApiKeyCreateDto): Promise<CreatedApiKey> {
    return this.keys.create(owner, body.name);
  }

  @Get()
  @ApiOkResponse({ schema: { type: 'array', items: KEY_VIEW } })
  @ApiErrors(401)
  list(@CurrentUser() owner: AuthUser): Promise<ApiKeyView[]> {
    return this.keys.list(owner);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The key stops working at once' })
  @ApiErrors(401, 404)
  remove(@CurrentUser() owner: AuthUser, @Param('id', new ParseUUIDPipe({ version: '4' })) id: string): Promise<void> {
    return this.keys.remove(owner, id);
  }
}
