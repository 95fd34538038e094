import { type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { AuthenticationError } from '../../common/errors.js';
import { IS_PUBLIC } from '../decorators.js';

/** Global: every route needs a valid access token unless marked @Public(). */
@Injectable()
export class AccessGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(context: ExecutionContext) {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    return isPublic ? true : super.canActivate(context);
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
