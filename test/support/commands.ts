import { execFileSync } from 'node:child_process';

/** Whether a command is on PATH (for tests that use a tool from a Debian package, and skip without it). */
export function hasCommand(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
