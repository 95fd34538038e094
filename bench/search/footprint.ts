import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { CORPUS_ARGS, corpusOptions, fail, HELP_ARG, exitOnHelp, parseCli, print, wholeNumber } from './cli.js';
import { keepSeededSessionsAlive, touchSeededSessions } from './seed/database.js';
import { seededSize } from './run/database.js';
import { startServer } from './run/server.js';
import { startNode } from './compare/nodes.js';
import { loadAverage, referenceEntry, residentBytes, waitReady } from './compare/processes.js';
import { bytesPerItem, median } from './compare/stats.js';

const USAGE = `Start-up time and memory per indexed file: a Peerdex node and the reference index, each
started on an empty database (its baseline) and on the seeded one, rounds alternating.
  DATABASE_URL=postgresql://.../peerdex_bench EMPTY_DATABASE_URL=postgresql://.../peerdex_bench_empty \\
    npm run bench:search:footprint -- [--files N --sessions M] [--rounds R (2)] [--settle S (3)]`;

const { values } = parseCli(USAGE, () =>
  parseArgs({ options: { ...CORPUS_ARGS, ...HELP_ARG, rounds: { type: 'string', default: '2' }, settle: { type: 'string', default: '3' } }, strict: true }),
);
exitOnHelp(values, USAGE);
const databaseUrl = process.env.DATABASE_URL;
const emptyUrl = process.env.EMPTY_DATABASE_URL;
if (!databaseUrl || !emptyUrl) fail(`DATABASE_URL (seeded) and EMPTY_DATABASE_URL (migrated, no files) must be set\n\n${USAGE}`);
const options = corpusOptions(values);
const rounds = wholeNumber('--rounds', values.rounds, 1, 10);
const settleMs = 1000 * wholeNumber('--settle', values.settle, 0, 60);

const pool = new pg.Pool({ connectionString: databaseUrl, max: 3, application_name: 'peerdex-search-footprint' });
const keepAlive = keepSeededSessionsAlive(pool);

interface Start {
  /** spawn to /health/ready 200 (Peerdex) or to listening (the reference, which listens once built) */
  readyMs: number;
  rss: number;
}

/** Starts, waits until ready, lets it settle, reads its RSS, stops it. */
async function measure(kind: 'peerdex' | 'reference', url: string): Promise<Start> {
  const begin = performance.now();
  const server = kind === 'peerdex' ? await startNode({ DATABASE_URL: url }) : await startServer({ DATABASE_URL: url }, 900_000, referenceEntry());
  try {
    if (kind === 'peerdex') await waitReady(server.baseUrl, 900_000);
    const readyMs = performance.now() - begin;
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    return { readyMs, rss: await residentBytes(server.pid) };
  } finally {
    await server.stop();
  }
}

try {
  const seeded = await seededSize(pool);
  if (seeded.files !== options.files || seeded.sessions !== options.sessions) fail(`the database holds ${seeded.files} files over ${seeded.sessions} sessions, not ${options.files} over ${options.sessions}`);
  await touchSeededSessions(pool);
  const rows: string[] = [];
  for (const kind of ['peerdex', 'reference'] as const) {
    const empty: Start[] = [];
    const full: Start[] = [];
    for (let round = 0; round < rounds; round++) {
      empty.push(await measure(kind, emptyUrl));
      full.push(await measure(kind, databaseUrl));
      print(`${kind} round ${round + 1}: empty ${(empty.at(-1)!.rss / 2 ** 20).toFixed(0)} MiB in ${(empty.at(-1)!.readyMs / 1000).toFixed(1)} s; ${options.files} files ${(full.at(-1)!.rss / 2 ** 20).toFixed(0)} MiB in ${(full.at(-1)!.readyMs / 1000).toFixed(1)} s; load ${loadAverage().toFixed(1)}`);
    }
    const baseline = median(empty.map((s) => s.rss));
    const rss = median(full.map((s) => s.rss));
    rows.push(
      `| ${kind === 'peerdex' ? 'Peerdex node' : 'reference index'} | ${(median(full.map((s) => s.readyMs)) / 1000).toFixed(1)} (${full.map((s) => (s.readyMs / 1000).toFixed(1)).join(', ')}) | ${(median(empty.map((s) => s.readyMs)) / 1000).toFixed(1)} | ${(rss / 2 ** 20).toFixed(0)} | ${(baseline / 2 ** 20).toFixed(0)} | ${bytesPerItem(rss, baseline, options.files).toFixed(0)} |`,
    );
  }
  print(`\n${options.files.toLocaleString('en')} files over ${options.sessions.toLocaleString('en')} sessions, ${rounds} rounds each, RSS read ${settleMs / 1000} s after ready; median load ${loadAverage().toFixed(1)}\n`);
  print(`| process | start to ready, s (rounds) | on an empty database, s | RSS MiB | baseline RSS MiB (empty database) | bytes per file beyond baseline |`);
  print('| --- | --- | --- | --- | --- | --- |');
  for (const row of rows) print(row);
} finally {
  await keepAlive.stop();
  await pool.end();
}
