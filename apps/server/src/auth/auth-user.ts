import { z } from 'zod';
import { RoleSchema, type Role } from '#contracts';

/** Who is calling, as established by the access guard; `request.user` and `socket.data.user`. */
export interface AuthUser {
  id: string;
  username: string;
  role: Role;
  /** refresh-token family of the login this access token came from; absent for API keys */
  familyId?: string;
  via: 'access-token' | 'api-key';
}

/**
 * What an access token must carry. A token is only signed by this server, but its claims are still
 * checked before any of them reaches a query: a leaked secret or an old token format must be a
 * 401, never a database error.
 */
export const AccessTokenClaimsSchema = z.object({
  sub: z.uuid(),
  role: RoleSchema,
  /** the login family (refresh_tokens.family_id) this token was issued to */
  fam: z.uuid(),
  typ: z.literal('access'),
});
export type AccessTokenClaims = z.infer<typeof AccessTokenClaimsSchema>;
