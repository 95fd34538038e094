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

export const NUL_MESSAGE = 'must not contain NUL characters (\\u0000)';

/** At most this many NUL issues are reported: enough to fix a request, bounded for a hostile one. */
const MAX_NUL_ISSUES = 10;

interface Visit {
  value: unknown;
  key: string | undefined;
  parent: Visit | undefined;
}

/**
 * Strings in `input` (at any depth) that hold U+0000, which PostgreSQL cannot store in text: one
 * issue per such field, up to ten. The walk is iterative and keeps a link to each parent rather
 * than a copy of the path, so deeply nested input costs linear time and cannot overflow the stack.
 */
export function nulIssues(input: unknown, path: readonly string[] = []): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const pending: Visit[] = [{ value: input, key: undefined, parent: undefined }];
  for (let visit = pending.pop(); visit !== undefined && issues.length < MAX_NUL_ISSUES; visit = pending.pop()) {
    const { value } = visit;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) issues.push({ field: [...path, ...pathOf(visit)].join('.'), message: NUL_MESSAGE });
    } else if (typeof value === 'object' && value !== null) {
      const children = Array.isArray(value) ? value.map((child, index) => [String(index), child] as const) : Object.entries(value);
      for (let index = children.length - 1; index >= 0; index -= 1) {
        const [key, child] = children[index]!;
        pending.push({ value: child, key, parent: visit });
      }
    }
  }
  return issues;
}

function pathOf(visit: Visit): string[] {
  const keys: string[] = [];
  for (let at: Visit | undefined = visit; at?.key !== undefined; at = at.parent) keys.push(at.key);
  return keys.reverse();
}

/**
 * Validates input against a schema; every input from outside (REST bodies, queries and
 * parameters, socket payloads and handshakes, cursors) goes through here. Strings holding NUL are
 * refused whatever the schema says, so no route needs to remember it.
 */
export function safeParse<S extends z.ZodType>(schema: S, input: unknown): ParseResult<z.output<S>> {
  const nul = nulIssues(input);
  const result = schema.safeParse(input);
  if (result.success && nul.length === 0) return { ok: true, value: result.data };
  const withNul = new Set(nul.map((issue) => issue.field));
  const others = result.success ? [] : describeIssues(result.error).filter((issue) => !withNul.has(issue.field));
  return { ok: false, issues: [...nul, ...others] };
}
