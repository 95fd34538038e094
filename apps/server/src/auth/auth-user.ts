import type { Role } from '#contracts';

/** Who is calling, as established by the access guard; `request.user` and `socket.data.user`. */
export interface AuthUser {
  id: string;
  username: string;
  role: Role;
  /** refresh-token family of the login this access token came from; absent for API keys */
  familyId?: string;
  via: 'access-token' | 'api-key';
}

export interface AccessTokenClaims {
  sub: string;
  role: Role;
  fam: string;
  typ: 'access';
}
