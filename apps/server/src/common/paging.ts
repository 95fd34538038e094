import { z } from 'zod';
import type { Page } from '#contracts';
import { InvalidInputError } from '../common/errors.js';

/**
 * Keyset paging with opaque cursors: a cursor is the sort key of the last item of a page, as
 * base64url JSON. Opaque so that clients pass it back rather than build it, and so the sort key
 * can change without changing the API.
 */
export function encodeCursor(key: unknown): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor<S extends z.ZodType>(schema: S, cursor: string | undefined): z.output<S> | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    json = undefined;
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new InvalidInputError([{ field: 'cursor', message: 'is not a valid cursor (pass back nextCursor from the previous page)' }]);
  }
  return parsed.data;
}

/**
 * Rows were fetched with limit + 1: the extra row only says whether another page exists.
 */
export function toPage<Row, Item>(rows: Row[], limit: number, view: (row: Row) => Item, key: (row: Row) => unknown): Page<Item> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items: items.map(view),
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor(key(last)) : null,
  };
}
