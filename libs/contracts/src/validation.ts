import { z } from 'zod';

/**
 * One wording for validation messages, wherever a schema from this library is checked (REST
 * bodies, socket payloads, CLI arguments): "field: what is wrong".
 */
z.config({
  customError: (issue) => {
    if (issue.code === 'invalid_type' && issue.input === undefined) return 'is required';
    if (issue.code === 'invalid_type') return `must be ${article(issue.expected)}`;
    return undefined;
  },
});

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

export interface FieldIssue {
  /** dotted path of the offending field, empty for the payload as a whole */
  field: string;
  message: string;
}

export function describeIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => {
    const field = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((key) => `"${key}"`).join(', ');
      return { field, message: `unknown field${issue.keys.length > 1 ? 's' : ''} ${keys}` };
    }
    return { field, message: issue.message };
  });
}

/** "username: is required; password: must be at least 8 characters" */
export function formatIssues(issues: FieldIssue[]): string {
  return issues.map(({ field, message }) => (field ? `${field}: ${message}` : message)).join('; ');
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; issues: FieldIssue[] };

export function safeParse<S extends z.ZodType>(schema: S, input: unknown): ParseResult<z.output<S>> {
  const result = schema.safeParse(input);
  return result.success ? { ok: true, value: result.data } : { ok: false, issues: describeIssues(result.error) };
}
