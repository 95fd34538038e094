import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const compiledSibling = fileURLToPath(new URL('../standalone/serve.js', import.meta.url));

/** The built standalone peer (`npm run build`), for tests (running from sources) and the benchmark (from dist/). */
export const STANDALONE_PEER = existsSync(compiledSibling) ? compiledSibling : fileURLToPath(new URL('../../../../dist/apps/peer/src/standalone/serve.js', import.meta.url));

export interface PeerProcess {
  child: ChildProcess;
  url: string;
  output(): string;
  /** SIGKILL: the source dies mid-transfer, sockets reset */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

export interface PeerProcessOptions {
  shares: string[];
  stateDir: string;
  keysFile: string;
  sessionId: string;
  slots?: number;
  rateBytesPerSecond?: number;
}

/** Starts a standalone peer process; resolves once it listens. */
export function startPeerProcess(options: PeerProcessOptions, timeoutMs = 60_000): Promise<PeerProcess> {
  const args = [STANDALONE_PEER, ...options.shares.flatMap((share) => ['--share', share]), '--state', options.stateDir, '--keys', options.keysFile, '--session', options.sessionId];
  if (options.slots) args.push('--slots', String(options.slots));
  if (options.rateBytesPerSecond) args.push('--rate', String(options.rateBytesPerSecond));
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = (name: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(name);
    return exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`peer did not start within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /peer listening on (http:\/\/[^\s]+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1]!, output: () => output, kill: () => signal('SIGKILL'), stop: () => signal('SIGTERM') });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`peer exited before listening:\n${output}`));
    });
  });
}
