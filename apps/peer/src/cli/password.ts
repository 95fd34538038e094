import { createInterface } from 'node:readline';
import { UsageError } from './errors.js';

export interface PasswordSources {
  passwordStdin?: boolean;
}

/** The password from --password-stdin, PEERDEX_PASSWORD, or a prompt that does not echo. */
export async function readPassword(options: PasswordSources, prompt = 'Password: '): Promise<string> {
  if (options.passwordStdin) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    const password = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
    if (!password) throw new UsageError('--password-stdin: nothing was read from standard input');
    return password;
  }
  if (process.env.PEERDEX_PASSWORD) return process.env.PEERDEX_PASSWORD;
  if (!process.stdin.isTTY) throw new UsageError('no password: use --password-stdin, PEERDEX_PASSWORD, or run in a terminal');
  return hiddenPrompt(prompt);
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
