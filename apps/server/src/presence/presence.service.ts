import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { type AdminSessionView, type Page, PeerHandshakeSchema, type PeerReady, safeParse } from '#contracts';
import { TokenService } from '../auth/token.service.js';
import { AuthenticationError, InvalidInputError, LimitExceededError } from '../common/errors.js';
import { decodeCursor, toPage } from '../common/paging.js';
import { AppConfig } from '../config/app-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { AdmissionService } from '../realtime/admission.service.js';
import { type PeerNamespace, type PeerSocketData, sessionRoom, userRoom } from '../realtime/peer-socket.js';
import { ShareIndexService } from '../shares/share-index.service.js';
import { ShareListService } from '../shares/share-list.service.js';
import { UsersService } from '../users/users.service.js';
import { type PeerEndpoint, resolveEndpoint } from './peer-endpoint.js';
import { isPrivateAddress } from './private-address.js';
import { probeReachable } from './reachability-probe.js';
import { PresenceRepository, type SessionRow } from './presence.repository.js';
import { SessionEnds } from './session-ends.js';

/**
 * Who is online. A peer session is a row in peer_sessions, visible to every node; this node keeps
 * only the heartbeat times of the sockets it holds and writes them in batches. A session is online
 * while its last heartbeat is younger than the lease: a silent one drops out of search at once and
 * is disconnected at the next check; sessions of a node that died expire the same way.
 */
@Injectable()
export class PresenceService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Presence');
  private readonly heartbeats = new Map<string, Date>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly ends: SessionEnds;
  private namespace: PeerNamespace | undefined;
  private shuttingDown = false;

  constructor(
    private readonly config: AppConfig,
    private readonly sessions: PresenceRepository,
    private readonly shareLists: ShareListService,
    private readonly shareIndex: ShareIndexService,
    private readonly tokens: TokenService,
    private readonly users: UsersService,
    private readonly metrics: MetricsService,
    private readonly admission: AdmissionService,
  ) {
    this.ends = new SessionEnds((ids) => this.sessions.remove(ids), this.logger);
  }

  get heartbeatIntervalMs(): number {
    return Math.floor(this.config.presenceLeaseMs / 3);
  }

  attach(namespace: PeerNamespace): void {
    this.namespace = namespace;
  }

  /**
   * The handshake: authenticates the peer and records its session. Throws when refused. The
   * database work waits for an admission slot (503 when too many handshakes wait already);
   * `stillWanted` says whether the socket is still there when its turn comes.
   */
  async open(auth: unknown, remoteAddress: string, stillWanted: () => boolean = () => true): Promise<PeerSocketData> {
    const parsed = safeParse(PeerHandshakeSchema, auth ?? {});
    if (!parsed.ok) {
      const missingToken = parsed.issues.some((issue) => issue.field === 'token');
      if (missingToken) throw new AuthenticationError('auth.token is required: an access token from /api/v1/auth/login');
      throw new InvalidInputError(parsed.issues.map((issue) => ({ ...issue, field: `auth.${issue.field}` })));
    }
    const handshake = parsed.value;
    const claims = await this.tokens.verifyAccessToken(handshake.token);
    // Resolving a name in auth.url may take a while: done before taking a slot.
    const endpoint = await resolveEndpoint(handshake, remoteAddress, this.config.peerProbeTimeoutMs);
    const sessionId = randomUUID();
    const user = await this.admission.run('handshake', () => this.record(sessionId, claims.sub, endpoint), stillWanted);
    this.heartbeats.set(sessionId, new Date());
    this.metrics.peerSessions.set(this.heartbeats.size);
    return {
      user: { id: user.id, username: user.username, role: user.role, familyId: claims.fam, via: 'access-token' },
      sessionId,
      endpoint,
      shareDigest: handshake.shareDigest,
    };
  }

  /** Records the session of an active user, within the per-account cap; returns the user. */
  private async record(sessionId: string, userId: string, endpoint: PeerEndpoint | null) {
    const user = await this.users.requireActive(userId);
    if (!user) throw new AuthenticationError('Account no longer exists');
    const session = { id: sessionId, userId: user.id, nodeId: this.config.nodeId, address: endpoint?.url ?? null };
    const cap = this.config.peerSessionsPerUser;
    if (!(await this.sessions.createWithinCap(session, cap, this.config.presenceLeaseMs))) {
      throw new LimitExceededError(`This account already has ${cap} peer sessions online (the most allowed); close one to open another`);
    }
    return user;
  }

  /** After the handshake: probe reachability and restore a share list the peer still has. */
  async welcome(session: PeerSocketData): Promise<PeerReady> {
    const [reachable, restored] = await Promise.all([
      this.probe(session.endpoint),
      session.shareDigest ? this.shareLists.adopt(session.user.id, session.sessionId, session.shareDigest) : Promise.resolve(undefined),
    ]);
    if (reachable) await this.sessions.setFirewalled(session.sessionId, false);
    return {
      sessionId: session.sessionId,
      address: session.endpoint?.url ?? null,
      firewalled: !reachable,
      shareListRestored: restored !== undefined,
      fileCount: restored?.fileCount ?? 0,
      heartbeatIntervalMs: this.heartbeatIntervalMs,
    };
  }

  /**
   * Whether other peers can reach the endpoint. Non-public addresses are never probed under
   * PEER_PRIVATE_ADDRESSES=deny: such a peer is firewalled (it still downloads, and pushes).
   */
  private async probe(endpoint: PeerEndpoint | null): Promise<boolean> {
    if (!endpoint) return false;
    if (this.config.peerPrivateAddresses === 'deny' && isPrivateAddress(endpoint.probe.ip)) return false;
    return probeReachable(endpoint.probe, this.config.peerProbeTimeoutMs);
  }

  /** Online sessions for moderators, newest first. */
  async page(cursor: string | undefined, limit: number): Promise<Page<AdminSessionView>> {
    const after = decodeCursor(SessionCursorSchema, cursor);
    const rows = await this.sessions.page(after && { connectedAt: new Date(after[0]), id: after[1] }, limit + 1, this.config.presenceLeaseMs);
    return toPage(rows, limit, toSessionView, (row) => [row.connected_at.toISOString(), row.id]);
  }

  countOnline(): Promise<{ sessions: number; files: number }> {
    return this.sessions.countOnline(this.config.presenceLeaseMs);
  }

  /** Whether a session is online now (for a kick's 404). */
  async isOnline(sessionId: string): Promise<boolean> {
    const session = await this.sessions.find(sessionId);
    return !!session && session.lastSeenAt.getTime() > Date.now() - this.config.presenceLeaseMs;
  }

  heartbeat(sessionId: string): { leaseMs: number } {
    if (this.heartbeats.has(sessionId)) this.heartbeats.set(sessionId, new Date());
    return { leaseMs: this.config.presenceLeaseMs };
  }

  /**
   * The socket went away (disconnect, kick): the session ends with the next batch of ends (at
   * once when the server is quiet), retried until written. At shutdown onModuleDestroy ends them.
   */
  async close(sessionId: string): Promise<void> {
    this.heartbeats.delete(sessionId);
    this.shareIndex.forget(sessionId);
    this.metrics.peerSessions.set(this.heartbeats.size);
    if (!this.shuttingDown) await this.ends.end(sessionId);
  }

  /** Ends one session wherever its socket is: it receives session:ended, then is disconnected. */
  async endSession(sessionId: string, reason: string): Promise<void> {
    this.broadcastEnd(sessionRoom(sessionId), reason);
    this.heartbeats.delete(sessionId);
    await this.sessions.remove([sessionId]);
  }

  /** Ends every session of a user (a ban). Returns how many there were. */
  async endUserSessions(userId: string, reason: string): Promise<number> {
    this.broadcastEnd(userRoom(userId), reason);
    const ids = await this.sessions.idsOfUser(userId);
    ids.forEach((id) => this.heartbeats.delete(id));
    await this.sessions.remove(ids);
    return ids.length;
  }

  onModuleInit(): void {
    const every = (ms: number, task: () => Promise<void>, name: string) => {
      const timer = setInterval(() => task().catch((error: unknown) => this.logger.error({ err: error }, `${name} failed`)), ms);
      timer.unref();
      this.timers.push(timer);
    };
    every(this.heartbeatIntervalMs, () => this.renew(), 'heartbeat renewal');
    every(Math.max(250, Math.floor(this.config.presenceLeaseMs / 2)), () => this.expireStale(), 'presence sweep');
  }

  async onModuleDestroy(): Promise<void> {
    this.shuttingDown = true;
    this.timers.forEach((timer) => clearInterval(timer));
    // A clean shutdown ends this node's sessions now rather than when their lease runs out.
    await this.sessions.remove([...this.heartbeats.keys(), ...this.ends.stop()]).catch(() => undefined);
    this.heartbeats.clear();
  }

  /** Writes this node's heartbeats; disconnects its sockets that went silent for a whole lease. */
  private async renew(): Promise<void> {
    const now = Date.now();
    const fresh: Array<{ id: string; at: Date }> = [];
    const silent: string[] = [];
    for (const [id, at] of this.heartbeats) {
      if (now - at.getTime() > this.config.presenceLeaseMs) silent.push(id);
      else fresh.push({ id, at });
    }
    await this.sessions.recordHeartbeats(fresh);
    this.metrics.peerSessions.set(fresh.length);
    await Promise.all(silent.map((id) => this.endSession(id, this.leaseExpired())));
  }

  /** Any node removes sessions whose lease ran out, including those of nodes that died. */
  private async expireStale(): Promise<void> {
    const expired = await this.sessions.expiredIds(this.config.presenceLeaseMs);
    if (expired.length === 0) return;
    for (const id of expired) this.broadcastEnd(sessionRoom(id), this.leaseExpired());
    await this.sessions.remove(expired);
  }

  private leaseExpired(): string {
    return `No heartbeat for ${Math.round(this.config.presenceLeaseMs / 1000)} s; the session was dropped`;
  }

  private broadcastEnd(room: string, reason: string): void {
    if (!this.namespace) return;
    this.namespace.to(room).emit('session:ended', { reason });
    this.namespace.in(room).disconnectSockets(true);
  }
}

const SessionCursorSchema = z.tuple([z.iso.datetime(), z.uuid()]);

function toSessionView(row: SessionRow): AdminSessionView {
  return {
    id: row.id,
    userId: row.user_id,
    username: row.username,
    address: row.address,
    firewalled: row.firewalled,
    fileCount: row.file_count ?? 0,
    totalBytes: Number(row.total_bytes ?? 0),
    connectedAt: row.connected_at.toISOString(),
    lastSeenAt: row.last_seen_at.toISOString(),
  };
}
