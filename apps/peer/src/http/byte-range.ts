/** What a request's Range header asks of a file of a given size (RFC 9110 §14). */
export type RangeRequest =
  /** no Range, or one to ignore (invalid, another unit, several ranges): send the whole file, 200 */
  | { kind: 'whole' }
  /** one satisfiable range, bytes [start, end) of the file: 206 */
  | { kind: 'partial'; start: number; end: number }
  /** a valid range that does not overlap the file: 416 */
  | { kind: 'unsatisfiable' };

const BYTES_UNIT = /^bytes=/i;
const SPEC = /^(?:(\d+)-(\d*)|-(\d+))$/;

/**
 * Reads a Range header as RFC 9110 defines it: `bytes=first-last`, `bytes=first-` or
 * `bytes=-suffix`. A suffix longer than the file means the whole file (still 206); a last
 * position past the end is cut to the end; only a first position at or past the end, or an empty
 * suffix, is unsatisfiable. Anything invalid (last before first, signs, junk), another range unit
 * or several ranges is ignored, as §14.2 allows: the whole file is sent.
 */
export function parseByteRange(header: string | undefined, size: number): RangeRequest {
  if (header === undefined || !BYTES_UNIT.test(header)) return { kind: 'whole' };
  const specs = header.slice('bytes='.length).split(',').map((spec) => spec.trim());
  if (specs.length !== 1) return { kind: 'whole' };
  const match = SPEC.exec(specs[0]!);
  if (!match) return { kind: 'whole' };
  const [, first, last, suffix] = match;
  if (suffix !== undefined) {
    const length = Number(suffix);
    if (length === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - length), end: size };
  }
  const start = Number(first);
  if (last !== '' && Number(last) < start) return { kind: 'whole' };
  if (start >= size) return { kind: 'unsatisfiable' };
  const end = last === '' ? size : Math.min(size, Number(last) + 1);
  return { kind: 'partial', start, end };
}
