import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Role } from '#contracts';
import { ForbiddenError } from '../../common/errors.js';
import type { AuthUser } from '../auth-user.js';
import { REQUIRED_ROLES } from '../decorators.js';

/** Global, after AccessGuard: enforces @Roles(...) where present. */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, [context.getHandler(), context.getClass()]);
    if (!roles?.length) return true;
    const user =
      context.getType() === 'ws'
        ? context.switchToWs().getClient<{ data?: { user?: AuthUser } }>().data?.user
        : context.switchToHttp().getRequest<{ user?: AuthUser }>().user;
    if (user && roles.includes(user.role)) return true;
    throw new ForbiddenError(`This action requires the ${roles.join(' or ')} role`);
  }
}
