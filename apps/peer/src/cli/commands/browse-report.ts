import type { Command } from 'commander';
import Table from 'cli-table3';
import type { BrowseEntry } from '#contracts';
import type { Run } from '../command.js';
import type { CliContext } from '../context.js';
import { UsageError } from '../errors.js';
import { countOf, formatSize } from '../format.js';

const BROWSE_CAP = 10_000;

export function browseAndReportCommands(program: Command, run: Run): void {
  program
    .command('browse')
    .description("list an online user's shared files")
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
        if (options.json) return context.out(JSON.stringify({ username: shownAs, files }));
        if (files.length === 0) return context.out(`${shownAs} is online and shares nothing`);
        const table = new Table({ head: ['path', 'size', 'sha256'], style: { head: [], border: [] } });
        for (const file of files) table.push([file.path, formatSize(file.size), file.sha256.slice(0, 12)]);
        context.out(table.toString());
        context.out(`${countOf(files.length, 'file')} shared by ${shownAs}${cursor ? ` (first ${files.length} shown)` : ''}`);
      }),
    );

  program
    .command('report')
    .description('report a file (by hash) or a user to the moderators')
    .argument('<target>', 'a sha256 or a username')
    .requiredOption('--reason <text>', 'what is wrong')
    .action(
      run(async (context: CliContext, target: string, options: { reason: string }) => {
        const reason = options.reason.trim();
        if (!reason) throw new UsageError('--reason must not be empty');
        const isHash = /^[0-9a-fA-F]{64}$/.test(target);
        await context.client.report(isHash ? { sha256: target.toLowerCase() } : { username: target }, reason);
        context.out(`Reported ${isHash ? `file ${target.slice(0, 12)}…` : `user ${target}`} to the moderators`);
      }),
    );
}
