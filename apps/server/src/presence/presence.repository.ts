import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';
import { Prisma } from '../generated/prisma/client.js';

export interface SessionRow {
  id: string;
  user_id: string;
  username: string;
  address: string | null;
  firewalled: boolean;
  file_count: number | null;
  total_bytes: bigint | null;
  connected_at: Date;
  last_seen_at: Date;
}

/** First key of the two-key advisory locks that serialise one user's handshakes ("pe" "er"). */
const SESSION_CAP_LOCK = 0x70656572;

@Injectable()
export class PresenceRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Records a session unless the user already has `cap` online ones; returns whether it did. The
   * user's sessions are counted under a per-user transaction lock, so handshakes arriving at once
   * on any node cannot overshoot the cap. Firewalled until the reachability probe says otherwise.
   */
  async createWithinCap(session: { id: string; userId: string; nodeId: string; address: string | null }, cap: number, leaseMs: number): Promise<boolean> {
    const [, inserted] = await this.prisma.$transaction([
      this.prisma.$executeRaw`SELECT pg_advisory_xact_lock(${SESSION_CAP_LOCK}::int, hashtext(${session.userId}))`,
      this.prisma.$executeRaw`
        INSERT INTO peer_sessions (id, user_id, node_id, address, firewalled)
        SELECT ${session.id}::uuid, ${session.userId}::uuid, ${session.nodeId}, ${session.address}, true
        WHERE (
          SELECT count(*) FROM peer_sessions
          WHERE user_id = ${session.userId}::uuid AND last_seen_at > now() - ${leaseMs} * interval '1 millisecond'
        ) < ${cap}`,
    ]);
    return inserted === 1;
  }

  setFirewalled(id: string, firewalled: boolean) {
    return this.prisma.peerSession.updateMany({ where: { id }, data: { firewalled } });
  }

  /**
   * Records when each session last sent a heartbeat, for every live session of this node in one
   * statement: heartbeats are batched, not written one by one. Returns the ids that have no row.
   */
  async recordHeartbeats(heartbeats: Array<{ id: string; at: Date }>): Promise<string[]> {
    if (heartbeats.length === 0) return [];
    const ids = heartbeats.map((heartbeat) => heartbeat.id);
    const times = heartbeats.map((heartbeat) => heartbeat.at.toISOString());
    // Returns the sessions that no longer exist (ended elsewhere), so their sockets can be closed.
    const missing = await this.prisma.$queryRaw<Array<{ id: string }>>`
      WITH h AS (SELECT * FROM unnest(${ids}::uuid[], ${times}::timestamptz[]) AS h(id, at)),
      renewed AS (
        UPDATE peer_sessions s SET last_seen_at = h.at FROM h WHERE s.id = h.id AND s.last_seen_at < h.at RETURNING s.id
      )
      SELECT h.id::text FROM h WHERE NOT EXISTS (SELECT 1 FROM peer_sessions s WHERE s.id = h.id)`;
    return missing.map((row) => row.id);
  }

  /**
   * Ends sessions: their share lists are detached (kept for a while for a reconnect offering the
   * same digest), then the sessions are deleted. Either way their files leave search at once.
   */
  async remove(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.prisma.$transaction([
      this.prisma.$executeRaw`UPDATE share_lists SET session_id = NULL, detached_at = now() WHERE session_id = ANY(${ids}::uuid[])`,
      this.prisma.$executeRaw`DELETE FROM peer_sessions WHERE id = ANY(${ids}::uuid[])`,
    ]);
  }

  async expiredIds(leaseMs: number): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<Array<{ id: string }>>`
      SELECT id FROM peer_sessions WHERE last_seen_at < now() - ${leaseMs} * interval '1 millisecond'`;
    return rows.map((row) => row.id);
  }

  async idsOfNodes(nodeIds: string[]): Promise<string[]> {
    if (nodeIds.length === 0) return [];
    const rows = await this.prisma.peerSession.findMany({ where: { nodeId: { in: nodeIds } }, select: { id: true } });
    return rows.map((row) => row.id);
  }

  async idsOfUser(userId: string): Promise<string[]> {
    const rows = await this.prisma.peerSession.findMany({ where: { userId }, select: { id: true } });
    return rows.map((row) => row.id);
  }

  find(id: string) {
    return this.prisma.peerSession.findUnique({ where: { id } });
  }

  /** A page of online sessions for moderators, newest first (keyset on connected_at, id). */
  async page(after: { connectedAt: Date; id: string } | undefined, limit: number, leaseMs: number) {
    const onlineSince = new Date(Date.now() - leaseMs);
    const afterCondition = after ? Prisma.sql`AND (s.connected_at, s.id) < (${after.connectedAt}, ${after.id}::uuid)` : Prisma.empty;
    return this.prisma.$queryRaw<SessionRow[]>`
      SELECT s.id, s.user_id, u.username, s.address, s.firewalled, l.file_count, l.total_bytes, s.connected_at, s.last_seen_at
      FROM peer_sessions s
      JOIN users u ON u.id = s.user_id
      LEFT JOIN share_lists l ON l.session_id = s.id
      WHERE s.last_seen_at > ${onlineSince} ${afterCondition}
      ORDER BY s.connected_at DESC, s.id DESC
      LIMIT ${limit}`;
  }

  async countOnline(leaseMs: number): Promise<{ sessions: number; files: number }> {
    const onlineSince = new Date(Date.now() - leaseMs);
    const [row] = await this.prisma.$queryRaw<Array<{ sessions: number; files: number }>>`
      SELECT count(*)::int AS sessions, coalesce(sum(l.file_count), 0)::int AS files
      FROM peer_sessions s LEFT JOIN share_lists l ON l.session_id = s.id
      WHERE s.last_seen_at > ${onlineSince}`;
    return row ?? { sessions: 0, files: 0 };
  }
}
