import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import { LoginRequestSchema } from '#contracts';
import { InvalidInputError } from '../../common/errors.js';
import { parseInput } from '../../common/zod-dto.js';
import { RateLimitService } from '../../rate-limit/rate-limit.service.js';

export const AUTH_BY_IP = 'auth-ip';
export const AUTH_BY_USERNAME = 'auth-username';

/** Register and login attempts, counted per client IP and per username (limits in AppConfig). */
@Injectable()
export class AuthRateLimitGuard implements CanActivate {
  constructor(private readonly limits: RateLimitService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    await this.limits.consume(AUTH_BY_IP, request.ip ?? 'unknown');
    const username = (request.body as { username?: unknown } | undefined)?.username;
    if (typeof username === 'string') await this.limits.consume(AUTH_BY_USERNAME, username.toLowerCase());
    return true;
  }
}

/**
 * Passport's local strategy, behind the same body validation as every other route: passport-local
 * would otherwise answer a missing field with a bare 401.
 */
@Injectable()
export class LocalAuthGuard extends AuthGuard('local') {
  override canActivate(context: ExecutionContext) {
    parseInput(LoginRequestSchema, context.switchToHttp().getRequest<Request>().body, 'body');
    return super.canActivate(context);
  }

  override handleRequest<TUser>(error: unknown, user: TUser | false): TUser {
    if (error) throw error;
    if (!user) throw new InvalidInputError([], 'username and password are required');
    return user;
  }
}
