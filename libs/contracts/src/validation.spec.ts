import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { NUL_MESSAGE, nulIssues, safeParse } from './validation.js';

describe('NUL characters are refused wherever input is validated', () => {
  const schema = z.strictObject({ name: z.string().max(10), tags: z.array(z.string()).optional(), meta: z.unknown().optional() });

  it('names every field holding NUL, however deep, along with the other problems', () => {
    const result = safeParse(schema, { name: 'a\u0000b', tags: ['ok', 'x\u0000'], meta: { deep: [{ text: '\u0000' }] }, extra: 1 });
    expect(result).toEqual({
      ok: false,
      issues: [
        { field: 'name', message: NUL_MESSAGE },
        { field: 'tags.1', message: NUL_MESSAGE },
        { field: 'meta.deep.0.text', message: NUL_MESSAGE },
        { field: '', message: 'unknown field "extra"' },
      ],
    });
  });

  it('reports one issue per field even when the schema also refuses it', () => {
    const result = safeParse(schema, { name: `${'x'.repeat(20)}\u0000` });
    expect(result).toEqual({ ok: false, issues: [{ field: 'name', message: NUL_MESSAGE }] });
  });

  it('walks input nested far deeper than the call stack allows', () => {
    let nested: unknown = 'bottom\u0000';
    for (let depth = 0; depth < 300_000; depth += 1) nested = [nested];
    const issues = nulIssues(nested);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.field.split('.')).toHaveLength(300_000);
  });

  it('stops after ten issues, however many fields hold NUL', () => {
    expect(nulIssues(Array.from({ length: 100_000 }, () => '\u0000'))).toHaveLength(10);
  });

  it('accepts text without NUL, including other control characters the schema allows', () => {
    expect(safeParse(schema, { name: 'tab\there' })).toEqual({ ok: true, value: { name: 'tab\there' } });
  });
});
