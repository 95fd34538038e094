/** A failure the user can act on: printed as one line, exit code 1. */
export class CliError extends Error {}

/** Wrong arguments: printed with a hint, exit code 2. */
export class UsageError extends Error {}
