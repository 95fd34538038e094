import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import type { Run } from '../command.js';
import type { CliContext } from '../context.js';
import { DaemonClient } from '../daemon-client.js';
import { CliError } from '../errors.js';

/** The program that opens a URL in the desktop's browser, or undefined where there is no desktop. */
function browserOpener(env: NodeJS.ProcessEnv = process.env): string[] | undefined {
  if (process.platform === 'darwin') return ['open'];
  if (process.platform === 'win32') return ['cmd', '/c', 'start', '""'];
  return env.DISPLAY || env.WAYLAND_DISPLAY ? ['xdg-open'] : undefined;
}

/** Resolves true once the opener started (it may still fail to find a browser: the URL is printed anyway). */
function openInBrowser(url: string): Promise<boolean> {
  const opener = browserOpener();
  if (!opener) return Promise.resolve(false);
  return new Promise((resolve) => {
    const child = spawn(opener[0]!, [...opener.slice(1), url], { stdio: 'ignore', detached: true });
    child.once('error', () => resolve(false));
    child.once('spawn', () => {
      child.unref();
      resolve(true);
    });
  });
}

export function uiCommand(program: Command, run: Run): void {
  program
    .command('ui')
    .description('open the running peer\u2019s web UI in the browser, signed in with a one-time link (printed when there is no browser)')
    .option('--print', 'only print the link')
    .action(
      run(async (context: CliContext, options: { print?: boolean }) => {
        const daemon = await DaemonClient.find(context);
        if (!daemon) throw new CliError('The peer is not running: start it with `peerdex up`, then run `peerdex ui`');
        const { url } = await daemon.loginLink();
        const opened = !options.print && (await openInBrowser(url));
        context.out(
          opened
            ? `Opened the web UI in your browser. If it did not appear, open this link (it works once, for 2 minutes):\n${url}`
            : `Open this link in a browser on this machine (it works once, for 2 minutes):\n${url}`,
        );
      }),
    );
}
