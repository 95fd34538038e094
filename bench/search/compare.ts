import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { type SearchQueryInput } from '#contracts';
import pg from 'pg';
import { CORPUS_ARGS, corpusOptions, databaseUrlFromEnv, exitOnHelp, HELP_ARG, parseCli, print, wholeNumber } from './cli.js';
import { createCorpus } from './corpus.js';
import { buildQueryMix, QUERY_WEIGHTS, type QueryKind } from './queries.js';
import { keepSeededSessionsAlive, touchSeededSessions } from './seed/database.js';
import { BenchError, type ConnectedPeer, connectPeer, createApiKey, registerUser } from './run/clients.js';
import { removeBenchUsers, seededSize } from './run/database.js';
import { indexList } from './run/indexing.js';
import { describeEnvironment } from './run/report.js';
import { type RunningServer, startServer } from './run/server.js';
import { type Contestant, ftsContestant, prepareFts, referenceContestant, restContestant, socketContestant } from './compare/contestants.js';
import { copyRows, dropCopyTable } from './compare/ingest.js';
import { startNode } from './compare/nodes.js';
import { loadAverage, referenceEntry, residentBytes, waitReady } from './compare/processes.js';
import { entrant, interleave, type KindSample, overlapSample } from './compare/rounds.js';
import { median, overlap, percentile, ratio, type Round, summarizeRounds, type TopPage } from './compare/stats.js';

const USAGE = `Compares Peerdex's search with an independent in-memory reference index and PostgreSQL
full-text search on a seeded database (npm run bench:search:seed first), then share:sync ingest
with a plain COPY. Prints markdown for docs/benchmarks.md.
  DATABASE_URL=postgresql://... npm run bench:search -- [options]
  --files N --sessions M --seed TEXT   the corpus the database was seeded with (defaults: 1,000,000 / 10,000)
  --rounds R           interleaved rounds (default 3)
  --per-round N        searches per contestant per round, one at a time (default 200)
  --duration S         seconds per contestant per round at --concurrency in flight (default 6)
  --concurrency C      searches in flight for throughput (default 8)
  --sockets K          peer sockets per server (default 4)
  --sample N           distinct queries compared with the reference's top 20 (default 100)
  --save-top20 FILE    write Peerdex's top 20 of the sample (to compare a later build with this one)
  --compare-top20 FILE compare Peerdex's top 20 with a file written by --save-top20
  --index-files N      files of the ingest list (default 100000)   --ingest-rounds R (default 2)
  --skip-ingest  --skip-fts  --skip-rest  --ingest-only (one node, no search rounds)`;

const { values } = parseCli(USAGE, () =>
  parseArgs({
    options: {
      ...CORPUS_ARGS,
      ...HELP_ARG,
      rounds: { type: 'string', default: '3' },
      'per-round': { type: 'string', default: '200' },
      duration: { type: 'string', default: '6' },
      concurrency: { type: 'string', default: '8' },
      sockets: { type: 'string', default: '4' },
      sample: { type: 'string', default: '100' },
      'save-top20': { type: 'string' },
      'compare-top20': { type: 'string' },
      'index-files': { type: 'string', default: '100000' },
      'ingest-rounds': { type: 'string', default: '2' },
      'skip-ingest': { type: 'boolean', default: false },
      'skip-fts': { type: 'boolean', default: false },
      'skip-rest': { type: 'boolean', default: false },
      'ingest-only': { type: 'boolean', default: false },
    },
    strict: true,
  }),
);
exitOnHelp(values, USAGE);
const databaseUrl = databaseUrlFromEnv(USAGE);
const options = corpusOptions(values);
const rounds = wholeNumber('--rounds', values.rounds, 1, 20);
const perRound = wholeNumber('--per-round', values['per-round'], 10, 100_000);
const durationMs = 1000 * wholeNumber('--duration', values.duration, 1, 600);
const concurrency = wholeNumber('--concurrency', values.concurrency, 1, 256);
const sockets = wholeNumber('--sockets', values.sockets, 1, 64);
const sampleSize = wholeNumber('--sample', values.sample, 1, 10_000);
const indexFiles = wholeNumber('--index-files', values['index-files'], 1, 1_000_000);
const ingestRounds = wholeNumber('--ingest-rounds', values['ingest-rounds'], 0, 10);
const ingestOnly = values['ingest-only'];

const pool = new pg.Pool({ connectionString: databaseUrl, max: 12, application_name: 'peerdex-search-compare', statement_timeout: 60_000 });
const keepAlive = keepSeededSessionsAlive(pool, { onError: (error) => print(`keep-alive failed: ${error.message}`) });
const started: RunningServer[] = [];
const peers: ConnectedPeer[] = [];
const out = print;

try {
  const seeded = await seededSize(pool);
  if (seeded.files !== options.files || seeded.sessions !== options.sessions) {
    throw new BenchError(`the database holds ${seeded.files} seeded files over ${seeded.sessions} sessions, not ${options.files} over ${options.sessions}: seed it or pass --files/--sessions as seeded`);
  }
  await removeBenchUsers(pool);
  await touchSeededSessions(pool);
  await pool.query('VACUUM (ANALYZE) peer_sessions');
  if (!values['skip-fts'] && !ingestOnly) print(`full-text table: ${(await prepareFts(pool, seeded.files)) ? 'built' : 'already there'}`);

  // Two Peerdex nodes on the same database: one with the ranking cache (default), one without.
  const node = async (label: string, env: Record<string, string>) => {
    const server = await startNode({ DATABASE_URL: databaseUrl, ...env });
    started.push(server);
    const readyMs = await waitReady(server.baseUrl);
    const run = `${Date.now().toString(36)}${label}`;
    const users = await Promise.all(Array.from({ length: sockets }, (_, i) => registerUser(server.baseUrl, `${run}.${i}`)));
    const auth = { header: 'authorization', key: await createApiKey(server.baseUrl, users[0]!) };
    const nodePeers: ConnectedPeer[] = [];
    for (const user of users) nodePeers.push(await connectPeer(server.baseUrl, user));
    peers.push(...nodePeers);
    print(`node ${label} at ${server.baseUrl}: ready ${(readyMs / 1000).toFixed(1)} s after listening, RSS ${((await residentBytes(server.pid)) / 2 ** 20).toFixed(0)} MiB`);
    return { server, auth, peers: nodePeers };
  };
  const cached = await node('c', {});
  const corpus = createCorpus(options);
  if (!ingestOnly) {
    const reference = await startServer({ DATABASE_URL: databaseUrl, NODE_OPTIONS: '--max-old-space-size=4096' }, 600_000, referenceEntry());
    started.push(reference);
    const referenceStats = (await (await fetch(`${reference.baseUrl}/stats`)).json()) as { files: number; loadMs: number; rss: number; heapUsed: number };
    print(`reference: ${referenceStats.files} files in ${(referenceStats.loadMs / 1000).toFixed(1)} s, RSS ${(referenceStats.rss / 2 ** 20).toFixed(0)} MiB`);

    const uncached = await node('u', { SEARCH_CACHE_TTL: '0' });

    const REFERENCE = 'reference index (node:http)';
    const contestants: Contestant[] = [
      referenceContestant(REFERENCE, reference.baseUrl),
      socketContestant('Peerdex Socket.IO, cache off', uncached.peers),
      socketContestant('Peerdex Socket.IO, cache 5 s', cached.peers),
    ];
    if (!values['skip-rest']) {
      contestants.push(restContestant('Peerdex REST, cache off', uncached.server.baseUrl, uncached.auth));
      contestants.push(restContestant('Peerdex REST, cache 5 s', cached.server.baseUrl, cached.auth));
    }
    if (!values['skip-fts']) contestants.push(ftsContestant('PostgreSQL full-text (GIN, prefix AND)', pool));

    const mix = buildQueryMix(corpus, 2000);

    // Overlap first, on a quiet machine: each contestant's top 20 of the sample against the reference's.
    const sample = overlapSample(mix, sampleSize);
    const labels = sample.map((input) => JSON.stringify(input));
    const tops = new Map<string, TopPage[]>();
    for (const contestant of contestants) {
      const pages: TopPage[] = [];
      for (const input of sample) pages.push((await contestant.search(input)).top);
      tops.set(contestant.name, pages);
    }
    const peerdexTop = tops.get('Peerdex Socket.IO, cache off')!;
    if (values['save-top20']) await writeFile(values['save-top20'], JSON.stringify(sample.map((input, i) => ({ input, hashes: peerdexTop[i]!.hashes, sourceCounts: [...peerdexTop[i]!.sourceCounts] }))));

    const entries = [];
    for (const contestant of contestants) entries.push(await entrant(contestant, mix));
    for (const entry of entries) await interleave([entry], 1, { concurrency: 1, maxSearches: 50, durationMs: 60_000 }, () => undefined);

    const loads: number[] = [];
    const progress = (phase: string) => (name: string, round: number, result: Round) => {
      loads.push(result.load);
      print(`${phase} round ${round + 1}/${rounds} ${name}: ${result.latencies.length} searches, p50 ${percentile(result.latencies, 0.5).toFixed(1)} ms, p99 ${percentile(result.latencies, 0.99).toFixed(1)} ms, ${((result.latencies.length / result.elapsedMs) * 1000).toFixed(0)}/s, load ${result.load.toFixed(1)}`);
    };
    const kinds = new Map<string, KindSample[]>(contestants.map((c) => [c.name, []]));
    const serial = await interleave(entries, rounds, { concurrency: 1, maxSearches: perRound, durationMs: 600_000 }, progress('one at a time'), kinds);
    const parallel = await interleave(entries, rounds, { concurrency, maxSearches: 10_000_000, durationMs }, progress(`${concurrency} in flight`));

    const ref1 = summarizeRounds(serial.get(REFERENCE)!);
    const refN = summarizeRounds(parallel.get(REFERENCE)!);
    out(`### Results ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`);
    out();
    out(`- corpus: ${options.files.toLocaleString('en')} files over ${options.sessions.toLocaleString('en')} online sessions (seed "${options.seed}"); the 2,000-query mix`);
    out(`- ${rounds} interleaved rounds (order rotated each round): one at a time ${perRound} searches per contestant per round (the same stretch of the mix for all); ${concurrency} in flight for ${durationMs / 1000} s each; figures are medians over rounds`);
    out(`- machine load (1-minute average) at the end of the rounds: median ${median(loads).toFixed(1)}, ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} (2 cores, shared)`);
    out(`- reference index: ${referenceStats.files.toLocaleString('en')} files, built from PostgreSQL in ${(referenceStats.loadMs / 1000).toFixed(1)} s (${(referenceStats.rss / 2 ** 20).toFixed(0)} MiB RSS right after building, ${(referenceStats.heapUsed / 2 ** 20).toFixed(0)} MiB of heap; memory per file: bench:search:footprint)`);
    out();
    out('| contestant | one at a time p50 / p99 ms | ratio to reference p50 / p99 | searches/s at ' + concurrency + ' in flight (range over rounds) | ratio to reference | errors |');
    out('| --- | --- | --- | --- | --- | --- |');
    for (const contestant of contestants) {
      const one = summarizeRounds(serial.get(contestant.name)!);
      const many = summarizeRounds(parallel.get(contestant.name)!);
      out(`| ${contestant.name} | ${one.p50.toFixed(1)} / ${one.p99.toFixed(1)} | ${ratio(one.p50, ref1.p50)} / ${ratio(one.p99, ref1.p99)} | ${many.perSecond.toFixed(0)} (${many.perSecondRange.map((v) => v.toFixed(0)).join('–')}) | ${ratio(many.perSecond, refN.perSecond)} | ${one.errors + many.errors} |`);
    }
    out();
    out('One at a time, p50 / p99 ms by kind of query (all rounds pooled):');
    out();
    out(`| kind | ${contestants.map((c) => c.name).join(' | ')} |`);
    out(`| --- | ${contestants.map(() => '---').join(' | ')} |`);
    for (const kind of Object.keys(QUERY_WEIGHTS) as QueryKind[]) {
      const cells = contestants.map((c) => {
        const ms = kinds.get(c.name)!.filter((s) => s.kind === kind).map((s) => s.ms);
        return `${percentile(ms, 0.5).toFixed(1)} / ${percentile(ms, 0.99).toFixed(1)}`;
      });
      out(`| ${kind} | ${cells.join(' | ')} |`);
    }
    out();
    out(`Top-20 overlap with the reference on ${sample.length} distinct first-page queries of the mix (share of the reference's top-20 hashes returned; queries with the same top 20; hashes in both with the same sourceCount):`);
    out();
    out('| contestant | overlap | same top 20 | same sourceCount |');
    out('| --- | --- | --- | --- |');
    const referenceTop = tops.get(REFERENCE)!;
    for (const contestant of contestants.slice(1)) {
      const o = overlap(labels, tops.get(contestant.name)!, referenceTop);
      out(`| ${contestant.name} | ${(100 * o.meanShare).toFixed(1)} % | ${o.identical} of ${o.queries} | ${(100 * o.sameSourceCount).toFixed(1)} % |`);
    }
    const differing = overlap(labels, peerdexTop, referenceTop).differing;
    if (differing.length > 0) out(`\nQueries where Peerdex (cache off) and the reference differ: ${differing.slice(0, 12).map((q) => `\`${q}\``).join(', ')}${differing.length > 12 ? ` and ${differing.length - 12} more` : ''}`);
    if (values['compare-top20']) {
      const saved = JSON.parse(await readFile(values['compare-top20'], 'utf8')) as Array<{ input: SearchQueryInput; hashes: string[]; sourceCounts: Array<[string, number]> }>;
      const byInput = new Map(saved.map((entry) => [JSON.stringify(entry.input), entry]));
      const common = labels.filter((label) => byInput.has(label));
      const old = common.map((label) => ({ hashes: byInput.get(label)!.hashes, sourceCounts: new Map(byInput.get(label)!.sourceCounts) }));
      const ours = common.map((label) => peerdexTop[labels.indexOf(label)]!);
      const o = overlap(common, ours, old);
      out(`\nAgainst the saved top 20 of ${values['compare-top20']} (${common.length} queries): ${(100 * o.meanShare).toFixed(1)} % of its hashes returned, ${o.identical} identical top 20, ${(100 * o.sameSourceCount).toFixed(1)} % same sourceCount${o.differing.length ? `; differing: ${o.differing.slice(0, 8).map((q) => `\`${q}\``).join(', ')}` : ''}`);
    }

  }
  if (!values['skip-ingest'] && ingestRounds > 0) {
    out();
    out(`Ingest of one ${indexFiles.toLocaleString('en')}-file list, ${ingestRounds} rounds interleaved (COPY first, then share:sync, each round a fresh peer on the cached node):`);
    out();
    out('| round | plain COPY into an unindexed table, s | share:sync to final ack, s | share:sync until a search finds its file, s | ratio (searchable / COPY) | batches refused (503) and resent | load |');
    out('| --- | --- | --- | --- | --- | --- | --- |');
    const files = corpus.extraLibrary('indexing', indexFiles);
    const ratios: number[] = [];
    for (let round = 0; round < ingestRounds; round++) {
      const copyMs = await copyRows(pool, files, randomUUID());
      const publisher = await connectPeer(cached.server.baseUrl, await registerUser(cached.server.baseUrl, `${Date.now().toString(36)}.i${round}`));
      peers.push(publisher);
      const result = await indexList(publisher, cached.peers[0]!, files);
      const searchableMs = result.indexMs + result.probe.searchMs;
      ratios.push(searchableMs / copyMs);
      out(`| ${round + 1} | ${(copyMs / 1000).toFixed(2)} | ${(result.indexMs / 1000).toFixed(2)} | ${result.probe.found ? (searchableMs / 1000).toFixed(2) : 'not found within 5 s'} | ${(searchableMs / copyMs).toFixed(2)}× | ${result.retries} | ${loadAverage().toFixed(1)} |`);
      publisher.close();
    }
    out(`\nMedian ratio: ${median(ratios).toFixed(2)}× (target ≤ 1.5×).`);
    await dropCopyTable(pool);
  }
  out();
  out('Environment:');
  out();
  for (const line of await describeEnvironment(pool)) out(`- ${line}`);
} catch (error) {
  process.exitCode = 1;
  print(`bench:search failed: ${(error as Error).stack ?? (error as Error).message}`);
  for (const server of started) print(`process output (end):\n${server.output().slice(-3000)}`);
} finally {
  for (const peer of peers) peer.close();
  for (const server of started) await server.stop();
  await keepAlive.stop();
  await removeBenchUsers(pool).catch(() => undefined);
  await pool.end();
}
