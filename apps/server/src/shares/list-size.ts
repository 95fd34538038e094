import { InvalidInputError } from '../common/errors.js';

/**
 * A share list's total size is kept in a PostgreSQL bigint: at most 2^63 − 1 bytes. Entries may
 * each be up to 2^53 − 1 bytes, so about a thousand of the largest already fill it; sums are taken
 * as BigInt (a Number loses precision past 2^53) and checked before anything is written.
 */
export const MAX_LIST_BYTES = 2n ** 63n - 1n;

export function sumSizes(entries: ReadonlyArray<{ size: number }>): bigint {
  return entries.reduce((sum, entry) => sum + BigInt(entry.size), 0n);
}

/** Throws a 400 naming the total when a list would grow past the limit. */
export function assertListSize(total: bigint): void {
  if (total <= MAX_LIST_BYTES) return;
  throw new InvalidInputError([
    { field: 'files', message: `the share list would hold ${total} bytes, more than the limit of ${MAX_LIST_BYTES} (2^63 − 1)` },
  ]);
}
