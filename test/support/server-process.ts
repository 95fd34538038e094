import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const SERVER_MAIN = fileURLToPath(new URL('../../dist/apps/server/src/main.js', import.meta.url));

export interface ServerProcess {
  child: ChildProcess;
  baseUrl: string;
  /** stdout and stderr as they arrived */
  output(): string;
  stdout(): string;
  stderr(): string;
  /** SIGTERM, then the exit code */
  stop(): Promise<number | null>;
}

/**
 * The built server (`npm run build`) as a separate process, as a user runs it. Resolves once it
 * listens; rejects with its output if it exits first. `node` runs it on another Node.js binary.
 */
export function startServerProcess(env: Record<string, string>, timeoutMs = 60_000, node = process.execPath): Promise<ServerProcess> {
  const child = spawn(node, [SERVER_MAIN], {
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const streams = { stdout: '', stderr: '' };
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /(?:listening on|API\s+)(http:\/\/[\d.]+:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({
          child,
          baseUrl: match[1]!,
          output: () => output,
          stdout: () => streams.stdout,
          stderr: () => streams.stderr,
          stop: () => {
            child.kill('SIGTERM');
            return exited;
          },
        });
      }
    };
    for (const name of ['stdout', 'stderr'] as const) {
      child[name]!.on('data', (chunk: Buffer) => {
        streams[name] += chunk.toString();
        onData(chunk);
      });
    }
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new ServerExitedError(code, output));
    });
  });
}

export class ServerExitedError extends Error {
  constructor(
    readonly code: number | null,
    readonly output: string,
  ) {
    super(`server exited with code ${code}:\n${output}`);
  }
}

/** Runs the server expecting it to refuse to start; returns its exit code and output. */
export async function expectStartFailure(env: Record<string, string>): Promise<ServerExitedError> {
  try {
    const server = await startServerProcess(env);
    await server.stop();
  } catch (error) {
    if (error instanceof ServerExitedError) return error;
    throw error;
  }
  throw new Error('the server started although it should not have');
}
