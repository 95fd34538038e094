/**
 * Runs an assertion and, when it fails, puts `note` (what was being checked: a command line, a
 * path, a response body) above Jest's own message. Jest's expect() takes no message argument.
 */
export function withNote(note: string, assertion: () => void): void {
  try {
    assertion();
  } catch (error) {
    if (error instanceof Error) error.message = `${note}\n\n${error.message}`;
    throw error;
  }
}
