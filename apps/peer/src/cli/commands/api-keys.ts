import type { Command } from 'commander';
import Table from 'cli-table3';
import type { ApiKeyView } from '#contracts';
import type { Run } from '../command.js';
import type { CliContext } from '../context.js';
import { CliError, UsageError } from '../errors.js';
import { formatLocalTime } from '../messages.js';

/** `peerdex apikey create|list|revoke`: personal API keys, for programs using the search API. */
export function apiKeyCommands(program: Command, run: Run): void {
  const apikey = program.command('apikey').description('personal API keys for programs that use the search API');

  apikey
    .command('create')
    .description('create a key (it is shown once)')
    .argument('<name>', 'what the key is for, e.g. "my search script"')
    .option('--json', 'print JSON')
    .action(
      run(async (context: CliContext, name: string, options: { json?: boolean }) => {
        const created = await context.client.createApiKey(name);
        if (options.json) return context.out(JSON.stringify(created));
        context.out(created.key);
        context.err(`API key "${created.name}" created; it is shown only this once. Programs send it as \`X-API-Key: <key>\` to ${context.server}/api/v1/search`);
      }),
    );

  apikey
    .command('list')
    .description('list your keys (never the keys themselves)')
    .option('--json', 'print JSON')
    .action(
      run(async (context: CliContext, options: { json?: boolean }) => {
        const keys = await context.client.apiKeys();
        if (options.json) return context.out(JSON.stringify(keys));
        if (keys.length === 0) return context.out('No API keys yet: `peerdex apikey create <name>`');
        const table = new Table({ head: ['name', 'starts with', 'created', 'last used'], style: { head: [], border: [] } });
        for (const key of keys) {
          table.push([key.name, key.prefix, formatLocalTime(new Date(key.createdAt)), key.lastUsedAt ? formatLocalTime(new Date(key.lastUsedAt)) : 'never']);
        }
        context.out(table.toString());
      }),
    );

  apikey
    .command('revoke')
    .description('revoke a key: programs using it are refused at once')
    .argument('<key>', 'its name, the characters it starts with, or its id')
    .action(
      run(async (context: CliContext, wanted: string) => {
        const key = pick(await context.client.apiKeys(), wanted);
        await context.client.revokeApiKey(key.id);
        context.out(`Revoked the API key "${key.name}" (${key.prefix}…)`);
      }),
    );
}

function pick(keys: ApiKeyView[], wanted: string): ApiKeyView {
  const exact = keys.filter((key) => key.id === wanted || key.name === wanted);
  const matches = exact.length > 0 ? exact : keys.filter((key) => wanted.length >= 4 && key.prefix.startsWith(wanted));
  if (matches.length === 0) throw new CliError(`no API key named or starting with "${wanted}" (see \`peerdex apikey list\`)`);
  if (matches.length > 1) throw new UsageError(`"${wanted}" names ${matches.length} keys; give the characters one starts with (see \`peerdex apikey list\`)`);
  return matches[0]!;
}
