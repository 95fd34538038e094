import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { PrismaService } from '../database/prisma.service.js';
import { Prisma } from '../generated/prisma/client.js';
import { notBlamedForGrant } from '../transfers/source-blames.repository.js';

export interface PartialSourceRow {
  sessionId: string;
  userId: string;
  username: string;
  address: string;
  bitfield: string;
}

/**
 * Partial sources live in PostgreSQL (partial_sources), as presence does: behind a load balancer
 * the node answering a grant is rarely the one holding the partial source's socket, and every
 * node reads the same rows. Rows cascade away with their session.
 */
@Injectable()
export class SwarmRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
  ) {}

  /** Records (or replaces) a download; false when the session already has `limit` others. */
  async announce(sessionId: string, file: { sha256: string; size: number; pieceRoot: string; bitfield: Buffer }, limit: number): Promise<boolean> {
    const rows = await this.prisma.$queryRaw<Array<{ session_id: string }>>`
      INSERT INTO partial_sources (session_id, sha256, size, piece_root, bitfield, updated_at)
      SELECT ${sessionId}::uuid, ${file.sha256}, ${file.size}, ${file.pieceRoot}, ${file.bitfield}, now()
      WHERE (SELECT count(*) FROM partial_sources WHERE session_id = ${sessionId}::uuid AND sha256 <> ${file.sha256}) < ${limit}
      ON CONFLICT (session_id, sha256) DO UPDATE
        SET size = excluded.size, piece_root = excluded.piece_root, bitfield = excluded.bitfield, updated_at = now()
      RETURNING session_id::text`;
    return rows.length > 0;
  }

  /** Replaces the bitfield of an announced download of the same size; false when there is none. */
  async have(sessionId: string, file: { sha256: string; size: number; bitfield: Buffer }): Promise<boolean> {
    const updated = await this.prisma.$executeRaw`
      UPDATE partial_sources SET bitfield = ${file.bitfield}, updated_at = now()
      WHERE session_id = ${sessionId}::uuid AND sha256 = ${file.sha256} AND size = ${file.size}`;
    return updated > 0;
  }

  async leave(sessionId: string, sha256: string): Promise<boolean> {
    const deleted = await this.prisma.$executeRaw`DELETE FROM partial_sources WHERE session_id = ${sessionId}::uuid AND sha256 = ${sha256}`;
    return deleted > 0;
  }

  /**
   * Reachable sessions online now that are downloading this very file (same size and piece root)
   * and have at least one piece, in random order so that the load spreads over the swarm; without
   * `exclude`d sessions and without sessions blamed for the hash (as for complete sources).
   */
  async partialSources(file: { sha256: string; size: number; pieceRoot: string }, downloaderId: string, exclude: string[], limit: number): Promise<PartialSourceRow[]> {
    const onlineSince = new Date(Date.now() - this.config.presenceLeaseMs);
    const rows = await this.prisma.$queryRaw<Array<{ session_id: string; user_id: string; username: string; address: string; bitfield: Buffer }>>`
      SELECT p.session_id, s.user_id, u.username, s.address, p.bitfield
      FROM partial_sources p
      JOIN peer_sessions s ON s.id = p.session_id
      JOIN users u ON u.id = s.user_id
      WHERE p.sha256 = ${file.sha256} AND p.size = ${file.size} AND p.piece_root = ${file.pieceRoot}
        AND s.last_seen_at > ${onlineSince} AND NOT s.firewalled AND s.address IS NOT NULL
        AND p.session_id <> ALL(${exclude}::uuid[])
        AND p.bitfield <> decode(repeat('00', length(p.bitfield)), 'hex')
        AND ${notBlamedForGrant(Prisma.raw('p.session_id'), Prisma.raw('p.sha256'), downloaderId)}
      ORDER BY random()
      LIMIT ${limit}`;
    return rows.map((row) => ({
      sessionId: row.session_id,
      userId: row.user_id,
      username: row.username,
      address: row.address,
      bitfield: Buffer.from(row.bitfield).toString('base64'),
    }));
  }
}
