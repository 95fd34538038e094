import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { manifestLink } from '#contracts';
import type { Run } from '../command.js';
import type { CliContext } from '../context.js';
import { installHandler, removeHandler, type Step, xdgDirs } from '../desktop-handler.js';
import { CliError, UsageError } from '../errors.js';
import { serverManifest } from '../link-target.js';
import { resolveFile } from '../listing.js';
import { outputFolderProblem } from '../../daemon/output-folder.js';

export function linkCommands(program: Command, run: Run): void {
  program
    .command('link')
    .description('print the peerdex: link of a file, for others to `peerdex get` (or click, with `peerdex handler install`)')
    .argument('<file>', 'a sha256 or its first characters, or a number from the last `peerdex search` or `peerdex browse`')
    .option('--json', 'print the link, the landing page and the manifest as JSON')
    .action(
      run(async (context: CliContext, file: string, options: { json?: boolean }) => {
        const { sha256 } = await resolveFile(context, file);
        const manifest = await serverManifest(context, sha256);
        const link = manifestLink(manifest);
        if (options.json) return context.out(JSON.stringify({ link, page: `${manifest.server}/f/${sha256}`, manifest }));
        context.out(link);
      }),
    );

  const handler = program
    .command('handler')
    .description('make a click on a peerdex: link or a .peerdex file in a browser run `peerdex get` (Linux desktops)');
  handler
    .command('install')
    .description('register peerdex: links and .peerdex manifests with the desktop, for this server and PEERDEX_HOME')
    .option('--out <dir>', 'where clicked downloads are saved (default: ~/Downloads, or your home folder)')
    .action(
      run(async (context: CliContext, options: { out?: string }) => {
        requireLinux();
        const outputDir = resolve(options.out ?? defaultDownloads());
        const problem = await outputFolderProblem(outputDir);
        if (problem) throw new UsageError(`--out ${outputDir} ${problem}`);
        const steps = await installHandler(xdgDirs(), {
          node: process.execPath,
          cli: resolve(process.argv[1]!),
          server: context.server,
          home: process.env.PEERDEX_HOME,
          outputDir,
        });
        report(context, steps);
        context.out(`A click on a peerdex: link or a .peerdex file now runs \`peerdex get\` for ${context.server}, saving into ${outputDir}; \`peerdex handler remove\` undoes it`);
      }),
    );
  handler
    .command('remove')
    .description('undo `peerdex handler install`')
    .action(
      run(async (context: CliContext) => {
        requireLinux();
        report(context, await removeHandler(xdgDirs()));
      }),
    );
}

function requireLinux(): void {
  if (process.platform !== 'linux') {
    throw new CliError(`registering the handler is automated on Linux only; docs/client.md says what ${process.platform === 'darwin' ? 'macOS' : process.platform === 'win32' ? 'Windows' : 'this system'} needs`);
  }
}

function defaultDownloads(): string {
  const downloads = join(homedir(), 'Downloads');
  return existsSync(downloads) ? downloads : homedir();
}

function report(context: CliContext, steps: Step[]): void {
  for (const step of steps) context.out('done' in step ? `✓ ${step.done}` : `- skipped: ${step.skipped}`);
}
