import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { TicketKeySetSchema, TransferReportSchema, TransferRequestSchema, type TicketKeySet, type TransferGrant } from '#contracts';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser, Public } from '../auth/decorators.js';
import { ApiError, ApiErrors, namedSchema } from '../common/openapi.js';
import { zodDto } from '../common/zod-dto.js';
import { TicketSigner } from './ticket-signer.service.js';
import { TransfersService } from './transfers.service.js';

class TransferRequestDto extends zodDto(TransferRequestSchema) {}
class TransferReportDto extends zodDto(TransferReportSchema) {}

const TransferGrantSchema = z.object({
  ticket: z.string().describe('send as Authorization: Bearer <ticket> to the sources'),
  ticketId: z.uuid(),
  expiresAt: z.iso.datetime(),
  sha256: z.string(),
  size: z.number().int(),
  pieceRoot: z.string().nullable(),
  name: z.string(),
  mode: z.enum(['direct', 'push']).describe('"direct": fetch from the reachable sources; "push": a source was asked to upload to the downloader'),
  sources: z.array(
    z.object({
      sessionId: z.uuid(),
      username: z.string(),
      url: z.string().nullable().describe("base URL of the source's peer endpoint; null when it is firewalled"),
      firewalled: z.boolean(),
      partial: z.boolean().describe('a peer still downloading the file (swarming): it serves only the pieces of `bitfield`'),
      bitfield: z.string().optional().describe('partial sources only: base64, bit i (least significant first in each byte) set when piece i is verified'),
    }),
  ),
}) satisfies z.ZodType<TransferGrant>;
const GRANT = namedSchema('TransferGrant', TransferGrantSchema);
const RECORDED = namedSchema('TransferRecorded', z.object({ recorded: z.literal(true) }));
const TICKET_KEYS = namedSchema('TicketKeySet', TicketKeySetSchema);

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
  @ApiCreatedResponse({ description: 'A signed ticket naming the caller, the file and its sources', schema: GRANT })
  @ApiErrors(400, 401, 413, 429, 503)
  @ApiError(403, 'The account is banned')
  @ApiError(404, 'No online peer shares this file (or none of the named sources does)')
  @ApiError(409, 'Every source is firewalled, and over REST there is no peer session to push to')
  request(@CurrentUser() caller: AuthUser, @Body() body: TransferRequestDto): Promise<TransferGrant> {
    return this.transfers.request(caller, null, body);
  }

  @Post('transfers/reports')
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Report how a download went (as transfer:report does over the socket)' })
  @ApiOkResponse({ description: 'The outcome is recorded', schema: RECORDED })
  @ApiErrors(400, 401, 413, 503)
  @ApiError(403, 'The account is banned')
  @ApiError(404, 'You have no ticket for this file')
  report(@CurrentUser() caller: AuthUser, @Body() body: TransferReportDto): Promise<{ recorded: true }> {
    return this.transfers.report(caller, body);
  }

  @Get('ticket-keys')
  @Public()
  @ApiOperation({ summary: 'The public keys that verify tickets (a JWKS); peers fetch them when they connect', security: [] })
  @ApiOkResponse({ description: 'Every key a ticket may be signed with', schema: TICKET_KEYS })
  ticketKeys(): TicketKeySet {
    return this.signer.publicKeys;
  }
}
