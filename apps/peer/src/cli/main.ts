import { Command, CommanderError } from 'commander';
import type { Action } from './command.js';
import { accountCommands } from './commands/account.js';
import { apiKeyCommands } from './commands/api-keys.js';
import { browseAndReportCommands } from './commands/browse-report.js';
import { downloadCommands } from './commands/downloads.js';
import { linkCommands } from './commands/links.js';
import { searchCommands } from './commands/search.js';
import { shareCommands } from './commands/shares.js';
import { statusCommand } from './commands/status.js';
import { uiCommand } from './commands/ui.js';
import { upCommand } from './commands/up.js';
import { createContext, DEFAULT_SERVER } from './context.js';
import { ApiError } from './directory-client.js';
import { CliError, InterruptedError, UsageError } from './errors.js';
import { inCliTerms } from './messages.js';

export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: InterruptedError.exitCode } as const;

/** Builds the `peerdex` program; exported so tests can run it in-process too. */
export function buildProgram(options: { version?: string } = {}): Command {
  const program = new Command('peerdex')
    .description('Peerdex peer: share folders, search the directory, download straight from other peers')
    .version(options.version ?? 'unknown', '--version', 'print the version of peerdex')
    .option('--server <url>', `directory server (env PEERDEX_SERVER, default ${DEFAULT_SERVER})`)
    // Commander's errors are printed by main(), in one line (or as JSON); subcommands inherit this.
    .configureOutput({ outputError: () => undefined })
    .exitOverride();

  const run = (action: Action) =>
    async (...args: unknown[]) => {
      const context = createContext(program.opts<{ server?: string }>());
      await action(context, ...args);
    };

  accountCommands(program, run);
  apiKeyCommands(program, run);
  shareCommands(program, run);
  searchCommands(program, run);
  browseAndReportCommands(program, run);
  upCommand(program, run);
  downloadCommands(program, run);
  linkCommands(program, run);
  statusCommand(program, run);
  uiCommand(program, run);
  return program;
}

export async function main(argv: string[], options: { version?: string } = {}): Promise<number> {
  const program = buildProgram(options);
  try {
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (error) {
    return report(error, program, argv.slice(2));
  }
}

/** Prints an error as one line on stderr, or with --json as one JSON document on stdout; returns the exit code. */
function report(error: unknown, program: Command, args: string[]): number {
  if (error instanceof CommanderError && ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code)) {
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage; // help shown because a subcommand was missing
  }
  // The server refusing what was typed (400) is a usage error too.
  const usage = error instanceof UsageError || error instanceof CommanderError || (error instanceof ApiError && error.status === 400);
  const interrupted = error instanceof InterruptedError;
  const exitCode = usage ? EXIT.usage : interrupted ? EXIT.interrupted : EXIT.failure;
  const message = error instanceof CommanderError ? error.message.replace(/^error: /, '') : error instanceof Error ? inCliTerms(error.message) : String(error);
  if (args.includes('--json')) {
    const details = error instanceof CliError ? error.details : undefined;
    process.stdout.write(`${JSON.stringify({ ...details, error: { kind: usage ? 'usage' : interrupted ? 'interrupted' : 'failure', exitCode, message } })}\n`);
    return exitCode;
  }
  const command = args.find((arg) => program.commands.some((candidate) => candidate.name() === arg));
  process.stderr.write(`peerdex: ${message}${usage ? ` (run \`peerdex${command ? ` ${command}` : ''} --help\` for usage)` : ''}\n`);
  if (process.env.PEERDEX_DEBUG && error instanceof Error && !(error instanceof CliError) && !usage) process.stderr.write(`${error.stack}\n`);
  return exitCode;
}
