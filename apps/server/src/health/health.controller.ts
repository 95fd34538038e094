import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../auth/decorators.js';
import { PrismaService } from '../database/prisma.service.js';

@ApiTags('operations')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly prisma: PrismaService) {}

  @Get()
  @ApiOkResponse({ description: 'The server and its database are up' })
  @ApiServiceUnavailableResponse({ description: 'The database cannot be reached' })
  async health(@Res({ passthrough: true }) response: Response): Promise<{ status: string; database: string }> {
    const up = await this.prisma.isReachable(2_000);
    response.status(up ? 200 : 503);
    return { status: up ? 'ok' : 'unavailable', database: up ? 'up' : 'down' };
  }
}
