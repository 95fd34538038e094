/** A failure the user can act on: printed as one line, exit code 1. */
export class CliError extends Error {
  /** with --json: fields printed beside `error` (e.g. the outcome of a failed download) */
  readonly details?: Record<string, unknown>;

  constructor(message: string, options: { details?: Record<string, unknown> } = {}) {
    super(message);
    this.details = options.details;
  }
}

/** Wrong arguments: printed in one line with a pointer to the help, exit code 2. */
export class UsageError extends Error {}

/** The user stopped the command (Ctrl-C): printed in one line, exit code 130 as for SIGINT. */
export class InterruptedError extends CliError {
  static readonly exitCode = 130;
}
