import type { Command } from 'commander';
import { UsernameSchema } from '#contracts';
import type { Run } from '../command.js';
import type { CliContext } from '../context.js';
import { ApiError, ServerUnreachableError, toCredentials } from '../directory-client.js';
import { CliError, UsageError } from '../errors.js';
import { PasswordReader, type PasswordSources } from '../password.js';

export function accountCommands(program: Command, run: Run): void {
  program
    .command('register')
    .description('create an account on the server and sign in (the password is asked twice on a terminal)')
    .argument('<username>', '3 to 32 letters, digits, "_", "." or "-"')
    .option('--password-stdin', 'read the password from standard input')
    .action(
      run(async (context: CliContext, username: string, options: PasswordSources) => {
        const valid = UsernameSchema.safeParse(username);
        if (!valid.success) throw new UsageError(`username ${valid.error.issues[0]!.message}`);
        const password = await new PasswordReader(options).fresh('Password: ', 'Repeat the password: ', 'no account was created');
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
      run(async (context: CliContext, username: string, options: PasswordSources) => {
        const password = await new PasswordReader(options).existing();
        const auth = await context.client.login(username, password);
        await context.home.saveCredentials(context.server, toCredentials(auth));
        context.out(`Signed in as ${auth.user.username} on ${context.server}`);
      }),
    );

  program
    .command('passwd')
    .description('change your password (your other logins are signed out)')
    .option('--password-stdin', 'read the current and the new password from standard input, one line each')
    .action(
      run(async (context: CliContext, options: PasswordSources) => {
        const credentials = await context.client.freshCredentials();
        const passwords = new PasswordReader(options);
        const current = await passwords.existing('Current password: ');
        // PEERDEX_PASSWORD is the current password; the new one is typed (or read from stdin).
        const fresh = await passwords.fresh('New password: ', 'Repeat the new password: ', 'the password was not changed', false);
        try {
          await context.client.changePassword(current, fresh);
        } catch (error) {
          if (error instanceof ApiError && error.status === 403) throw new CliError('the current password is not right; the password was not changed');
          throw error;
        }
        context.out(`Password changed for ${credentials.username} on ${context.server}; your other logins were signed out`);
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
        // Signing out on this computer must always work, even when the server cannot be told.
        const ended = await context.client.logout(credentials).then(
          () => undefined,
          (error: Error) => error,
        );
        await context.home.saveCredentials(context.server, undefined);
        if (ended instanceof ServerUnreachableError) {
          throw new CliError(
            `signed ${credentials.username} out on this computer, but the server at ${context.server} could not be reached, ` +
              'so that login was not ended there (it stays valid until it expires)',
          );
        }
        if (ended) throw new CliError(`signed ${credentials.username} out on this computer, but the server did not end that login: ${ended.message}`);
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
