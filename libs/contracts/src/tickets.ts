import { z } from 'zod';
import { Sha256Schema } from './files.js';

/**
 * A ticket is the server's signed permission for one user to fetch one file from the named source
 * sessions: a JWT signed with Ed25519 (alg "EdDSA", with a `kid` header). Peers verify tickets
 * offline with the server's public keys (GET /api/v1/ticket-keys, a JWKS) and refuse requests
 * whose ticket is missing, expired, for another hash, or does not name them as a source.
 */
export const TICKET_ISSUER = 'peerdex';
export const TICKET_ALGORITHM = 'EdDSA';

export const TicketClaimsSchema = z.object({
  iss: z.literal(TICKET_ISSUER),
  typ: z.literal('ticket'),
  /** ticket id; also the push id of a firewalled delivery */
  jti: z.uuid(),
  /** downloader's user id and name */
  sub: z.uuid(),
  dun: z.string(),
  /** downloader's peer session, when the request came from a connected peer */
  dsn: z.uuid().optional(),
  sha: Sha256Schema,
  size: z.number().int().min(0),
  /** sessions that may serve this ticket */
  src: z.array(z.uuid()).min(1),
  /** set on tickets for a push delivery: the session that must receive the upload */
  push: z.uuid().optional(),
  iat: z.number().int(),
  exp: z.number().int(),
});
export type TicketClaims = z.infer<typeof TicketClaimsSchema>;

/** GET /api/v1/ticket-keys: the public half of every key tickets may be signed with. */
export const TicketKeySetSchema = z.object({
  keys: z.array(
    z.object({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: z.string(), kid: z.string(), alg: z.literal('EdDSA'), use: z.literal('sig') }),
  ),
});
export type TicketKeySet = z.infer<typeof TicketKeySetSchema>;
