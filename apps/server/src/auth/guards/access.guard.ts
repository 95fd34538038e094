import { type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import { presentedApiKey } from '../../api-keys/api-key.strategy.js';
import { AuthenticationError, BannedError } from '../../common/errors.js';
import { isDatabaseUnavailable } from '../../database/database-unavailable.js';
import type { PeerSocket } from '../../realtime/peer-socket.js';
import { UsersService } from '../../users/users.service.js';
import { ALLOWS_API_KEY, IS_PUBLIC } from '../decorators.js';
import { LoginSockets } from '../login-sockets.js';
import { SIGNED_OUT, TokenService } from '../token.service.js';

/** Passport's API-key strategy behind the same error mapping as the token one. */
@Injectable()
class ApiKeyGuard extends AuthGuard('api-key') {
  override handleRequest<TUser>(error: unknown, user: TUser | false): TUser {
    if (error) throw error;
    if (!user) throw new AuthenticationError('Invalid API key');
    return user;
  }
}

/**
 * Global: every route needs a valid access token unless marked @Public(); routes marked
 * @AllowApiKey() also take a personal API key.
 */
@Injectable()
export class AccessGuard extends AuthGuard('jwt') {
  private readonly apiKeyGuard = new ApiKeyGuard();

  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly sockets: LoginSockets,
    private readonly users: UsersService,
  ) {
    super();
  }

  override canActivate(context: ExecutionContext) {
    // Peer sockets authenticate once, in the handshake (PresenceGateway); their events never
    // reach a handler unless that succeeded.
    if (context.getType() === 'ws') return this.socketStillSignedIn(context.switchToWs().getClient<PeerSocket>());
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const apiKey = presentedApiKey(context.switchToHttp().getRequest<Request>());
    if (apiKey !== undefined) {
      if (!this.reflector.getAllAndOverride<boolean>(ALLOWS_API_KEY, targets)) {
        throw new AuthenticationError('API keys are accepted by the search API only; use an access token here');
      }
      return this.apiKeyGuard.canActivate(context);
    }
    return super.canActivate(context);
  }

  /**
   * A signed-out login's sockets are disconnected by broadcast; should one miss it (joining its
   * rooms as the logout ran, or a node cut off from the others), its next event ends it here.
   */
  private async socketStillSignedIn(socket: PeerSocket): Promise<boolean> {
    const user = socket.data?.user;
    if (!user?.familyId) return true;
    // A guard's error never reaches the acknowledgement: while the database is away, let the event
    // through, so a heartbeat still counts and anything needing the database answers 503 itself.
    const signedOut = await this.tokens.isSignedOut(user.familyId).catch((error: unknown) => {
      if (isDatabaseUnavailable(error)) return false;
      throw error;
    });
    if (!signedOut) return true;
    // A ban signs every login out too; then the ban, with its reason, is what the peer should hear.
    const ban = await this.users.requireActive(user.id).then(
      () => undefined,
      (error: unknown) => (error instanceof BannedError ? error : undefined),
    );
    this.sockets.endSocket(socket, ban?.message ?? SIGNED_OUT, ban ? 'banned' : 'signed-out');
    return false;
  }

  override handleRequest<TUser>(error: unknown, user: TUser | false, info: unknown): TUser {
    if (error) throw error;
    if (user) return user;
    throw new AuthenticationError(describeTokenFailure(info));
  }
}

/** passport-jwt reports why it refused a token through `info`. */
export function describeTokenFailure(info: unknown): string {
  const name = info instanceof Error ? info.name : undefined;
  if (name === 'TokenExpiredError') return 'Access token has expired';
  if (info instanceof Error && /no auth token/i.test(info.message)) return 'Missing bearer token (Authorization: Bearer <access token>)';
  return 'Invalid access token';
}
