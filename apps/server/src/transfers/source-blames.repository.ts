import { Injectable } from '@nestjs/common';
import { BLAMES_TO_DELIST } from '#contracts';
import { AppConfig } from '../config/app-config.js';
import { PrismaService } from '../database/prisma.service.js';
import { Prisma } from '../generated/prisma/client.js';

/**
 * The grant rule of blame delisting, as SQL: the session in `sessionColumn` is offered as a source
 * of the hash in `shaColumn` to `downloaderId` unless BLAMES_TO_DELIST downloaders, or this one,
 * blamed it. The columns are the caller's fixed expressions (Prisma.raw), never input.
 */
export function notBlamedForGrant(sessionColumn: Prisma.Sql, shaColumn: Prisma.Sql, downloaderId: string): Prisma.Sql {
  return Prisma.sql`NOT EXISTS (
    SELECT FROM source_blames b WHERE b.session_id = ${sessionColumn} AND b.sha256 = ${shaColumn}
    HAVING count(*) >= ${BLAMES_TO_DELIST} OR bool_or(b.reporter_id = ${downloaderId}::uuid))`;
}

/**
 * Blames: downloaders' reports that a source session sent corrupt data for a file. What they
 * change — which sessions grants and searches skip — is decided in SQL where sources are picked
 * (TransfersRepository.onlineSources, search's findSources) from BLAMES_TO_DELIST.
 */
@Injectable()
export class SourceBlamesRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
  ) {}

  /**
   * Records `reporterId`'s blames of `sessionIds` for `sha256`, keeping only sessions that one of
   * the reporter's own tickets for that file named (no one can blame a session they were never
   * sent to), and not the reporter's own. A repeated blame counts once. Returns the sessions blamed.
   */
  async record(reporterId: string, sha256: string, sessionIds: string[]): Promise<string[]> {
    if (sessionIds.length === 0) return [];
    const rows = await this.prisma.$queryRaw<Array<{ session_id: string }>>`
      INSERT INTO source_blames (session_id, sha256, reporter_id, source_user_id)
      SELECT DISTINCT named.session_id, ${sha256}, ${reporterId}::uuid, s.user_id
      FROM transfers t
      CROSS JOIN LATERAL unnest(t.source_ids) AS named(session_id)
      JOIN peer_sessions s ON s.id = named.session_id
      WHERE t.user_id = ${reporterId}::uuid AND t.sha256 = ${sha256}
        AND named.session_id = ANY(${sessionIds}::uuid[]) AND s.user_id <> ${reporterId}::uuid
      ON CONFLICT DO NOTHING
      RETURNING session_id`;
    return rows.map((row) => row.session_id);
  }

  /** For moderators: blames filed in the last day, and online sessions delisted for a file now. */
  async stats(): Promise<{ lastDay: number; delistedSources: number }> {
    const onlineSince = new Date(Date.now() - this.config.presenceLeaseMs);
    const [row] = await this.prisma.$queryRaw<Array<{ last_day: number; delisted: number }>>`
      SELECT
        (SELECT count(*) FROM source_blames WHERE created_at > now() - interval '1 day')::int AS last_day,
        (SELECT count(*) FROM (
          SELECT 1 FROM source_blames b JOIN peer_sessions s ON s.id = b.session_id
          WHERE s.last_seen_at > ${onlineSince}
          GROUP BY b.session_id, b.sha256
          HAVING count(*) >= ${BLAMES_TO_DELIST}
        ) AS delisted)::int AS delisted`;
    return { lastDay: row?.last_day ?? 0, delistedSources: row?.delisted ?? 0 };
  }
}
