import type { Command } from 'commander';
import { openOnDesktop } from '../../daemon/desktop-open.js';
import type { Run } from '../command.js';
import type { CliContext } from '../context.js';
import { DaemonClient } from '../daemon-client.js';
import { CliError } from '../errors.js';

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
        const opened = !options.print && (await openOnDesktop(url));
        context.out(
          opened
            ? `Opened the web UI in your browser. If it did not appear, open this link (it works once, for 2 minutes):\n${url}`
            : `Open this link in a browser on this machine (it works once, for 2 minutes):\n${url}`,
        );
      }),
    );
}
