import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { CORPUS_ARGS, corpusOptions, fail, HELP_ARG, parseCli, print } from './cli.js';
import { createCorpus } from './corpus.js';
import { SeedError } from './seed/database.js';
import { LOAD_METHODS, seedCorpus, type LoadMethod } from './seed/seed-corpus.js';

const USAGE = `Seeds the search benchmark corpus into DATABASE_URL (a migrated database).
  DATABASE_URL=postgresql://... node dist/bench/search/seed.js [--files N] [--sessions M] [--seed TEXT]
      [--reset] [--method copy|unnest]
  --reset   empties the directory tables and removes earlier seeded users first
  --method  copy (COPY FROM STDIN, default) or unnest (INSERT ... SELECT FROM unnest), to compare`;

const { values } = parseCli(USAGE, () =>
  parseArgs({ options: { ...CORPUS_ARGS, ...HELP_ARG, reset: { type: 'boolean', default: false }, method: { type: 'string', default: 'copy' } }, strict: true }),
);
if (values.help) {
  print(USAGE);
  process.exit(0);
}
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl || !/^postgres(ql)?:\/\//.test(databaseUrl)) fail(`DATABASE_URL must be set to a postgresql:// URL\n\n${USAGE}`);
if (!(values.method in LOAD_METHODS)) fail(`--method must be one of ${Object.keys(LOAD_METHODS).join(', ')} (got "${values.method}")`);
const options = corpusOptions(values);

const pool = new pg.Pool({ connectionString: databaseUrl, max: 4, application_name: 'peerdex-search-seed' });
const started = performance.now();
let reported = 0;
try {
  const corpus = createCorpus(options);
  print(`seeding ${options.files.toLocaleString('en')} files over ${options.sessions.toLocaleString('en')} sessions (seed "${options.seed}", method ${values.method}) into ${redact(databaseUrl)}`);
  const timings = await seedCorpus(pool, corpus, {
    method: values.method as LoadMethod,
    reset: values.reset,
    progress: (done, total) => {
      if (done - reported < 100_000 && done < total) return;
      reported = done;
      const seconds = (performance.now() - started) / 1000;
      print(`  ${done.toLocaleString('en')} / ${total.toLocaleString('en')} files (${seconds.toFixed(1)} s, ${Math.round(done / seconds).toLocaleString('en')} files/s)`);
    },
  });
  print(
    `seeded ${timings.files.toLocaleString('en')} files, ${timings.fileWords.toLocaleString('en')} file_words rows, ${timings.sessions.toLocaleString('en')} sessions: ` +
      `prepare ${(timings.prepareMs / 1000).toFixed(1)} s, load ${(timings.loadMs / 1000).toFixed(1)} s, VACUUM ANALYZE ${(timings.vacuumAnalyzeMs / 1000).toFixed(1)} s, total ${(timings.totalMs / 1000).toFixed(1)} s`,
  );
  print('seeded sessions count as online for 30 s: bench:search keeps them alive, or run npm run bench:search:keepalive');
} catch (error) {
  if (error instanceof SeedError) fail(`seed: ${error.message}`);
  throw error;
} finally {
  await pool.end();
}

function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
