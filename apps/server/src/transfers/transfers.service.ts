import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { PEER_PATHS, type TransferGrant, type TransferReport, type TransferRequest } from '#contracts';
import { SearchIndexService } from '../search/memory-index/search-index.service.js';
import type { AuthUser } from '../auth/auth-user.js';
import { ConflictError, NotFoundError } from '../common/errors.js';
import { AppConfig } from '../config/app-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { RateLimitService } from '../rate-limit/rate-limit.service.js';
import { type PeerNamespace, sessionRoom } from '../realtime/peer-socket.js';
import { SourceBlamesRepository } from './source-blames.repository.js';
import { TicketSigner } from './ticket-signer.service.js';
import { type OnlineSource, TransfersRepository } from './transfers.repository.js';

const MAX_SOURCES = 10;
const TICKET_LIMIT = 'tickets';

/**
 * Brokers downloads: who may fetch which file from whom. Grants a ticket naming the downloader,
 * the hash and the sources; when every source is firewalled and the downloader is reachable, asks
 * one source (transfer:push) to deliver the file to the downloader instead, as Napster did.
 */
@Injectable()
export class TransfersService implements OnModuleInit {
  private readonly logger = new Logger('Transfers');
  private namespace: PeerNamespace | undefined;

  constructor(
    private readonly repository: TransfersRepository,
    private readonly signer: TicketSigner,
    private readonly metrics: MetricsService,
    private readonly limits: RateLimitService,
    private readonly config: AppConfig,
    private readonly blames: SourceBlamesRepository,
    private readonly searchIndex: SearchIndexService,
  ) {}

  onModuleInit(): void {
    this.limits.define(TICKET_LIMIT, { points: this.config.transferRateLimitPerMinute, windowMs: 60_000, what: 'Too many ticket requests' });
  }

  attach(namespace: PeerNamespace): void {
    this.namespace = namespace;
  }

  async request(caller: AuthUser, downloaderSessionId: string | null, request: TransferRequest): Promise<TransferGrant> {
    // Counted before anything is looked up: refused requests cost the server as much.
    await this.limits.consume(TICKET_LIMIT, caller.id);
    const online = (await this.repository.onlineSources(request.sha256, caller.id, MAX_SOURCES * 2)).filter(
      (source) => source.sessionId !== downloaderSessionId,
    );
    const wanted = request.sourceSessionIds;
    const sources = (wanted ? online.filter((source) => wanted.includes(source.sessionId)) : online).slice(0, MAX_SOURCES);
    if (sources.length === 0) {
      throw new NotFoundError(wanted ? 'None of those sessions shares that file now' : `No online peer shares ${request.sha256}`);
    }
    const reachable = sources.filter((source) => !source.firewalled && source.address);
    if (reachable.length > 0) return this.grant(caller, downloaderSessionId, request.sha256, reachable, sources, 'direct');

    const downloader = downloaderSessionId ? await this.repository.session(downloaderSessionId) : null;
    if (!downloader?.address || downloader.firewalled) {
      throw new ConflictError(
        'Every source of this file is firewalled and so are you (or you asked over REST): no connection is possible. ' +
          'Make your peer endpoint reachable (port forwarding or --public-url) to receive pushes.',
      );
    }
    const uploader = sources[0]!;
    const grant = await this.grant(caller, downloaderSessionId, request.sha256, [uploader], sources, 'push');
    const push = await this.signer.sign({
      jti: grant.ticketId,
      sub: caller.id,
      dun: caller.username,
      dsn: downloaderSessionId ?? undefined,
      sha: request.sha256,
      size: uploader.size,
      src: [uploader.sessionId],
      push: downloader.id,
    });
    this.namespace?.to(sessionRoom(uploader.sessionId)).emit('transfer:push', {
      ticket: push.ticket,
      ticketId: grant.ticketId,
      sha256: request.sha256,
      targetUrl: `${downloader.address}${PEER_PATHS.push(grant.ticketId)}`,
      downloader: caller.username,
    });
    return grant;
  }

  async report(caller: AuthUser, report: TransferReport): Promise<{ recorded: true }> {
    const transfer = await this.repository.findForReport(caller.id, report.sha256, report.ticketId);
    if (!transfer) throw new NotFoundError('No ticket of yours for that file');
    await this.repository.saveReport(transfer.id, {
      ok: report.ok,
      bytes: report.bytes,
      sourceSessionId: report.sourceSessionId ?? null,
      badSourceIds: report.badSourceSessionIds ?? [],
      reason: report.reason ?? null,
    });
    this.metrics.transfers.inc({ outcome: report.ok ? 'ok' : 'failed' });
    const blamed = await this.blames.record(caller.id, report.sha256, report.badSourceSessionIds ?? []);
    if (blamed.length > 0) {
      await this.searchIndex.publish({ kind: 'blames', sha256: report.sha256, sessionIds: blamed });
      this.logger.warn({ sha256: report.sha256, badSources: blamed, reporter: caller.id }, 'sources sent data that failed verification');
    }
    return { recorded: true };
  }

  private async grant(
    caller: AuthUser,
    downloaderSessionId: string | null,
    sha256: string,
    servingSources: OnlineSource[],
    allSources: OnlineSource[],
    mode: TransferGrant['mode'],
  ): Promise<TransferGrant> {
    const ticketId = randomUUID();
    const { size, pieceRoot, name } = servingSources[0]!;
    const { ticket, expiresAt } = await this.signer.sign({
      jti: ticketId,
      sub: caller.id,
      dun: caller.username,
      dsn: downloaderSessionId ?? undefined,
      sha: sha256,
      size,
      src: servingSources.map((source) => source.sessionId),
    });
    await this.repository.record({
      id: ticketId,
      userId: caller.id,
      sessionId: downloaderSessionId,
      sha256,
      size,
      mode,
      sourceIds: servingSources.map((source) => source.sessionId),
    });
    this.metrics.tickets.inc({ mode });
    return {
      ticket,
      ticketId,
      expiresAt: expiresAt.toISOString(),
      sha256,
      size,
      pieceRoot,
      name,
      mode,
      sources: allSources.map((source) => ({
        sessionId: source.sessionId,
        username: source.username,
        url: source.firewalled ? null : source.address,
        firewalled: source.firewalled,
      })),
    };
  }
}
