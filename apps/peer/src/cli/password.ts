import { createInterface } from 'node:readline';
import { NewPasswordSchema } from '#contracts';
import { UsageError } from './errors.js';

export interface PasswordSources {
  passwordStdin?: boolean;
}

/**
 * Where passwords come from: a prompt that does not echo on a terminal; otherwise lines of
 * standard input (--password-stdin) or PEERDEX_PASSWORD. Standard input is read once and handed
 * out a line at a time, so a command needing two passwords (passwd) reads them in order.
 */
export class PasswordReader {
  private lines: Promise<string[]> | undefined;

  constructor(private readonly options: PasswordSources) {}

  /** A password to sign in with; `fromEnv: false` for one PEERDEX_PASSWORD cannot be (a new one in passwd). */
  async existing(prompt = 'Password: ', fromEnv = true): Promise<string> {
    if (this.options.passwordStdin) return this.nextLine();
    if (fromEnv && process.env.PEERDEX_PASSWORD) return process.env.PEERDEX_PASSWORD;
    if (!process.stdin.isTTY) throw new UsageError('no password: use --password-stdin, PEERDEX_PASSWORD, or run in a terminal');
    return hiddenPrompt(prompt);
  }

  /** A password being set: asked twice on a terminal (a typo would lock the account), checked against the server's rules. */
  async fresh(prompt: string, repeat: string, outcome: string, fromEnv = true): Promise<string> {
    const interactive = !this.options.passwordStdin && !(fromEnv && process.env.PEERDEX_PASSWORD);
    const password = await this.existing(prompt, fromEnv);
    const valid = NewPasswordSchema.safeParse(password);
    if (!valid.success) throw new UsageError(`the password ${valid.error.issues[0]!.message}; ${outcome}`);
    if (interactive && (await hiddenPrompt(repeat)) !== password) throw new UsageError(`the two passwords differ; ${outcome}`);
    return password;
  }

  private async nextLine(): Promise<string> {
    this.lines ??= readStdin().then((text) => text.split(/\r?\n/));
    const lines = await this.lines;
    const line = lines.shift();
    if (!line) throw new UsageError('--password-stdin: no password was read from standard input');
    return line;
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function hiddenPrompt(prompt: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  const output = rl as unknown as { _writeToOutput: (text: string) => void };
  let prompted = false;
  output._writeToOutput = (text: string) => {
    // readline echoes what is typed; show the prompt once and nothing of the password.
    if (!prompted) process.stderr.write(text);
    prompted = true;
  };
  return new Promise((resolve) =>
    rl.question(prompt, (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    }),
  );
}
