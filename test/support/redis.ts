import { type ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { expect } from '@jest/globals';
import { findFreePort } from '../../apps/server/src/database/embedded-postgres.js';
import { eventually } from './eventually.js';

/** Redis for tests of several nodes: TEST_REDIS_URL, or the machine's own on 6379. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Several nodes share state through Redis; a machine without one (a fresh laptop) skips those tests. */
export async function redisReachable(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port || 6379), timeout: 500 }, () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
    socket.on('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/**
 * A redis-server of this test's own (never the machine's), without persistence. `port`: start
 * again on the port of one that was stopped.
 */
export async function startRedis(port?: number): Promise<{ port: number; process: ChildProcess }> {
  port ??= await findFreePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await eventually(() => expect(output).toMatch(/Ready to accept connections/), 10_000, 50);
  return { port, process: child };
}
