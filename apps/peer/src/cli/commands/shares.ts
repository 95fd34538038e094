import type { Command } from 'commander';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Run } from '../command.js';
import type { CliContext } from '../context.js';
import { CliError, UsageError } from '../errors.js';

export function shareCommands(program: Command, run: Run): void {
  program
    .command('share')
    .description('share folders (a running `peerdex up` publishes them within seconds)')
    .argument('<dir...>', 'folders to share')
    .action(
      run(async (context: CliContext, dirs: string[]) => {
        const config = await context.home.config();
        for (const dir of dirs) {
          const absolute = resolve(dir);
          const info = await stat(absolute).catch(() => undefined);
          if (!info) throw new UsageError(`${dir}: no such folder`);
          if (!info.isDirectory()) throw new UsageError(`${dir}: not a folder`);
          if (config.shares.includes(absolute)) {
            context.out(`Already shared: ${absolute}`);
            continue;
          }
          config.shares.push(absolute);
          context.out(`Sharing ${absolute}`);
        }
        await context.home.saveConfig(config);
      }),
    );

  program
    .command('unshare')
    .description('stop sharing a folder')
    .argument('<dir>')
    .action(
      run(async (context: CliContext, dir: string) => {
        const config = await context.home.config();
        const absolute = resolve(dir);
        if (!config.shares.includes(absolute)) throw new CliError(`${absolute} is not shared (see \`peerdex shares\`)`);
        await context.home.saveConfig({ ...config, shares: config.shares.filter((share) => share !== absolute) });
        context.out(`Stopped sharing ${absolute}`);
      }),
    );

  program
    .command('shares')
    .description('list the shared folders')
    .option('--json', 'print JSON')
    .action(
      run(async (context: CliContext, options: { json?: boolean }) => {
        const { shares } = await context.home.config();
        const folders = await Promise.all(
          shares.map(async (path) => ({ path, present: (await stat(path).catch(() => undefined))?.isDirectory() ?? false })),
        );
        if (options.json) return context.out(JSON.stringify(folders));
        if (folders.length === 0) return context.out('Nothing shared yet: `peerdex share <dir>`');
        for (const folder of folders) context.out(folder.present ? folder.path : `${folder.path}  (missing)`);
      }),
    );
}
