import type { FieldIssue } from '#contracts';

/**
 * Errors services throw. They say what went wrong in domain terms; HttpErrorFilter (REST) and the
 * socket acknowledgement mapper turn them into status codes, in one place each.
 */
export abstract class DomainError extends Error {
  abstract readonly status: number;
}

export class InvalidInputError extends DomainError {
  readonly status = 400;
  constructor(readonly issues: FieldIssue[], message?: string) {
    super(message ?? issues.map(({ field, message: text }) => (field ? `${field}: ${text}` : text)).join('; '));
  }
}

export class AuthenticationError extends DomainError {
  readonly status = 401;
}

export class ForbiddenError extends DomainError {
  readonly status = 403;
}

export class BannedError extends ForbiddenError {
  constructor(readonly reason: string, readonly until: Date | null) {
    super(`Account banned${until ? ` until ${until.toISOString()}` : ' permanently'}: ${reason}`);
  }
}

export class NotFoundError extends DomainError {
  readonly status = 404;
}

export class ConflictError extends DomainError {
  readonly status = 409;
}

export class RateLimitedError extends DomainError {
  readonly status = 429;
  constructor(readonly retryAfterSeconds: number, what = 'Too many requests') {
    super(`${what}; retry in ${retryAfterSeconds} s`);
  }
}

/** A cap on what one account may hold at once (peer sessions): waiting alone frees nothing. */
export class LimitExceededError extends DomainError {
  readonly status = 429;
}

/** The server is too busy to take this now; the client should retry after `retryAfterSeconds`. */
export class OverloadedError extends DomainError {
  readonly status = 503;
  constructor(readonly retryAfterSeconds: number, what: string) {
    super(`${what}; retry in ${retryAfterSeconds} s`);
  }
}
