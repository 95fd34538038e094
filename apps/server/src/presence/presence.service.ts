import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { type AdminSessionView, type Page, PeerHandshakeSchema, type PeerReady, safeParse, type SessionEndCause } from '#contracts';
import { TokenService } from '../auth/token.service.js';
import { AuthenticationError, InvalidInputError, LimitExceededError } from '../common/errors.js';
import { errorSummary } from '../common/http-error.filter.js';
import { cursorTimestamp, decodeCursor, toPage } from '../common/paging.js';
import { AppConfig } from '../config/app-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { AdmissionService } from '../realtime/admission.service.js';
import { type PeerNamespace, type PeerSocketData, sessionRoom, userRoom } from '../realtime/peer-socket.js';
import { SessionEndBus } from '../realtime/session-end-bus.js';
import { SearchIndexService } from '../search/memory-index/search-index.service.js';
import { ShareIndexService } from '../shares/share-index.service.js';
import { ShareListService } from '../shares/share-list.service.js';
import { usernameKey } from '../users/users.repository.js';
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
  private shuttingDown = false;
  /** whether the last heartbeat write succeeded, and since when writes succeed (renew/expireStale) */
  private heartbeatsWritten = true;
  private writableSince = Date.now();

  constructor(
    private readonly config: AppConfig,
    private readonly sessions: PresenceRepository,
    private readonly shareLists: ShareListService,
    private readonly shareIndex: ShareIndexService,
    private readonly tokens: TokenService,
    private readonly users: UsersService,
    private readonly metrics: MetricsService,
    private readonly sessionEnds: SessionEndBus,
    private readonly admission: AdmissionService,
    private readonly searchIndex: SearchIndexService,
  ) {
    this.ends = new SessionEnds((ids) => this.removeSessions(ids), this.logger);
  }

  get heartbeatIntervalMs(): number {
    return Math.floor(this.config.presenceLeaseMs / 3);
  }

  attach(namespace: PeerNamespace): void {
    this.sessionEnds.attach(namespace);
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
    const now = Date.now();
    await this.searchIndex.publish({
      kind: 'session',
      session: { id: sessionId, userId: user.id, username: user.username, usernameKey: usernameKey(user.username), firewalled: true, connectedAt: now, lastSeenAt: now },
    });
    return user;
  }

  /** After the handshake: probe reachability and restore a share list the peer still has. */
  async welcome(session: PeerSocketData): Promise<PeerReady> {
    const [reachable, restored] = await Promise.all([
      this.probe(session.endpoint),
      session.shareDigest ? this.shareLists.adopt(session.user.id, session.sessionId, session.shareDigest) : Promise.resolve(undefined),
    ]);
    if (reachable) {
      await this.sessions.setFirewalled(session.sessionId, false);
      await this.searchIndex.publish({ kind: 'reachability', sessionId: session.sessionId, firewalled: false });
    }
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
  async endSession(sessionId: string, reason: string, cause: SessionEndCause = 'kicked'): Promise<void> {
    this.broadcastEnd(sessionRoom(sessionId), reason, cause);
    this.heartbeats.delete(sessionId);
    await this.removeSessions([sessionId]);
  }

  /** Ends every session of a user (a ban). Returns how many there were. */
  async endUserSessions(userId: string, reason: string, cause: SessionEndCause = 'banned'): Promise<number> {
    this.broadcastEnd(userRoom(userId), reason, cause);
    const ids = await this.sessions.idsOfUser(userId);
    ids.forEach((id) => this.heartbeats.delete(id));
    await this.removeSessions(ids);
    return ids.length;
  }

  async onModuleInit(): Promise<void> {
    const every = (ms: number, task: () => Promise<void>, name: string) => {
      const timer = setInterval(() => task().catch((error: unknown) => this.logger.error({ err: error }, `${name} failed`)), ms);
      timer.unref();
      this.timers.push(timer);
    };
    every(this.heartbeatIntervalMs, () => this.renew(), 'heartbeat renewal');
    every(Math.max(250, Math.floor(this.config.presenceLeaseMs / 2)), () => this.expireStale(), 'presence sweep');
    await this.expireDeadNodes();
  }

  /** Sessions of a server of this machine that was killed end now, not when their lease runs out. */
  private async expireDeadNodes(): Promise<void> {
    const ids = await this.sessions.idsOfNodes(this.config.deadNodeIds);
    if (ids.length === 0) return;
    await this.removeSessions(ids);
    this.logger.log(`ended ${ids.length} sessions of server nodes that died: ${this.config.deadNodeIds.join(', ')}`);
  }

  async onModuleDestroy(): Promise<void> {
    this.shuttingDown = true;
    this.timers.forEach((timer) => clearInterval(timer));
    // A clean shutdown ends this node's sessions now rather than when their lease runs out.
    await this.removeSessions([...this.heartbeats.keys(), ...this.ends.stop()]).catch(() => undefined);
    this.heartbeats.clear();
  }

  /**
   * How long a session's row outlives its lease, and how long a node that could not write its
   * heartbeats waits after writing again before it expires anyone: every node first renews its
   * own sessions from memory, so a database outage (or a node cut off from it) shorter than lease
   * plus grace ends no session. Search shows a session only while its lease runs.
   */
  private get graceMs(): number {
    return this.config.presenceLeaseMs;
  }

  /**
   * Writes this node's heartbeats (the times kept in memory, so writes missed while the database
   * was away are caught up at once); disconnects its sockets that went silent for a whole lease,
   * and those whose session no longer exists (swept by another node): they may reconnect.
   */
  private async renew(): Promise<void> {
    const now = Date.now();
    const fresh: Array<{ id: string; at: Date }> = [];
    const silent: string[] = [];
    for (const [id, at] of this.heartbeats) {
      if (now - at.getTime() > this.config.presenceLeaseMs) silent.push(id);
      else fresh.push({ id, at });
    }
    let gone: string[];
    try {
      gone = await this.sessions.recordHeartbeats(fresh);
    } catch (error) {
      if (this.heartbeatsWritten) {
        this.logger.warn(`heartbeats cannot be written (${errorSummary(error)}); sessions are kept and renewed once the database is back`);
      }
      this.heartbeatsWritten = false;
      return;
    }
    if (!this.heartbeatsWritten) {
      this.logger.log(`heartbeats written again for ${fresh.length} sessions; expiring others resumes in ${this.graceMs} ms`);
      this.writableSince = now;
    }
    this.heartbeatsWritten = true;
    this.metrics.peerSessions.set(fresh.length);
    if (fresh.length > 0) await this.searchIndex.publish({ kind: 'heartbeats', heartbeats: fresh.map(({ id, at }) => [id, at.getTime()]) });
    for (const id of gone) {
      this.heartbeats.delete(id);
      this.broadcastEnd(sessionRoom(id), 'The directory no longer has this session (it expired); connect again', 'expired');
    }
    await Promise.all(silent.map((id) => this.endSession(id, this.leaseExpired(), 'expired')));
  }

  /**
   * Any node removes sessions whose lease (plus the grace) ran out, including those of nodes that
   * died; but not while this node cannot write its own heartbeats, nor right after it could again.
   */
  private async expireStale(): Promise<void> {
    if (!this.heartbeatsWritten || Date.now() - this.writableSince < this.graceMs) return;
    const expired = await this.sessions.expiredIds(this.config.presenceLeaseMs + this.graceMs);
    if (expired.length === 0) return;
    for (const id of expired) this.broadcastEnd(sessionRoom(id), this.leaseExpired(), 'expired');
    await this.removeSessions(expired);
  }

  /** Ends sessions in PostgreSQL, then in every node's search index. */
  private async removeSessions(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.sessions.remove(ids);
    await this.searchIndex.publish({ kind: 'sessions-ended', sessionIds: ids });
  }

  private leaseExpired(): string {
    return `No heartbeat for ${Math.round(this.config.presenceLeaseMs / 1000)} s; the session was dropped`;
  }

  /** On every node (through PostgreSQL, so it does not depend on Redis): session:ended, then a disconnect. */
  private broadcastEnd(room: string, reason: string, cause: SessionEndCause): void {
    void this.sessionEnds.end(room, { reason, cause });
  }
}

const SessionCursorSchema = z.tuple([cursorTimestamp, z.uuid()]);

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
