import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { z } from 'zod';
import { safeParse } from '#contracts';
import { InvalidInputError } from '../common/errors.js';

/**
 * The event's payload, validated against a contracts schema (400 in the acknowledgement otherwise).
 * The schema is captured in a closure rather than passed as decorator data: Nest takes any data
 * with a `transform` method, as zod schemas have, for a pipe.
 */
export const ValidPayload = (schema: z.ZodType) =>
  createParamDecorator((_data: unknown, context: ExecutionContext) => {
    const payload: unknown = context.switchToWs().getData();
    if (payload === undefined || payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
      throw new InvalidInputError([], 'payload must be an object');
    }
    const result = safeParse(schema, payload);
    if (!result.ok) throw new InvalidInputError(result.issues);
    return result.value;
  })();

/** The socket's authenticated context (set by the handshake middleware). */
export const PeerContext = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  return context.switchToWs().getClient<{ data: unknown }>().data;
});
