import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { BrowseResponse, FileDetails, SearchQuery, SearchResponse } from '#contracts';
import type { AuthUser } from '../auth/auth-user.js';
import { AllowApiKey, CurrentUser } from '../auth/decorators.js';
import { ApiError, ApiErrors } from '../common/openapi.js';
import { BrowseQueryDto, SearchQueryDto, Sha256ParamDto } from './dto.js';
import { BROWSE_RESPONSE, FILE_DETAILS, SEARCH_RESPONSE } from './openapi-schemas.js';
import { SearchService } from './search.service.js';

@ApiTags('search')
@ApiBearerAuth()
@ApiSecurity('api-key')
@AllowApiKey()
@Controller()
@ApiErrors(400, 503)
@ApiError(401, 'Missing, invalid or expired access token or API key')
@ApiError(403, 'The account is banned')
export class SearchController {
  constructor(private readonly search: SearchService) {}

  @Get('search')
  @ApiOperation({
    summary: 'Search the files of online peers',
    description:
      'Every word of q must occur in the file name as a word or a word prefix, ignoring case and accents; ' +
      '-word excludes. Results are grouped by content hash, whole-word matches first, then by number of sources. ' +
      'A search examines a bounded number of index entries, so very common words return the best of those.',
  })
  @ApiOkResponse({ description: 'One page of results', schema: SEARCH_RESPONSE })
  @ApiErrors(429)
  find(@CurrentUser() caller: AuthUser, @Query() query: SearchQueryDto): Promise<SearchResponse> {
    return this.search.search(caller, query as SearchQuery, 'rest');
  }

  @Get('files/:sha256')
  @ApiOperation({ summary: 'One file by content hash: its names and online sources' })
  @ApiOkResponse({ description: 'The file', schema: FILE_DETAILS })
  @ApiError(404, 'No online peer shares this file')
  file(@Param() params: Sha256ParamDto): Promise<FileDetails> {
    return this.search.describe(params.sha256);
  }

  @Get('users/:username/files')
  @ApiOperation({ summary: "Browse an online user's shared files" })
  @ApiOkResponse({ description: "One page of the user's files", schema: BROWSE_RESPONSE })
  @ApiError(404, 'No user has this name, or the user is not online')
  browse(@Param('username') username: string, @Query() query: BrowseQueryDto): Promise<BrowseResponse> {
    return this.search.browse(username, query.limit, query.cursor);
  }
}
