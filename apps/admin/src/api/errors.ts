import type { ErrorBody } from '@contracts/errors';

/**
 * A failed API call, carrying the server's {statusCode, error, message}. `unavailable` marks an
 * endpoint this server does not have (yet): a 404 for the route itself rather than for a record.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly unavailable: boolean;

  constructor(body: ErrorBody) {
    super(body.message);
    this.name = 'ApiError';
    this.status = body.statusCode;
    this.unavailable = body.statusCode === 404 && /^Cannot (GET|POST|PUT|PATCH|DELETE) /.test(body.message);
  }
}

/** The server could not be reached at all. */
export class NetworkError extends Error {
  constructor(cause: unknown) {
    super(`Cannot reach the server (${cause instanceof Error ? cause.message : String(cause)})`);
    this.name = 'NetworkError';
  }
}

export async function errorFromResponse(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as Partial<ErrorBody>;
    if (typeof body.message === 'string' && typeof body.statusCode === 'number') {
      return new ApiError({ statusCode: body.statusCode, error: body.error ?? response.statusText, message: body.message });
    }
  } catch {
    // not JSON: a proxy's error page, for example
  }
  return new ApiError({ statusCode: response.status, error: response.statusText, message: `${response.status} ${response.statusText}` });
}

export function describeError(error: unknown): string {
  if (error instanceof ApiError && error.unavailable) return 'This server does not offer this feature yet.';
  return error instanceof Error ? error.message : String(error);
}
