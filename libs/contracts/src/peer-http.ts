import { z } from 'zod';
import { Sha256Schema } from './files.js';

/**
 * The HTTP endpoint every peer serves (docs/protocol.md). Requests for files carry a ticket:
 * `Authorization: Bearer <ticket>`.
 *
 *   GET  /healthz                    → 200 {status: "ok"}; the server's reachability probe
 *   GET  /files/:sha256              → the file; one Range (206/416, RFC 9110); ETag "<sha256>";
 *                                      Content-Disposition naming the file; 401 with WWW-Authenticate: Bearer
 *   HEAD /files/:sha256              → headers only
 *   GET  /files/:sha256/pieces       → PieceList
 *   PUT  /push/:ticketId             → a firewalled uploader delivering a file (transfer:push)
 */
export const PEER_PATHS = {
  health: '/healthz',
  file: (sha256: string) => `/files/${sha256}`,
  pieces: (sha256: string) => `/files/${sha256}/pieces`,
  push: (ticketId: string) => `/push/${ticketId}`,
} as const;

export const PieceListSchema = z.object({
  sha256: Sha256Schema,
  size: z.number().int().min(0),
  pieceSize: z.number().int().positive(),
  /** hex SHA-256 of each piece, in order */
  pieces: z.array(z.string().regex(/^[0-9a-f]{64}$/)),
});
export type PieceList = z.infer<typeof PieceListSchema>;

