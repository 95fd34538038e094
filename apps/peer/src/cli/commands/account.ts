import type { Command } from 'commander';
import { UsernameSchema } from '#contracts';
import type { Run } from '../command.js';
import type { CliContext } from '../context.js';
import { toCredentials } from '../directory-client.js';
import { UsageError } from '../errors.js';
import { readPassword } from '../password.js';



export function accountCommands(program: Command, run: Run): void {
  program
    .command('register')
    .description('create an account on the server and sign in')
    .argument('<username>', '3 to 32 letters, digits, "_", "." or "-"')
    .option('--password-stdin', 'read the password from standard input')
    .action(
      run(async (context: CliContext, username: string, options: { passwordStdin?: boolean }) => {
        const valid = UsernameSchema.safeParse(username);
        if (!valid.success) throw new UsageError(`username ${valid.error.issues[0]!.message}`);
        const password = await readPassword(options);
        const auth = await context.client.register(username, password);
        await context.home.saveCredentials(context.server, toCredentials(auth));
        context.out(`Registered and signed in as ${auth.user.username} on ${context.server}`);
      }),
    );

  program
    .command('login')
    .description('sign in to the server')
    .argument('<username>')
    .option('--password-stdin', 'read the password from standard input')
    .action(
      run(async (context: CliContext, username: string, options: { passwordStdin?: boolean }) => {
        const password = await readPassword(options);
        const auth = await context.client.login(username, password);
        await context.home.saveCredentials(context.server, toCredentials(auth));
        context.out(`Signed in as ${auth.user.username} on ${context.server}`);
      }),
    );

  program
    .command('logout')
    .description('sign out (ends this login on the server too)')
    .action(
      run(async (context: CliContext) => {
        const credentials = await context.home.credentials(context.server);
        if (!credentials) {
          context.out(`Not signed in to ${context.server}`);
          return;
        }
        await context.client.logout(credentials).catch(() => undefined); // signing out locally must always work
        await context.home.saveCredentials(context.server, undefined);
        context.out(`Signed out ${credentials.username} from ${context.server}`);
      }),
    );

  program
    .command('whoami')
    .description('show who is signed in')
    .option('--json', 'print JSON')
    .action(
      run(async (context: CliContext, options: { json?: boolean }) => {
        const me = await context.client.me();
        context.out(options.json ? JSON.stringify({ server: context.server, ...me }) : `${me.username} (${me.role}) on ${context.server}`);
      }),
    );
}
