import type { ErrorBody } from '@contracts/errors';

/** A refusal from the peer (or from the directory server, passed on), with its message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/**
 * The peer's local API. The browser sends the HttpOnly cookie that `peerdex ui` set; the page's
 * origin goes with every POST, which is how the peer tells its own page from other sites'.
 */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'The peer does not answer: is `peerdex up` still running?');
  }
  const text = await response.text();
  const parsed = text ? (JSON.parse(text) as unknown) : undefined;
  if (!response.ok) {
    const error = parsed as Partial<ErrorBody> | undefined;
    throw new ApiError(response.status, error?.message ?? `The peer answered ${response.status}`);
  }
  return parsed as T;
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
