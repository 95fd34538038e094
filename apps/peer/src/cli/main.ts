import { Command, CommanderError } from 'commander';
import type { Action } from './command.js';
import { accountCommands } from './commands/account.js';
import { browseAndReportCommands } from './commands/browse-report.js';
import { peerCommands } from './commands/peer.js';
import { searchCommands } from './commands/search.js';
import { shareCommands } from './commands/shares.js';
import { createContext, DEFAULT_SERVER } from './context.js';
import { CliError, UsageError } from './errors.js';

export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** Builds the `peerdex` program; exported so tests can run it in-process too. */
export function buildProgram(options: { version?: string } = {}): Command {
  const program = new Command('peerdex')
    .description('Peerdex peer: share folders, search the directory, download straight from other peers')
    .version(options.version ?? 'unknown', '--version', 'print the version of peerdex')
    .option('--server <url>', `directory server (env PEERDEX_SERVER, default ${DEFAULT_SERVER})`)
    .showHelpAfterError('(run `peerdex --help` for usage)')
    .exitOverride();

  const run = (action: Action) =>
    async (...args: unknown[]) => {
      const context = createContext(program.opts<{ server?: string }>());
      await action(context, ...args);
    };

  accountCommands(program, run);
  shareCommands(program, run);
  searchCommands(program, run);
  browseAndReportCommands(program, run);
  peerCommands(program, run);
  return program;
}

export async function main(argv: string[], options: { version?: string } = {}): Promise<number> {
  const program = buildProgram(options);
  try {
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (error) {
    return exitCodeFor(error);
  }
}

function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander has printed its own message; help and version are not failures.
    if (['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code)) return EXIT.ok;
    return EXIT.usage;
  }
  if (error instanceof UsageError) {
    process.stderr.write(`peerdex: ${error.message}\n(run \`peerdex --help\` for usage)\n`);
    return EXIT.usage;
  }
  const message = error instanceof CliError || error instanceof Error ? error.message : String(error);
  process.stderr.write(`peerdex: ${message}\n`);
  if (process.env.PEERDEX_DEBUG && error instanceof Error && !(error instanceof CliError)) process.stderr.write(`${error.stack}\n`);
  return EXIT.failure;
}
