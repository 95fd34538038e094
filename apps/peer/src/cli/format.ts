import bytes from 'bytes';
import { UsageError } from './errors.js';

export function formatSize(size: number): string {
  return bytes.format(size, { unitSeparator: ' ', decimalPlaces: 1 }) ?? `${size} B`;
}

/** "10MB", "1.5 GB", "700kb", "12345" → bytes; a usage error otherwise. */
export function parseSize(text: string, option: string): number {
  const value = /^\d+$/.test(text.trim()) ? Number(text) : bytes.parse(text);
  if (value === null || !Number.isFinite(value) || value < 0) {
    throw new UsageError(`${option} must be a size like 700KB, 10MB or 1.5GB (got "${text}")`);
  }
  return Math.floor(value);
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
