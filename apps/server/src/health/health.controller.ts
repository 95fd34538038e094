import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { Public } from '../auth/decorators.js';
import { namedSchema } from '../common/openapi.js';
import { PrismaService } from '../database/prisma.service.js';

const HEALTH = namedSchema(
  'Health',
  z.object({ status: z.enum(['ok', 'unavailable']), database: z.enum(['up', 'down']) }),
);

@ApiTags('operations')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly prisma: PrismaService) {}

  @Get()
  @ApiOperation({ summary: 'Whether the server can serve: it is up and reaches its database', security: [] })
  @ApiOkResponse({ description: 'The server and its database are up', schema: HEALTH, example: { status: 'ok', database: 'up' } })
  @ApiServiceUnavailableResponse({ description: 'The database cannot be reached', schema: HEALTH, example: { status: 'unavailable', database: 'down' } })
  async health(@Res({ passthrough: true }) response: Response): Promise<{ status: string; database: string }> {
    const up = await this.prisma.isReachable(2_000);
    response.status(up ? 200 : 503);
    return { status: up ? 'ok' : 'unavailable', database: up ? 'up' : 'down' };
  }
}
