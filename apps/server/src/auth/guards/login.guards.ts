import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import { LoginRequestSchema } from '#contracts';
import { InvalidInputError } from '../../common/errors.js';
import { parseInput } from '../../common/zod-dto.js';
import { CredentialLimits } from '../credential-limits.js';

const addressOf = (request: Request) => request.ip ?? 'unknown';

/** Registrations, counted per client address (limits in AppConfig). */
@Injectable()
export class RegisterRateLimitGuard implements CanActivate {
  constructor(private readonly limits: CredentialLimits) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    await this.limits.beforeRegister(addressOf(context.switchToHttp().getRequest<Request>()));
    return true;
  }
}

/**
 * Passport's local strategy, behind the same body validation as every other route (passport-local
 * would otherwise answer a missing field with a bare 401) and the sign-in limits.
 */
@Injectable()
export class LocalAuthGuard extends AuthGuard('local') {
  constructor(private readonly limits: CredentialLimits) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    const { username } = parseInput(LoginRequestSchema, request.body, 'body');
    await this.limits.beforeLogin(addressOf(request), username);
    const signedIn = (await super.canActivate(context)) as boolean;
    if (signedIn) await this.limits.loginSucceeded(addressOf(request), username);
    return signedIn;
  }

  override handleRequest<TUser>(error: unknown, user: TUser | false): TUser {
    if (error) throw error;
    if (!user) throw new InvalidInputError([], 'username and password are required');
    return user;
  }
}
