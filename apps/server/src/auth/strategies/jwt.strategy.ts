import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AppConfig } from '../../config/app-config.js';
import { AuthenticationError } from '../../common/errors.js';
import { UsersService } from '../../users/users.service.js';
import type { AuthUser } from '../auth-user.js';
import { TokenService } from '../token.service.js';

/**
 * Bearer access tokens. The user and the login are checked on every request so that a ban, a role
 * change, a deleted account or a sign-out takes effect at once rather than when the token expires.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    config: AppConfig,
    private readonly users: UsersService,
    private readonly tokens: TokenService,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: config.requireJwtSecret(),
      algorithms: ['HS256'],
    });
  }

  async validate(payload: unknown): Promise<AuthUser> {
    const claims = this.tokens.parseClaims(payload);
    // The account first, so that a banned user learns of the ban rather than of the sign-out it caused.
    const user = await this.users.requireActive(claims.sub);
    if (!user) throw new AuthenticationError('Account no longer exists');
    await this.tokens.assertSignedIn(claims.fam);
    return { id: user.id, username: user.username, role: user.role, familyId: claims.fam, via: 'access-token' };
  }
}
