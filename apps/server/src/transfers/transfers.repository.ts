import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { PrismaService } from '../database/prisma.service.js';
import { Prisma } from '../generated/prisma/client.js';
import { notBlamedForGrant } from './source-blames.repository.js';

export interface OnlineSource {
  sessionId: string;
  userId: string;
  username: string;
  address: string | null;
  firewalled: boolean;
  size: number;
  pieceRoot: string | null;
  name: string;
}

@Injectable()
export class TransfersRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
  ) {}

  /**
   * Online sessions sharing a hash, reachable ones first, oldest sessions first; without sessions
   * blamed for this hash by `downloaderId` or by BLAMES_TO_DELIST downloaders (source_blames).
   */
  async onlineSources(sha256: string, downloaderId: string, limit: number): Promise<OnlineSource[]> {
    const onlineSince = new Date(Date.now() - this.config.presenceLeaseMs);
    const rows = await this.prisma.$queryRaw<Array<{ session_id: string; user_id: string; username: string; address: string | null; firewalled: boolean; size: bigint; piece_root: string | null; name: string }>>`
      SELECT DISTINCT ON (s.firewalled, s.connected_at, s.id)
        s.id AS session_id, s.user_id, u.username, s.address, s.firewalled, f.size, f.piece_root, f.name
      FROM shared_files f
      JOIN share_lists l ON l.id = f.list_id AND l.generation = f.generation
      JOIN peer_sessions s ON s.id = l.session_id
      JOIN users u ON u.id = s.user_id
      WHERE f.sha256 = ${sha256} AND s.last_seen_at > ${onlineSince}
        AND ${notBlamedForGrant(Prisma.raw('s.id'), Prisma.raw('f.sha256'), downloaderId)}
      ORDER BY s.firewalled, s.connected_at, s.id
      LIMIT ${limit}`;
    return rows.map((row) => ({
      sessionId: row.session_id,
      userId: row.user_id,
      username: row.username,
      address: row.address,
      firewalled: row.firewalled,
      size: Number(row.size),
      pieceRoot: row.piece_root,
      name: row.name,
    }));
  }

  session(id: string) {
    return this.prisma.peerSession.findUnique({ where: { id }, select: { id: true, address: true, firewalled: true } });
  }

  record(transfer: { id: string; userId: string; sessionId: string | null; sha256: string; size: number; mode: string; sourceIds: string[] }) {
    return this.prisma.transfer.create({ data: { ...transfer, size: BigInt(transfer.size) } });
  }

  /** The ticket a report is about: the one named, or the user's latest for that hash. */
  findForReport(userId: string, sha256: string, ticketId: string | undefined) {
    return this.prisma.transfer.findFirst({
      where: { userId, sha256, ...(ticketId ? { id: ticketId } : {}) },
      orderBy: { issuedAt: 'desc' },
    });
  }

  saveReport(id: string, report: { ok: boolean; bytes: number; sourceSessionId: string | null; badSourceIds: string[]; reason: string | null }) {
    return this.prisma.transfer.update({
      where: { id },
      data: { ...report, bytes: BigInt(report.bytes), reportedAt: new Date() },
    });
  }
}
