import type { Command } from 'commander';
import Table from 'cli-table3';
import { FILE_TYPES, parseQuery, type SearchResult } from '#contracts';
import type { Run } from '../command.js';
import type { CliContext } from '../context.js';
import { UsageError } from '../errors.js';
import { formatSize, parseInteger, parseSize } from '../format.js';
import { saveLastList } from '../listing.js';
import { inCliTerms } from '../messages.js';

interface SearchOptions {
  ext?: string;
  type?: string;
  minSize?: string;
  maxSize?: string;
  limit?: string;
  json?: boolean;
}

export function searchCommands(program: Command, run: Run): void {
  program
    .command('search')
    .description('search the files of online peers (then `peerdex get <number>`)')
    .argument('<words...>', 'words the file name must contain; -word excludes')
    .option('--ext <list>', 'extensions, comma-separated: mp3,flac')
    .option('--type <type>', `one of ${FILE_TYPES.join(', ')}`)
    .option('--min-size <size>', 'at least this size: 700KiB, 10MiB, 1.5GiB (10MB means 10MiB too)')
    .option('--max-size <size>', 'at most this size')
    .option('--limit <n>', 'results to show (1-500)', '50')
    .option('--json', 'print JSON')
    // "-live" is an exclusion, not an option: words starting with "-" reach the action as words.
    .allowUnknownOption()
    .action(
      run(async (context: CliContext, words: string[], options: SearchOptions) => {
        const misspelt = words.find((word) => word.startsWith('--'));
        if (misspelt) throw new UsageError(`unknown option '${misspelt}'`);
        if (options.type && !(FILE_TYPES as readonly string[]).includes(options.type)) {
          throw new UsageError(`--type must be one of ${FILE_TYPES.join(', ')} (got "${options.type}")`);
        }
        const q = words.join(' ');
        const parsed = parseQuery(q);
        if (!parsed.ok) throw new UsageError(inCliTerms(parsed.message));
        const response = await context.client.search({
          q,
          ext: options.ext,
          type: options.type as SearchResult['type'] | undefined,
          minSize: options.minSize === undefined ? undefined : parseSize(options.minSize, '--min-size'),
          maxSize: options.maxSize === undefined ? undefined : parseSize(options.maxSize, '--max-size'),
          limit: parseInteger(options.limit ?? '50', '--limit', 1, 500),
        });
        await saveLastList(context, `search "${q}"`, response.results);
        if (options.json) return context.out(JSON.stringify(response));
        if (response.results.length === 0) return context.out(`No online peer shares anything matching "${q}"`);
        const table = new Table({ head: ['#', 'name', 'size', 'sources'], style: { head: [], border: [] }, colAligns: ['right', 'left', 'right', 'right'] });
        response.results.forEach((result, index) => {
          const sources = result.sources.every((source) => source.firewalled) ? `${result.sourceCount} (firewalled)` : String(result.sourceCount);
          table.push([index + 1, result.name, formatSize(result.size), sources]);
        });
        context.out(table.toString());
        context.out(`Download one with: peerdex get <#>${response.nextCursor ? '   (more results exist: narrow the search)' : ''}`);
      }),
    );
}
