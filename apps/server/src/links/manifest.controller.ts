import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { create as contentDisposition } from 'content-disposition';
import type { Request, Response } from 'express';
import { type Manifest, MANIFEST_EXTENSION, MANIFEST_MEDIA_TYPE } from '#contracts';
import { Public } from '../auth/decorators.js';
import { ApiError, ApiErrors } from '../common/openapi.js';
import { Sha256ParamDto } from '../search/dto.js';
import { MANIFEST_SCHEMA } from './openapi-schemas.js';
import { LinksService } from './links.service.js';

@ApiTags('links')
@Public()
@Controller('files')
@ApiErrors(400, 429, 503)
export class ManifestController {
  constructor(private readonly links: LinksService) {}

  @Get(':sha256/manifest')
  @ApiOperation({
    summary: "A file's .peerdex manifest (metainfo): name, size, hashes and this server's URL",
    description:
      'Public, like the landing page /f/{sha256} that links to it: it names no user. `peerdex get` reads the ' +
      'saved file; docs/protocol.md ("Links and manifests") describes the format.',
    security: [],
  })
  @ApiOkResponse({
    description: 'The manifest, as an attachment named "<file name>.peerdex"',
    content: { [MANIFEST_MEDIA_TYPE]: { schema: MANIFEST_SCHEMA } },
    headers: {
      'Content-Disposition': {
        description: 'attachment; filename="<file name>.peerdex" (RFC 6266, with filename* for names that are not ASCII)',
        required: true,
        schema: { type: 'string', pattern: '^attachment; filename=' },
      },
    },
  })
  @ApiError(404, 'No online peer shares this file')
  async manifest(@Param() params: Sha256ParamDto, @Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<Manifest> {
    const manifest = await this.links.manifest(params.sha256, { protocol: request.protocol, host: request.get('host'), address: request.ip ?? 'unknown' });
    // Set here, not with @Header: that one would also label an error's JSON body as a manifest.
    response.setHeader('Content-Type', MANIFEST_MEDIA_TYPE);
    response.setHeader('Content-Disposition', contentDisposition(`${manifest.name}${MANIFEST_EXTENSION}`));
    return manifest;
  }
}
