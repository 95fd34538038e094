import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Command, Reply } from './protocol.js';

/**
 * The client processes of a run: each runs worker.js and answers one command at a time over IPC.
 * Several processes, because one Node process cannot drive 10,000 sockets and measure fairly.
 */
export class Fleet {
  private constructor(private readonly workers: ChildProcess[]) {}

  static start(size: number): Fleet {
    const entry = fileURLToPath(new URL('./worker.js', import.meta.url));
    return new Fleet(Array.from({ length: size }, () => fork(entry, [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })));
  }

  get size(): number {
    return this.workers.length;
  }

  /** Sends one command to every worker (`build(i)` makes worker i's) and gathers the replies. */
  all<R extends Reply>(build: (worker: number) => Command): Promise<R[]> {
    return Promise.all(this.workers.map((worker, n) => ask<R>(worker, build(n))));
  }

  async close(): Promise<void> {
    await Promise.all(
      this.workers.map(
        (worker) =>
          new Promise<void>((resolve) => {
            if (worker.exitCode !== null) return resolve();
            worker.once('exit', () => resolve());
            worker.send({ type: 'close' } satisfies Command);
            setTimeout(() => worker.kill('SIGKILL'), 10_000).unref();
          }),
      ),
    );
  }
}

function ask<R extends Reply>(worker: ChildProcess, command: Command): Promise<R> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`a client process exited (${code}) during "${command.type}"`));
    worker.once('exit', onExit);
    worker.once('message', (reply: R) => {
      worker.off('exit', onExit);
      resolve(reply);
    });
    worker.send(command);
  });
}
