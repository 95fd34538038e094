import type { Command } from 'commander';
import { runningDaemon } from '../../daemon/daemon-file.js';
import { DEFAULT_UI_PORT, PeerDaemon } from '../../daemon/peer-daemon.js';
import { readSettings } from '../../daemon/peer-settings.js';
import type { Run } from '../command.js';
import type { CliContext } from '../context.js';
import { CliError, UsageError } from '../errors.js';
import { parseInteger, parseSize } from '../format.js';

interface UpOptions {
  port: string;
  host: string;
  publicUrl?: string;
  slots?: string;
  maxUploadRate?: string;
  uiPort?: string;
  /** false with --no-ui */
  ui: boolean;
}

export function upCommand(program: Command, run: Run): void {
  program
    .command('up')
    .description('run the peer: publish the shared folders, serve them to other peers, keep the session alive')
    .option('--port <port>', 'port of this peer\u2019s HTTP endpoint (0: any free port)', '6699')
    .option('--host <address>', 'address to listen on', '0.0.0.0')
    .option('--public-url <url>', 'the URL other peers reach this endpoint at, if not <your address>:<port>')
    .option('--slots <n>', 'files served at once (default: the Settings page\u2019s, 4)')
    .option('--max-upload-rate <size>', 'upload limit per second, e.g. 5MiB (default: the Settings page\u2019s, none)')
    .option('--ui-port <port>', `port of the local web UI on 127.0.0.1 (default ${DEFAULT_UI_PORT}, or any free one when that is taken)`)
    .option('--no-ui', 'do not serve the web UI (the command\u2019s local API still runs)')
    .action(
      run(async (context: CliContext, options: UpOptions) => {
        const port = parseInteger(options.port, '--port', 0, 65535);
        const settings = await readSettings(context.home);
        const uploadSlots = options.slots === undefined ? settings.uploadSlots : parseInteger(options.slots, '--slots', 1, 100);
        const uiPort = options.uiPort === undefined ? DEFAULT_UI_PORT : parseInteger(options.uiPort, '--ui-port', 0, 65535);
        if (options.publicUrl && !/^https?:\/\/[^/]+\/?$/.test(options.publicUrl)) {
          throw new UsageError(`--public-url must be a base URL like http://203.0.113.9:6699 (got "${options.publicUrl}")`);
        }
        if (await runningDaemon(context.home, context.server)) throw new CliError(`A peer is already running for ${context.home.dir}; see \`peerdex status\``);
        const log = (line: string) => context.out(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
        const daemon = new PeerDaemon(context, {
          port,
          host: options.host,
          publicUrl: options.publicUrl?.replace(/\/$/, ''),
          uploadSlots,
          uploadBytesPerSecond: options.maxUploadRate ? parseSize(options.maxUploadRate, '--max-upload-rate') : (settings.uploadBytesPerSecond ?? undefined),
          uiPort: options.ui ? uiPort : undefined,
          uiPortChosen: options.uiPort !== undefined,
          log,
        });
        for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void daemon.stop(0, 'Stopped'));
        await daemon.start();
        const { code, message } = await daemon.finished;
        if (code !== 0) throw new CliError(message);
        log(message);
      }),
    );
}
