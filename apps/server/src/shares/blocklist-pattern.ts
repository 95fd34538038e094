/**
 * Blocklist name patterns: a glob when it contains * or ? ("*.exe", "setup?.msi") matching the
 * whole file name, otherwise a substring. Both ignore case. The same rule is applied in Node (at
 * publish) and in SQL (purging what is already indexed), so the two must stay in step.
 *
 * Globs are matched without regular expressions: a backtracking engine takes exponential time on
 * patterns like `*a*a*a*a*b` against a long run of "a", and one publish would stall the server.
 */
export function isGlob(pattern: string): boolean {
  return /[*?]/.test(pattern);
}

/** A name lower-cased code point by code point: `?` matches one code point, as SQL's `_` does. */
export interface FoldedName {
  chars: string[];
  text: string;
}

export function foldName(name: string): FoldedName {
  const chars = Array.from(name, (char) => char.toLowerCase());
  return { chars, text: chars.join('') };
}

export type NameTest = (name: FoldedName) => boolean;

export function compilePattern(pattern: string): NameTest {
  const folded = foldName(pattern);
  if (!isGlob(pattern)) return (name) => name.text.includes(folded.text);
  return (name) => matchGlob(folded.chars, name.chars);
}

export function matchesPattern(pattern: string, name: string): boolean {
  return compilePattern(pattern)(foldName(name));
}

/**
 * Whole-name wildcard match, greedy with a single resume point (the last `*` seen): when a
 * mismatch follows a star, only that star takes one more character. Earlier stars never need to
 * be revisited, so the loop runs at most (name + 1) · (glob + 1) steps, never exponentially many.
 * `meter` counts the steps (for tests).
 */
export function matchGlob(glob: readonly string[], name: readonly string[], meter?: { steps: number }): boolean {
  let g = 0;
  let n = 0;
  let star = -1;
  let resume = 0;
  while (n < name.length) {
    if (meter) meter.steps += 1;
    const token = glob[g];
    if (token === '*') {
      star = g;
      resume = n;
      g += 1;
    } else if (token !== undefined && (token === '?' || token === name[n])) {
      g += 1;
      n += 1;
    } else if (star >= 0) {
      g = star + 1;
      resume += 1;
      n = resume;
    } else {
      return false;
    }
  }
  while (glob[g] === '*') g += 1;
  return g === glob.length;
}

/** The ILIKE pattern for SQL (backslash is PostgreSQL's default LIKE escape). */
export function patternToIlike(pattern: string): string {
  const escaped = pattern.replace(/[\\%_]/g, (char) => `\\${char}`);
  return isGlob(pattern) ? escaped.replaceAll('*', '%').replaceAll('?', '_') : `%${escaped}%`;
}
