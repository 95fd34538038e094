import { z } from 'zod';

/** The one shape of every error the server returns, over REST and in socket acknowledgements. */
export const ErrorBodySchema = z.object({
  statusCode: z.number().int(),
  error: z.string(),
  message: z.string(),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;
