import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * Which process wrote a lock or registry file, precisely enough to tell, later, whether it still
 * runs: a pid alone may have been reused by an unrelated process after a crash, so on Linux the
 * process's start time (clock ticks since boot, /proc/<pid>/stat) is recorded as well.
 */
export interface ProcessIdentity {
  pid: number;
  host: string;
  /** /proc start time; undefined where /proc is not available */
  startTicks?: number;
}

export function currentProcess(): ProcessIdentity {
  return { pid: process.pid, host: hostname(), startTicks: startTicksOf(process.pid) };
}

/** Whether that process still runs. Processes of another host are assumed alive: we cannot tell. */
export function isRunning(identity: ProcessIdentity): boolean {
  if (identity.host !== hostname()) return true;
  if (!pidExists(identity.pid)) return false;
  const ticks = startTicksOf(identity.pid);
  return identity.startTicks === undefined || ticks === undefined || ticks === identity.startTicks;
}

export function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user (a postmaster run as `postgres`).
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function startTicksOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22, counted after the parenthesised command name (which may contain spaces).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[19]);
  } catch {
    return undefined;
  }
}
