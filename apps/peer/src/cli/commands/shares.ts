import type { Command } from 'commander';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { placeFolder } from '../../shares/share-folders.js';
import type { Run } from '../command.js';
import type { CliContext } from '../context.js';
import { CliError, UsageError } from '../errors.js';

export function shareCommands(program: Command, run: Run): void {
  program
    .command('share')
    .description('share folders (a running `peerdex up` publishes them within seconds); a folder inside a shared one is already shared')
    .argument('<dir...>', 'folders to share')
    .action(
      run(async (context: CliContext, dirs: string[]) => {
        const config = await context.home.config();
        for (const dir of dirs) {
          const absolute = resolve(dir);
          const info = await stat(absolute).catch(() => undefined);
          if (!info) throw new UsageError(`${dir}: no such folder`);
          if (!info.isDirectory()) throw new UsageError(`${dir}: not a folder`);
          const { container, inside } = await placeFolder(absolute, config.shares);
          if (container) {
            context.out(container === absolute ? `Already shared: ${absolute}` : `Already shared: ${absolute} is part of the shared folder ${container}`);
            continue;
          }
          config.shares = [...config.shares.filter((share) => !inside.includes(share)), absolute];
          const takenIn = inside.length
            ? ` (it includes ${inside.join(', ')}, shared before, which ${inside.length === 1 ? 'is' : 'are'} now part of it)`
            : '';
          context.out(`Sharing ${absolute}${takenIn}`);
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
        if (!config.shares.includes(absolute)) {
          const { container } = await placeFolder(absolute, config.shares);
          if (container) {
            throw new CliError(`${absolute} is not shared on its own: it is part of the shared folder ${container}; \`peerdex unshare ${container}\` stops sharing all of it`);
          }
          throw new CliError(`${absolute} is not shared (see \`peerdex shares\`)`);
        }
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
          shares.map(async (path) => {
            const { container } = await placeFolder(path, shares.filter((share) => share !== path));
            return { path, present: (await stat(path).catch(() => undefined))?.isDirectory() ?? false, partOf: container ?? null };
          }),
        );
        if (options.json) return context.out(JSON.stringify(folders));
        if (folders.length === 0) return context.out('Nothing shared yet: `peerdex share <dir>`');
        for (const folder of folders) {
          context.out(`${folder.path}${folder.present ? '' : '  (missing)'}${folder.partOf ? `  (part of ${folder.partOf}, published with it)` : ''}`);
        }
      }),
    );

  program
    .command('seeding')
    .description('whether completed downloads are shared from where they were saved (on by default; `get --no-seed` skips one)')
    .argument('[on|off]', 'turn seeding on or off; without it, say which it is')
    .action(
      run(async (context: CliContext, wanted: string | undefined) => {
        const config = await context.home.config();
        if (wanted === undefined) return context.out(`Seeding is ${config.seed === false ? 'off' : 'on'}`);
        if (wanted !== 'on' && wanted !== 'off') throw new UsageError(`seeding takes on or off, not "${wanted}"`);
        await context.home.saveConfig({ ...config, seed: wanted === 'on' });
        context.out(wanted === 'on' ? 'Seeding is on: completed downloads are shared from where they were saved' : 'Seeding is off: completed downloads are not shared (files seeded before stay shared)');
      }),
    );
}
