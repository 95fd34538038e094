import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

/** Resident memory of a process now, in bytes (VmRSS of /proc/<pid>/status). */
export async function residentBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (!match) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]) * 1024;
}

/** Polls GET /health/ready until it answers 200; resolves to the milliseconds waited. */
export async function waitReady(baseUrl: string, timeoutMs = 600_000): Promise<number> {
  const started = performance.now();
  let last = 'no answer';
  while (performance.now() - started < timeoutMs) {
    const response = await fetch(`${baseUrl}/health/ready`).catch((error: Error) => ({ ok: false, status: error.message }) as const);
    if (response.ok) return performance.now() - started;
    last = String(response.status);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${baseUrl}/health/ready did not answer 200 within ${timeoutMs} ms (last: ${last})`);
}

/** The machine's 1-minute load average now: reported beside every figure (the machine is shared). */
export function loadAverage(): number {
  return os.loadavg()[0]!;
}

/** The reference index's server script, from bench/ (type checks) or dist/bench/ (runs). */
export function referenceEntry(): string {
  return fileURLToPath(new URL('../reference/server.js', import.meta.url));
}
