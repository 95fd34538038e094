import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Role } from '#contracts';
import { AppConfig } from '../config/app-config.js';
import type { Prisma } from '../generated/prisma/client.js';
import { AuthenticationError } from '../common/errors.js';
import { AccessTokenClaimsSchema, type AccessTokenClaims } from './auth-user.js';
import { LoginSockets } from './login-sockets.js';
import { RefreshTokenRepository } from './refresh-token.repository.js';

export interface TokenPair {
  accessToken: string;
  accessTokenExpiresIn: number;
  refreshToken: string;
}

export const SIGNED_OUT = 'This login has been signed out; sign in again';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Short-lived access tokens (JWT, HS256) and rotating refresh tokens. A refresh token is
 * `<id>.<secret>`: the id finds the row, the secret is compared by hash. Each rotation spends the
 * presented token; presenting a spent one again means it was copied, so the whole family (every
 * token descended from that login) is revoked.
 */
@Injectable()
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
    private readonly refreshTokens: RefreshTokenRepository,
    private readonly sockets: LoginSockets,
  ) {}

  async issue(user: { id: string; role: Role }, familyId: string = randomUUID()): Promise<TokenPair> {
    const claims: AccessTokenClaims = { sub: user.id, role: user.role, fam: familyId, typ: 'access' };
    const expiresIn = Math.floor(this.config.accessTokenTtlMs / 1000);
    const accessToken = await this.jwt.signAsync(claims, { expiresIn });
    const id = randomUUID();
    const secret = randomBytes(32).toString('base64url');
    await this.refreshTokens.create({
      id,
      userId: user.id,
      familyId,
      secretHash: hashSecret(secret),
      expiresAt: new Date(Date.now() + this.config.refreshTokenTtlMs),
    });
    return { accessToken, accessTokenExpiresIn: expiresIn, refreshToken: `${id}.${secret}` };
  }

  /** Spends a refresh token; returns whose it was and its family, or throws 401. */
  async spend(refreshToken: string): Promise<{ userId: string; familyId: string }> {
    const token = await this.find(refreshToken);
    if (token.revokedAt) throw new AuthenticationError('Refresh token has been revoked');
    if (token.expiresAt.getTime() <= Date.now()) throw new AuthenticationError('Refresh token has expired');
    // A second request racing with the same token loses markRotated and counts as reuse too.
    if (token.rotatedAt || !(await this.refreshTokens.markRotated(token.id))) {
      await this.refreshTokens.revokeFamily(token.familyId);
      await this.sockets.endLogin(token.familyId, SIGNED_OUT);
      throw new AuthenticationError('Refresh token was already used; every session from that login has been signed out');
    }
    return { userId: token.userId, familyId: token.familyId };
  }

  /** Whose refresh token this is, spent or revoked alike; undefined when it names none. */
  async ownerOf(refreshToken: string): Promise<string | undefined> {
    return (await this.find(refreshToken).catch(() => undefined))?.userId;
  }

  /**
   * Logout: ends the login the token belongs to, its access tokens and its peer sockets on every
   * node. Unknown or spent tokens are not an error.
   */
  async revoke(refreshToken: string): Promise<void> {
    const token = await this.find(refreshToken).catch(() => undefined);
    if (!token) return;
    await this.refreshTokens.revokeFamily(token.familyId);
    await this.sockets.endLogin(token.familyId, SIGNED_OUT);
  }

  /** Every login of the user but `exceptFamilyId`; pass the caller's transaction to commit with it. */
  async revokeAllForUser(userId: string, exceptFamilyId?: string, db?: Prisma.TransactionClient): Promise<void> {
    await this.refreshTokens.revokeAllForUser(userId, exceptFamilyId, db);
  }

  /** Checks the signature and expiry, the claims, and that the login is still signed in. */
  async verifyAccessToken(token: string): Promise<AccessTokenClaims> {
    const payload = await this.jwt.verifyAsync<object>(token).catch((error: Error) => {
      throw new AuthenticationError(error.name === 'TokenExpiredError' ? 'Access token has expired' : 'Invalid access token');
    });
    const claims = this.parseClaims(payload);
    await this.assertSignedIn(claims.fam);
    return claims;
  }

  /** The claims of a token whose signature was verified: their shape, checked before any is used. */
  parseClaims(payload: unknown): AccessTokenClaims {
    const parsed = AccessTokenClaimsSchema.safeParse(payload);
    if (!parsed.success) throw new AuthenticationError('Invalid access token');
    return parsed.data;
  }

  /**
   * Refuses an access token whose login was signed out since it was issued. Checked in the
   * database on every use, so a logout takes effect at once on every node.
   */
  async assertSignedIn(familyId: string): Promise<void> {
    if (await this.isSignedOut(familyId)) throw new AuthenticationError(SIGNED_OUT);
  }

  isSignedOut(familyId: string): Promise<boolean> {
    return this.refreshTokens.isFamilyRevoked(familyId);
  }

  private async find(refreshToken: string) {
    const [id, secret] = refreshToken.split('.');
    if (!id || !secret || !UUID.test(id)) throw new AuthenticationError('Invalid refresh token');
    const token = await this.refreshTokens.findById(id);
    if (!token || !sameHash(token.secretHash, hashSecret(secret))) throw new AuthenticationError('Invalid refresh token');
    return token;
  }
}

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

function sameHash(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}
