import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase } from './database.js';
import { startServerProcess, type ServerProcess } from './server-process.js';

export const PEERDEX_BIN = fileURLToPath(new URL('../../apps/peer/bin/peerdex.js', import.meta.url));

/** The built server as a process on a database of its own, set up for `peerdex` users to talk to. */
export async function startServerForCli(env: Record<string, string> = {}): Promise<ServerProcess> {
  return startServerProcess({
    DATABASE_URL: await createTestDatabase(),
    JWT_SECRET: 'peer-cli-test-secret-long-enough-for-hs256',
    LOG_LEVEL: 'warn',
    AUTH_RATE_LIMIT_PER_IP: '1000',
    PEER_PROBE_TIMEOUT: '500ms',
    ...env,
  });
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** One user of the `peerdex` command: their own PEERDEX_HOME, talking to one server. */
export class CliUser {
  private constructor(
    readonly home: string,
    readonly server: string,
  ) {}

  static async create(server: string): Promise<CliUser> {
    return new CliUser(await mkdtemp(join(tmpdir(), 'peerdex-home-')), server);
  }

  env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return { ...process.env, PEERDEX_HOME: this.home, PEERDEX_SERVER: this.server, PEERDEX_PASSWORD: '', ...extra };
  }

  /** Runs a command to completion (the built client, as the installed `peerdex` runs it). */
  run(args: string[], options: { stdin?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
    const child = spawn(process.execPath, [PEERDEX_BIN, ...args], { env: this.env(options.env), stdio: ['pipe', 'pipe', 'pipe'] });
    return collect(child, options.stdin, options.timeoutMs ?? 60_000);
  }

  /** Starts a command that keeps running (`up`, or a `get` to interrupt). */
  spawn(args: string[]): RunningCommand {
    return new RunningCommand(spawn(process.execPath, [PEERDEX_BIN, ...args], { env: this.env(), stdio: ['ignore', 'pipe', 'pipe'] }));
  }

  /**
   * Runs a command on a pseudo-terminal (util-linux `script`), as a person at a terminal runs it:
   * prompts that need a terminal appear, and `answer()` types a line.
   */
  terminal(args: string[], env: NodeJS.ProcessEnv = {}): RunningCommand {
    const commandLine = [process.execPath, PEERDEX_BIN, ...args].map(shellQuote).join(' ');
    return new RunningCommand(spawn('script', ['-qfec', commandLine, '/dev/null'], { env: this.env(env), stdio: ['pipe', 'pipe', 'pipe'] }));
  }

  async register(username: string): Promise<void> {
    const result = await this.run(['register', username, '--password-stdin'], { stdin: `${username}-password\n` });
    if (result.code !== 0) throw new Error(`register ${username}: ${result.stderr}`);
  }
}

export class RunningCommand {
  output = '';
  readonly exited: Promise<number | null>;

  constructor(readonly child: ChildProcess) {
    child.stdout!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  /** Resolves with the first match of `pattern` in the output; rejects if the process exits first. */
  async waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<RegExpExecArray> {
    const started = Date.now();
    for (;;) {
      const match = pattern.exec(this.output);
      if (match) return match;
      if (this.child.exitCode !== null) throw new Error(`exited (${this.child.exitCode}) before ${pattern}:\n${this.output}`);
      if (Date.now() - started > timeoutMs) throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Types a line into a command run with `terminal()` (Enter is a carriage return on a terminal). */
  answer(line: string): void {
    this.child.stdin!.write(`${line}\r`);
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.child.exitCode === null) this.child.kill(signal);
    return this.exited;
  }
}

function collect(child: ChildProcess, stdin: string | undefined, timeoutMs: number): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin!.end(stdin ?? '');
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

/** Whether `script` (util-linux) is there to give commands a pseudo-terminal. */
export const HAS_PSEUDO_TERMINAL = existsSync('/usr/bin/script');

function shellQuote(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}
