const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTime.format(date);
}

/** Sizes in binary units with IEC names, the one system the CLI and the panel share. */
export { formatBytes } from '@contracts/units';

export function formatCount(value: number): string {
  return new Intl.NumberFormat().format(value);
}

/** "3f2a…9c1d": enough of a hash to tell it apart in a table; the full one is in the title. */
export function shortHash(sha256: string): string {
  return sha256.length > 16 ? `${sha256.slice(0, 8)}…${sha256.slice(-8)}` : sha256;
}
