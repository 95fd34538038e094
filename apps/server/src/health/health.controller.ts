import { applyDecorators, Controller, Get, Header, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../auth/decorators.js';
import { HEALTH_CONTENT_TYPE, type HealthReport } from './health-report.js';
import { ReadinessService } from './readiness.service.js';

const REPORT_SCHEMA = {
  type: 'object',
  required: ['status', 'checks'],
  properties: {
    status: { type: 'string', enum: ['pass', 'warn', 'fail'] },
    version: { type: 'string' },
    serviceId: { type: 'string', description: 'this node (NODE_ID)' },
    description: { type: 'string' },
    checks: {
      type: 'object',
      description: 'results by "component:measurement"',
      additionalProperties: {
        type: 'array',
        items: {
          type: 'object',
          required: ['status', 'time'],
          properties: {
            status: { type: 'string', enum: ['pass', 'warn', 'fail'] },
            output: { type: 'string' },
            componentType: { type: 'string' },
            observedValue: {},
            observedUnit: { type: 'string' },
            time: { type: 'string', format: 'date-time' },
          },
        },
      },
    },
  },
};

/** The content type, no caching, and the documented responses every health route shares. */
function HealthRoute(summary: string, ok: string, unavailable?: string) {
  return applyDecorators(
    Header('Content-Type', HEALTH_CONTENT_TYPE),
    Header('Cache-Control', 'no-store'),
    ApiOperation({ summary, security: [] }),
    ApiProduces(HEALTH_CONTENT_TYPE),
    ApiOkResponse({ description: ok, schema: REPORT_SCHEMA }),
    ...(unavailable ? [ApiServiceUnavailableResponse({ description: unavailable, schema: REPORT_SCHEMA })] : []),
  );
}

const READY = 'Ready: every check passes or warns';
const NOT_READY = 'Not ready: a check fails';

/** Liveness and readiness in the IETF health-check format (application/health+json). */
@ApiTags('operations')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly readiness: ReadinessService) {}

  @Get()
  @HealthRoute('Readiness (the same as /health/ready)', READY, NOT_READY)
  health(@Res({ passthrough: true }) response: Response): Promise<HealthReport> {
    return this.ready(response);
  }

  @Get('ready')
  @HealthRoute('Readiness: the database answers, migrations are applied, the node is not shutting down', READY, NOT_READY)
  async ready(@Res({ passthrough: true }) response: Response): Promise<HealthReport> {
    const report = await this.readiness.ready();
    response.status(report.status === 'fail' ? 503 : 200);
    return report;
  }

  @Get('live')
  @HealthRoute('Liveness: the process answers (nothing external is checked)', 'The process is up')
  live(): HealthReport {
    return this.readiness.live();
  }
}
