import { z } from 'zod';

/** The one shape of every error the server returns, over REST and in socket acknowledgements. */
export const ErrorBodySchema = z.object({
  statusCode: z.number().int(),
  error: z.string(),
  message: z.string(),
  /** seconds to wait before trying again; set on 429 (rate limited) and 503 (database unavailable) */
  retryAfter: z.number().int().positive().optional(),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;
