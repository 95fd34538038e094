import { execFile, execFileSync } from 'node:child_process';
import { it } from '@jest/globals';

/** Whether a command-line program (curl, wget, aria2c…) is installed. */
export function hasTool(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * `it` when the program is installed; otherwise the test is skipped with a message saying which
 * Debian package provides it (CI installs them; a developer's machine may not have them).
 */
export function itWithTool(command: string, aptPackage: string): typeof it | typeof it.skip {
  if (hasTool(command)) return it;
  process.stderr.write(`skipping tests that need ${command}: not installed (apt-get install -y ${aptPackage})\n`);
  return it.skip;
}

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program to completion; never throws for a non-zero exit. */
export function runTool(command: string, args: string[], options: { cwd?: string; timeoutMs?: number } = {}): Promise<ToolResult> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd: options.cwd, timeout: options.timeoutMs ?? 60_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
