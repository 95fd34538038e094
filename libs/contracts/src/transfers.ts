import { z } from 'zod';
import { Sha256Schema } from './files.js';

/** transfer:request (socket) and POST /api/v1/transfers (REST). */
export const TransferRequestSchema = z.strictObject({
  sha256: Sha256Schema,
  /** restrict the ticket to these sources; default: every online source (up to 10) */
  sourceSessionIds: z.array(z.uuid()).min(1).max(10).optional(),
});
export type TransferRequest = z.infer<typeof TransferRequestSchema>;

export interface TransferSource {
  sessionId: string;
  username: string;
  /** base URL of the source's peer endpoint, or null when it is firewalled */
  url: string | null;
  firewalled: boolean;
  /** a peer still downloading the file (swarming): it serves only the pieces in `bitfield` */
  partial: boolean;
  /** partial sources only: the pieces it had verified when it last told the server (see swarm.ts) */
  bitfield?: string;
}

export interface TransferGrant {
  ticket: string;
  ticketId: string;
  expiresAt: string;
  sha256: string;
  size: number;
  pieceRoot: string | null;
  name: string;
  sources: TransferSource[];
  /**
   * "direct": fetch from the reachable `sources`. "push": every source is firewalled and the
   * downloader is reachable, so the server asked one source to PUT the file to the downloader's
   * /push/:ticketId (register the expected push before the request, or at once after).
   * When every source and the downloader are firewalled, the request fails with 409.
   */
  mode: 'direct' | 'push';
}

/**
 * Blame delisting: a source session blamed (transfer:report's badSourceSessionIds) for a file is
 * no longer offered for that file to the downloader who blamed it, at once, and no longer offered
 * nor listed in search for anyone once this many distinct downloaders have blamed it. A blame
 * counts only when one of the reporter's tickets for that file named the session.
 */
export const BLAMES_TO_DELIST = 2;

/** transfer:report: the outcome of a download, for accounting and to flag bad sources. */
export const TransferReportSchema = z.strictObject({
  sha256: Sha256Schema,
  ticketId: z.uuid().optional(),
  bytes: z.number().int().min(0),
  ok: z.boolean(),
  sourceSessionId: z.uuid().optional(),
  /** sources that sent data failing verification */
  badSourceSessionIds: z.array(z.uuid()).max(10).optional(),
  reason: z.string().max(500).optional(),
});
export type TransferReport = z.infer<typeof TransferReportSchema>;

/** Server → uploader: deliver `sha256` to the downloader's push endpoint. */
export interface TransferPush {
  ticket: string;
  ticketId: string;
  sha256: string;
  /** e.g. http://203.0.113.9:6699/push/<ticketId> */
  targetUrl: string;
  downloader: string;
}
