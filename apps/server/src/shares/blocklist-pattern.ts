/**
 * Blocklist name patterns: a glob when it contains * or ? ("*.exe", "setup?.msi") matching the
 * whole file name, otherwise a substring. Both ignore case. The same rule is applied in Node (at
 * publish) and in SQL (purging what is already indexed), so the two must stay in step.
 */
export function isGlob(pattern: string): boolean {
  return /[*?]/.test(pattern);
}

export function patternToRegExp(pattern: string): RegExp {
  if (!isGlob(pattern)) return new RegExp(escapeRegExp(pattern), 'i');
  const body = pattern
    .split('')
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : escapeRegExp(char)))
    .join('');
  return new RegExp(`^${body}$`, 'is');
}

/** The ILIKE pattern for SQL (backslash is PostgreSQL's default LIKE escape). */
export function patternToIlike(pattern: string): string {
  const escaped = pattern.replace(/[\\%_]/g, (char) => `\\${char}`);
  return isGlob(pattern) ? escaped.replaceAll('*', '%').replaceAll('?', '_') : `%${escaped}%`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
