import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The built server; the same file from bench/ (type checks) and from dist/bench/ (runs). */
export function serverEntry(): string {
  for (const candidate of ['../../../apps/server/src/main.js', '../../../dist/apps/server/src/main.js']) {
    const path = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new Error('dist/apps/server/src/main.js not found: run `npm run build` first');
}

export interface RunningServer {
  baseUrl: string;
  pid: number;
  output(): string;
  /** SIGTERM, then the exit code */
  stop(): Promise<number | null>;
}

/**
 * Starts `node dist/apps/server/src/main.js` (or another script printing "listening on <url>")
 * and resolves once it listens.
 */
export function startServer(env: Record<string, string>, timeoutMs = 120_000, entry = serverEntry()): Promise<RunningServer> {
  const child: ChildProcess = spawn(process.execPath, [entry], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', PEERDEX_PRINT_URLS: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server did not start within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      // Keep the start of the output and its recent end; a long benchmark must not grow it forever.
      output = output.length > 200_000 ? output.slice(0, 20_000) + '\n…\n' + output.slice(-100_000) + chunk.toString() : output + chunk.toString();
      // With LOG_LEVEL=warn the "listening on" log line is not written; the printed URLs are.
      const match = /listening on (http:\/\/[\w.:[\]-]+)/.exec(output) ?? /API\s+(http:\/\/[\w.:[\]-]+)\/api\/v1/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({
          baseUrl: match[1]!,
          pid: child.pid!,
          output: () => output,
          stop: () => {
            child.kill('SIGTERM');
            return exited;
          },
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with code ${code} before listening:\n${output}`));
    });
  });
}
