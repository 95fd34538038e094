import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { TransferReportSchema, TransferRequestSchema, type TicketKeySet, type TransferGrant } from '#contracts';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser, Public } from '../auth/decorators.js';
import { ApiErrors } from '../common/openapi.js';
import { zodDto } from '../common/zod-dto.js';
import { TicketSigner } from './ticket-signer.service.js';
import { TransfersService } from './transfers.service.js';

class TransferRequestDto extends zodDto(TransferRequestSchema) {}
class TransferReportDto extends zodDto(TransferReportSchema) {}

const GRANT = {
  type: 'object',
  properties: {
    ticket: { type: 'string', description: 'send as Authorization: Bearer <ticket> to the sources' },
    ticketId: { type: 'string', format: 'uuid' },
    expiresAt: { type: 'string', format: 'date-time' },
    sha256: { type: 'string' },
    size: { type: 'integer' },
    pieceRoot: { type: 'string', nullable: true },
    name: { type: 'string' },
    mode: { type: 'string', enum: ['direct', 'push'] },
    sources: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          sessionId: { type: 'string', format: 'uuid' },
          username: { type: 'string' },
          url: { type: 'string', nullable: true },
          firewalled: { type: 'boolean' },
        },
      },
    },
  },
};

@ApiTags('transfers')
@Controller()
export class TransfersController {
  constructor(
    private readonly transfers: TransfersService,
    private readonly signer: TicketSigner,
  ) {}

  @Post('transfers')
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Ask for a ticket to download a file from its online sources',
    description:
      'Over REST there is no peer session to push to, so a file whose sources are all firewalled answers 409. ' +
      'Rate limited per user (TRANSFER_RATE_LIMIT_PER_MINUTE, shared with transfer:request): 429 with Retry-After.',
  })
  @ApiCreatedResponse({ schema: GRANT })
  @ApiErrors(400, 401, 404, 409, 429)
  request(@CurrentUser() caller: AuthUser, @Body() body: TransferRequestDto): Promise<TransferGrant> {
    return this.transfers.request(caller, null, body);
  }

  @Post('transfers/reports')
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Report how a download went (as transfer:report does over the socket)' })
  @ApiOkResponse({ schema: { type: 'object', properties: { recorded: { type: 'boolean' } } } })
  @ApiErrors(400, 401, 404)
  report(@CurrentUser() caller: AuthUser, @Body() body: TransferReportDto): Promise<{ recorded: true }> {
    return this.transfers.report(caller, body);
  }

  @Get('ticket-keys')
  @Public()
  @ApiOperation({ summary: 'The public keys that verify tickets (a JWKS); peers fetch them when they connect' })
  @ApiOkResponse({ description: 'JWKS' })
  ticketKeys(): TicketKeySet {
    return this.signer.publicKeys;
  }
}
