import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Role } from '#contracts';

export const IS_PUBLIC = 'peerdex:public';
export const REQUIRED_ROLES = 'peerdex:roles';
export const ALLOWS_API_KEY = 'peerdex:allows-api-key';

/** Opts a route out of the global access guard. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** Lets a route accept a personal API key as well as an access token (the read-only directory API). */
export const AllowApiKey = () => SetMetadata(ALLOWS_API_KEY, true);

/** Restricts a route or controller to these roles (checked after authentication). */
export const Roles = (...roles: Role[]) => SetMetadata(REQUIRED_ROLES, roles);

/** The authenticated caller (request.user). */
export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  return context.switchToHttp().getRequest<{ user?: unknown }>().user;
});
