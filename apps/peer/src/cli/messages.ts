/**
 * Messages from the server and the system, put in the words of the command line: the server names
 * fields as its API does (`q`, `minSize`), the user typed words and options.
 */
const FIELD_NAMES: Record<string, string> = {
  q: 'search words',
  ext: '--ext',
  type: '--type',
  minSize: '--min-size',
  maxSize: '--max-size',
  limit: '--limit',
  reason: '--reason',
  username: 'username',
  password: 'password',
  newPassword: 'new password',
  currentPassword: 'current password',
  name: 'name',
};

/** "q: needs at least one word" → "search words: needs at least one word" */
export function inCliTerms(message: string): string {
  return message
    .split('; ')
    .map((part) => part.replace(/^([A-Za-z]+): /, (whole, field: string) => (FIELD_NAMES[field] ? `${FIELD_NAMES[field]}: ` : whole)))
    .join('; ');
}
