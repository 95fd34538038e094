import { create } from 'content-disposition';

/** Letters NFKD does not take apart, as people write them in ASCII. */
const ASCII_SPELLING: Record<string, string> = {
  Æ: 'AE', æ: 'ae', Œ: 'OE', œ: 'oe', Ø: 'O', ø: 'o', ß: 'ss', Ł: 'L', ł: 'l', Đ: 'D', đ: 'd', Ð: 'D', ð: 'd', Þ: 'Th', þ: 'th',
  '‐': '-', '‑': '-', '‒': '-', '–': '-', '—': '-', '‘': "'", '’': "'", '“': "'", '”': "'",
};

/**
 * `Content-Disposition: attachment` naming the file (RFC 6266), so that `curl -OJ`, `wget
 * --content-disposition` and browsers save it under its name rather than its hash. A name that is
 * not plain ASCII travels as `filename*=UTF-8''…` (RFC 8187) with an ASCII spelling in `filename`
 * for clients that read only that one.
 */
export function attachmentDisposition(name: string): string {
  return create(name, { fallback: asciiFallback(name) });
}

function asciiFallback(name: string): string {
  return [...name.normalize('NFKD')]
    .map((char) => ASCII_SPELLING[char] ?? char)
    .join('')
    .replace(/\p{M}/gu, '')
    .replace(/[^\x20-\x7e]/g, '_');
}
