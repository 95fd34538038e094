import type { Command } from 'commander';
import Table from 'cli-table3';
import type { BrowseEntry } from '#contracts';
import type { Run } from '../command.js';
import type { CliContext } from '../context.js';
import { UsageError } from '../errors.js';
import { countOf, formatSize } from '../format.js';
import { fileOrUndefined, saveLastList } from '../listing.js';

const BROWSE_CAP = 10_000;

export function browseAndReportCommands(program: Command, run: Run): void {
  program
    .command('browse')
    .description("list an online user's shared files, numbered (then `peerdex get <number>`)")
    .argument('<username>')
    .option('--json', 'print JSON')
    .action(
      run(async (context: CliContext, username: string, options: { json?: boolean }) => {
        const files: BrowseEntry[] = [];
        let cursor: string | undefined;
        let shownAs: string;
        do {
          const page = await context.client.browse(username, cursor);
          shownAs = page.username;
          files.push(...page.files);
          cursor = page.nextCursor ?? undefined;
        } while (cursor && files.length < BROWSE_CAP);
        await saveLastList(context, `browse ${shownAs}`, files);
        if (options.json) return context.out(JSON.stringify({ username: shownAs, files }));
        if (files.length === 0) return context.out(`${shownAs} is online and shares nothing`);
        const table = new Table({ head: ['#', 'path', 'size', 'sha256'], style: { head: [], border: [] }, colAligns: ['right', 'left', 'right', 'left'] });
        files.forEach((file, index) => table.push([index + 1, file.path, formatSize(file.size), file.sha256.slice(0, 12)]));
        context.out(table.toString());
        context.out(`${countOf(files.length, 'file')} shared by ${shownAs}${cursor ? ` (first ${files.length} shown)` : ''}. Download one with: peerdex get <#>`);
      }),
    );

  program
    .command('report')
    .description('report a file or a user to the moderators')
    .argument('<target>', 'a number from the last search or browse, a sha256 or its first characters, or a username')
    .option('--user', 'the target is a username, even one made of digits')
    .requiredOption('--reason <text>', 'what is wrong')
    .action(
      run(async (context: CliContext, target: string, options: { reason: string; user?: boolean }) => {
        const reason = options.reason.trim();
        if (!reason) throw new UsageError('--reason must not be empty');
        const file = options.user ? undefined : await fileOrUndefined(context, target);
        if (!file) {
          await context.client.report({ username: target }, reason);
          return context.out(`Reported the user ${target} to the moderators`);
        }
        await context.client.report({ sha256: file.sha256 }, reason);
        context.out(`Reported the file ${file.name ? `${file.name} (${file.sha256.slice(0, 12)}…)` : `${file.sha256.slice(0, 12)}…`} to the moderators`);
      }),
    );
}
