import { z } from 'zod';

/**
 * Socket.IO handshake of a peer: io(server + '/peer', { auth: PeerHandshake }).
 * `port` is the peer's HTTP endpoint port on the address the server sees the socket come from;
 * `url` names the endpoint instead (a host name, https, a forwarded port). The server binds it to
 * the socket's address: a URL whose host is neither that address nor a name resolving to it is
 * recorded as the same scheme and port on the socket's address (docs/protocol.md).
 */
export const PeerHandshakeSchema = z.object({
  token: z.string({ error: 'auth.token is required: an access token from /api/v1/auth/login' }).min(1).max(4096),
  port: z.coerce.number().int().min(1).max(65535).optional(),
  url: z
    .url({ protocol: /^https?$/, error: 'auth.url must be an http(s) URL' })
    .max(2048)
    .optional(),
  /** digest the peer computed over the share list it is about to publish (docs/protocol.md); the server only compares it */
  shareDigest: z.string().regex(/^[0-9a-f]{64}$/).optional(),
});
export type PeerHandshake = z.infer<typeof PeerHandshakeSchema>;

export interface PeerReady {
  sessionId: string;
  /** base URL other peers use to reach this one, or null when it advertised no endpoint */
  address: string | null;
  /** true when the server could not reach the advertised address (or may not probe it: PEER_PRIVATE_ADDRESSES) */
  firewalled: boolean;
  /** true when the server still held a list with the offered digest: no share:sync needed */
  shareListRestored: boolean;
  fileCount: number;
  /** send peer:heartbeat at least this often (ms); a silent session is dropped */
  heartbeatIntervalMs: number;
}

/**
 * Why the server ended a session: `kicked` by a moderator, `banned`, and `signed-out` (the login
 * the socket's token came from was signed out) are final (a peer should not reconnect on its own);
 * `expired` (no heartbeat recorded within the lease, or the session was swept) is not: the peer
 * should connect again and publish.
 */
export type SessionEndCause = 'kicked' | 'banned' | 'signed-out' | 'expired';

export interface SessionEnded {
  reason: string;
  cause?: SessionEndCause;
}
