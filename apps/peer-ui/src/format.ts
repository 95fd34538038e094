import { countOf, formatBytes } from '@contracts/units';

export { countOf, formatBytes };

/** "4.2 MiB/s" */
export function formatRate(bytesPerSecond: number): string {
  return `${formatBytes(bytesPerSecond)}/s`;
}

/** Time left at the current speed: "12 s", "3 min", "1 h 5 min"; a dash when nothing moves. */
export function formatEta(bytesLeft: number, bytesPerSecond: number): string {
  if (bytesPerSecond <= 0 || bytesLeft <= 0) return '–';
  const seconds = Math.ceil(bytesLeft / bytesPerSecond);
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}
