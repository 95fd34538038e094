/**
 * One unit system for sizes everywhere (the CLI, the admin panel, the client UI): binary multiples
 * with their IEC names (KiB, MiB, GiB). Sizes typed by people are read in either notation, "10MB"
 * or "10MiB", both meaning 10 × 1024² bytes. Browser-safe: no Node imports.
 */
const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;
const MULTIPLIERS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

/** 314572800 → "300 MiB", 1536 → "1.5 KiB": one decimal below 10, none above; bytes as whole numbers. */
export function formatBytes(size: number): string {
  if (!Number.isFinite(size) || size < 1024) return `${Number.isFinite(size) ? Math.max(0, Math.round(size)) : 0} B`;
  let unit = 0;
  let value = size;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  let text = value < 10 ? value.toFixed(1) : value.toFixed(0);
  if (Number(text) >= 1024 && unit < UNITS.length - 1) {
    unit += 1;
    text = '1.0';
  }
  return `${text.replace(/\.0$/, '')} ${UNITS[unit]}`;
}

/** "10MB", "10 MiB", "10M", "1.5GB", "700kb", "12345" → bytes (floored); undefined when it is no size. */
export function parseByteSize(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(?:([kmgtp])(?:i?b)?|(b)?)\s*$/i.exec(text);
  if (!match) return undefined;
  return Math.floor(Number(match[1]) * MULTIPLIERS[(match[2] ?? '').toLowerCase()]!);
}

/** countOf(1, 'file') → "1 file", countOf(2, 'file') → "2 files". */
export function countOf(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`;
}
