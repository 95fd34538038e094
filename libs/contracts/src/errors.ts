import { z } from 'zod';

/** The one shape of every error the server returns, over REST and in socket acknowledgements. */
export const ErrorBodySchema = z.object({
  statusCode: z.number().int(),
  error: z.string(),
  message: z.string(),
  /** on 429 (rate limited) and 503 (database unavailable, server overloaded): seconds to wait before trying again (REST also sends Retry-After) */
  retryAfter: z.number().int().positive().optional(),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;
