import { Controller, Get, Header, Param, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../auth/decorators.js';
import { ApiErrors } from '../common/openapi.js';
import { Sha256ParamDto } from '../search/dto.js';
import { LinksService } from './links.service.js';

const HTML = { 'text/html': { schema: { type: 'string' } } };

@ApiTags('links')
@Public()
@Controller('f')
@ApiErrors(400, 429, 503)
export class LandingPageController {
  constructor(private readonly links: LinksService) {}

  @Get(':sha256')
  @Header('Cache-Control', 'no-cache')
  @ApiOperation({
    summary: "A file's public page: name, size, online sources, and buttons for its peerdex: link and manifest",
    description: 'Plain HTML without scripts, for anyone with the link: it shows no usernames.',
    security: [],
  })
  @ApiResponse({ status: 200, description: 'The page', content: HTML })
  @ApiResponse({ status: 404, description: 'A page saying no online peer shares this file now', content: HTML })
  async page(@Param() params: Sha256ParamDto, @Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<string> {
    const page = await this.links.landingPage(params.sha256, { protocol: request.protocol, host: request.get('host'), address: request.ip ?? 'unknown' });
    // Set here, not with @Header: an error (400, 503) stays labelled as the JSON it is.
    response.status(page.status).type('html');
    return page.html;
  }
}
