import { countOf, formatBytes, parseByteSize } from '#contracts';
import { UsageError } from './errors.js';

export { countOf };

/** Sizes in binary units with IEC names (KiB, MiB, GiB), as the admin panel shows them. */
export const formatSize = formatBytes;

/** "10MiB", "10MB" (the same: 10 × 1024² bytes), "1.5 GiB", "700kb", "12345" → bytes; a usage error otherwise. */
export function parseSize(text: string, option: string): number {
  const value = parseByteSize(text);
  if (value === undefined) throw new UsageError(`${option} must be a size like 700KiB, 10MiB or 1.5GiB (got "${text}")`);
  return value;
}

export function parseInteger(text: string, option: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) throw new UsageError(`${option} must be a whole number from ${min} to ${max} (got "${text}")`);
  return value;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--';
  const s = Math.round(seconds);
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}
