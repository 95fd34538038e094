import { DEFAULT_CORPUS, type CorpusOptions } from './corpus.js';

/** Options every bench script shares; bad values stop the script with a message naming them. */
export const CORPUS_ARGS = {
  files: { type: 'string', default: String(DEFAULT_CORPUS.files) },
  sessions: { type: 'string', default: String(DEFAULT_CORPUS.sessions) },
  seed: { type: 'string', default: DEFAULT_CORPUS.seed },
} as const;

export const HELP_ARG = { help: { type: 'boolean', default: false } } as const;

/** Runs node's parseArgs, turning its errors into a usage message and exit code 2. */
export function parseCli<T>(usage: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    fail(`${(error as Error).message}\n\n${usage}`);
  }
}

export function corpusOptions(values: { files?: unknown; sessions?: unknown; seed?: unknown }): CorpusOptions {
  return {
    files: wholeNumber('--files', values.files, 1, 50_000_000),
    sessions: wholeNumber('--sessions', values.sessions, 1, 1_000_000),
    seed: String(values.seed),
  };
}

export function wholeNumber(name: string, value: unknown, min: number, max: number): number {
  const text = String(value).replace(/_/g, '');
  const number = Number(text);
  if (!/^\d+$/.test(text) || number < min || number > max) fail(`${name} must be a whole number from ${min} to ${max} (got "${String(value)}")`);
  return number;
}

export function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

export function print(line = ''): void {
  process.stdout.write(`${line}\n`);
}

/** Prints the usage and exits 0 when --help was given. */
export function exitOnHelp(values: { help?: boolean }, usage: string): void {
  if (!values.help) return;
  print(usage);
  process.exit(0);
}

/** DATABASE_URL from the environment: a postgresql:// URL, or the usage and exit code 2. */
export function databaseUrlFromEnv(usage: string): string {
  const url = process.env.DATABASE_URL;
  if (!url || !/^postgres(ql)?:\/\//.test(url)) fail(`DATABASE_URL must be set to a postgresql:// URL of a seeded database\n\n${usage}`);
  return url;
}
