import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ErrorBodySchema } from '#contracts';
import { toJsonSchema } from './zod-dto.js';

const ERROR_BODY = toJsonSchema(ErrorBodySchema);

const REASONS: Record<number, string> = {
  400: 'Invalid input; the message names each bad field',
  401: 'Missing, invalid or expired credentials',
  403: 'Not allowed (role, ban, wrong current password)',
  404: 'Not found',
  409: 'Conflict',
  413: 'Request body too large',
  429: 'Rate limited; see Retry-After',
};

/** Documents the error statuses a route can answer with, all in the shared error shape. */
export const ApiErrors = (...statuses: number[]) =>
  applyDecorators(
    ...statuses.map((status) => ApiResponse({ status, description: REASONS[status] ?? 'Error', schema: ERROR_BODY })),
  );
