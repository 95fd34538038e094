import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import {
  BlocklistCreateSchema,
  ModerationReasonSchema,
  PageQuerySchema,
  Sha256ParamSchema,
  type AdminSessionView,
  type AdminStats,
  type BlocklistEntryView,
  type Page,
} from '#contracts';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser, Roles } from '../auth/decorators.js';
import { ApiError, ApiErrors, namedSchema } from '../common/openapi.js';
import { zodDto } from '../common/zod-dto.js';
import { AdminDirectoryService } from './admin-directory.service.js';
import { ADMIN_SESSION_PAGE, ADMIN_STATS, BLOCKLIST_ENTRY, BLOCKLIST_PAGE, IdParamDto } from './dto.js';

class PageQueryDto extends zodDto(PageQuerySchema) {}
class ReasonDto extends zodDto(ModerationReasonSchema) {}
class BlocklistCreateDto extends zodDto(BlocklistCreateSchema) {}
class Sha256ParamDto extends zodDto(Sha256ParamSchema) {}
class OptionalReasonDto extends zodDto(z.strictObject({ reason: z.string().trim().max(500).optional() })) {}

const REMOVED = namedSchema('FilesRemoved', z.object({ removed: z.number().int().describe('index entries removed') }));

@ApiTags('admin')
@ApiBearerAuth()
@Roles('moderator', 'admin')
@Controller('admin')
@ApiErrors(401, 503)
@ApiError(403, 'The caller is not a moderator or admin, or is banned')
export class AdminDirectoryController {
  constructor(private readonly directory: AdminDirectoryService) {}

  @Get('stats')
  @ApiOperation({ summary: 'Dashboard figures: online sessions, users, the index, searches, transfers, top queries' })
  @ApiOkResponse({ description: 'The figures', schema: ADMIN_STATS })
  stats(): Promise<AdminStats> {
    return this.directory.stats();
  }

  @Get('sessions')
  @ApiOperation({ summary: 'Online peer sessions, newest first' })
  @ApiOkResponse({ description: 'One page of sessions', schema: ADMIN_SESSION_PAGE })
  @ApiErrors(400)
  sessions(@Query() query: PageQueryDto): Promise<Page<AdminSessionView>> {
    return this.directory.sessions(query.cursor, query.limit);
  }

  @Post('sessions/:id/kick')
  @HttpCode(204)
  @ApiOperation({ summary: 'End one session (it receives session:ended; the user may reconnect); audited as session.kick' })
  @ApiBody({ type: ReasonDto, required: false })
  @ApiNoContentResponse({ description: 'The session is ended' })
  @ApiErrors(400, 413)
  @ApiError(404, 'No online session has this id')
  kick(@CurrentUser() actor: AuthUser, @Param() { id }: IdParamDto, @Body() body: ReasonDto): Promise<void> {
    return this.directory.kick(actor, id, body.reason);
  }

  @Delete('files/:sha256')
  @ApiOperation({ summary: 'Remove a file (every entry with this hash) from the index; audited as file.remove' })
  @ApiBody({ type: OptionalReasonDto, required: false })
  @ApiOkResponse({ description: 'The file is gone from the index', schema: REMOVED })
  @ApiErrors(400, 413)
  @ApiError(404, 'Nothing in the index has this hash')
  removeFile(@CurrentUser() actor: AuthUser, @Param() { sha256 }: Sha256ParamDto, @Body() body: OptionalReasonDto): Promise<{ removed: number }> {
    return this.directory.removeFile(actor, sha256, body?.reason);
  }

  @Get('blocklist')
  @ApiOperation({ summary: 'The blocklist, newest first' })
  @ApiOkResponse({ description: 'One page of entries', schema: BLOCKLIST_PAGE })
  @ApiErrors(400)
  blocklist(@Query() query: PageQueryDto): Promise<Page<BlocklistEntryView>> {
    return this.directory.blocklist(query.cursor, query.limit);
  }

  @Post('blocklist')
  @ApiOperation({
    summary: 'Block files by sha256 or by name pattern (case-insensitive substring, or a glob with * and ?)',
    description: 'Matching entries are purged from the index at once and refused at publish. Audited as blocklist.add.',
  })
  @ApiCreatedResponse({ description: 'The new entry, with the number of index entries it purged', schema: BLOCKLIST_ENTRY })
  @ApiErrors(400, 413)
  @ApiError(409, 'The entry is on the blocklist already')
  block(@CurrentUser() actor: AuthUser, @Body() body: BlocklistCreateDto): Promise<BlocklistEntryView> {
    return this.directory.block(actor, body);
  }

  @Delete('blocklist/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a blocklist entry; audited as blocklist.remove' })
  @ApiNoContentResponse({ description: 'The entry is removed; matching files may be published again' })
  @ApiErrors(400)
  @ApiError(404, 'No blocklist entry has this id')
  unblock(@CurrentUser() actor: AuthUser, @Param() { id }: IdParamDto): Promise<void> {
    return this.directory.unblock(actor, id);
  }
}
