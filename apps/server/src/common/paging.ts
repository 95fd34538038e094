import { z } from 'zod';
import { type Page, safeParse } from '#contracts';
import { InvalidInputError } from '../common/errors.js';

/**
 * Keyset paging with opaque cursors: a cursor is the sort key of the last item of a page, as
 * base64url JSON. Opaque so that clients pass it back rather than build it, and so the sort key
 * can change without changing the API.
 */
export function encodeCursor(key: unknown): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/**
 * A cursor is only ever what encodeCursor made, so anything else (garbage, or a crafted key the
 * query could not take) is a 400 naming `cursor`. The schema should use the cursor* parts below
 * for timestamps and big integers; strings holding NUL are refused here for every schema.
 */
export function decodeCursor<S extends z.ZodType>(schema: S, cursor: string | undefined): z.output<S> | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    json = undefined;
  }
  const parsed = safeParse(schema, json);
  if (!parsed.ok) {
    throw new InvalidInputError([{ field: 'cursor', message: 'is not a valid cursor (pass back nextCursor from the previous page)' }]);
  }
  return parsed.value;
}

/**
 * A timestamp in a cursor: an ISO date-time that PostgreSQL's timestamptz can take (JavaScript
 * takes year 0000, and rolls February 30 over into March; PostgreSQL refuses the first).
 */
export const cursorTimestamp = z.iso.datetime().refine((text) => {
  const year = new Date(text).getUTCFullYear();
  return year >= 1 && year <= 9999;
}, 'must be a date between the years 1 and 9999');

/** A bigint key (bigserial ids) in a cursor, within PostgreSQL's bigint. */
export const cursorBigint = z
  .string()
  .regex(/^\d{1,19}$/)
  .transform((digits) => BigInt(digits))
  .refine((id) => id <= 9_223_372_036_854_775_807n, 'must be within the range of a bigint');

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
