import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { CORPUS_ARGS, corpusOptions, databaseUrlFromEnv, exitOnHelp, fail, HELP_ARG, parseCli, print, wholeNumber } from './cli.js';
import { createCorpus } from './corpus.js';
import { buildQueryMix } from './queries.js';
import { keepSeededSessionsAlive, touchSeededSessions } from './seed/database.js';
import { BenchError, type ConnectedPeer, connectPeer, createApiKey, registerUser } from './run/clients.js';
import { removeBenchUsers, seededSize } from './run/database.js';
import { indexList, type IndexingResult } from './run/indexing.js';
import { type Execute, merge, type Measurement, runLoad } from './run/measure.js';
import { type FirstPage, rawFirstPage, resolveSecondPages, restFirstPage } from './run/pages.js';
import { describeEnvironment, renderReport, writeResults } from './run/report.js';
import { SEARCH_SQL } from './run/search-sql.js';
import { type RunningServer, startServer } from './run/server.js';
import { rawSqlTransport, restTransport, socketTransport } from './run/transports.js';

const USAGE = `Measures search against a seeded database (npm run bench:search:seed first).
  DATABASE_URL=postgresql://... npm run bench:search -- [options]
  --files N --sessions M --seed TEXT   the corpus the database was seeded with (defaults: 1,000,000 / 10,000)
  --concurrency C     concurrent searches (default 16)      --sockets K      peer sockets (default 4)
  --rounds R          rounds per transport (default 3)      --duration S     seconds per round (default 10)
  --warmup S          seconds of warm-up per transport (default 3)
  --queries N         size of the query mix (default 2000)  --pool P         DATABASE_POOL_SIZE of the server and the raw pool (default 10)
  --index-files N     files of the indexing list (default 100000)   --skip-indexing
  --api-key-header H  header carrying the API key (default authorization: "Bearer <key>")
  --raw-only          no server: only the raw SQL baseline
  --skip-docs         do not write docs/benchmarks.md`;

const { values } = parseCli(USAGE, () =>
  parseArgs({
    options: {
      ...CORPUS_ARGS,
      ...HELP_ARG,
      concurrency: { type: 'string', default: '16' },
      sockets: { type: 'string', default: '4' },
      rounds: { type: 'string', default: '3' },
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '3' },
      queries: { type: 'string', default: '2000' },
      pool: { type: 'string', default: '10' },
      'index-files': { type: 'string', default: '100000' },
      'skip-indexing': { type: 'boolean', default: false },
      'api-key-header': { type: 'string', default: 'authorization' },
      'raw-only': { type: 'boolean', default: false },
      'skip-docs': { type: 'boolean', default: false },
      docs: { type: 'string', default: 'docs/benchmarks.md' },
    },
    strict: true,
  }),
);
exitOnHelp(values, USAGE);
const databaseUrl = databaseUrlFromEnv(USAGE);
if (!/^[A-Za-z0-9-]{1,64}$/.test(values['api-key-header'])) fail('--api-key-header must be an HTTP header name');
const options = corpusOptions(values);
const shape = {
  concurrency: wholeNumber('--concurrency', values.concurrency, 1, 512),
  durationMs: 1000 * wholeNumber('--duration', values.duration, 1, 600),
  maxRequests: 1_000_000,
};
const sockets = wholeNumber('--sockets', values.sockets, 1, 64);
const rounds = wholeNumber('--rounds', values.rounds, 1, 20);
const warmupMs = 1000 * wholeNumber('--warmup', values.warmup, 0, 120);
const poolSize = wholeNumber('--pool', values.pool, 1, 200);
const indexFiles = wholeNumber('--index-files', values['index-files'], 1, 1_000_000);
const mixSize = wholeNumber('--queries', values.queries, 10, 100_000);
const rawOnly = values['raw-only'];

// A runaway query must not hold a run (or the database) for minutes: it counts as an error instead.
const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize + 2, application_name: 'peerdex-search-bench', statement_timeout: 30_000 });
const keepAlive = keepSeededSessionsAlive(pool, { onError: (error) => print(`keep-alive failed: ${error.message}`) });
const peers: ConnectedPeer[] = [];
let server: RunningServer | undefined;
let dataDir: string | undefined;
try {
  const seeded = await seededSize(pool);
  if (seeded.files !== options.files || seeded.sessions !== options.sessions) {
    throw new BenchError(`the database holds ${seeded.files} seeded files over ${seeded.sessions} sessions, not ${options.files} over ${options.sessions}: seed it (npm run bench:search:seed -- --reset) or pass --files/--sessions as seeded`);
  }
  await removeBenchUsers(pool);
  await touchSeededSessions(pool);
  await pool.query('VACUUM (ANALYZE) peer_sessions');
  const corpus = createCorpus(options);
  const queries = buildQueryMix(corpus, mixSize);
  print(`corpus: ${options.files.toLocaleString('en')} files over ${options.sessions.toLocaleString('en')} sessions; ${queries.length} queries in the mix; raw SQL: ${SEARCH_SQL.label}`);

  const transports: Array<{ name: string; execute: Execute }> = [{ name: 'raw SQL (pg, in process)', execute: rawSqlTransport(pool, SEARCH_SQL) }];
  let baseUrl: string | undefined;
  let firstPage: FirstPage = rawFirstPage(pool, SEARCH_SQL);
  if (!rawOnly) {
    dataDir = await mkdtemp(join(tmpdir(), 'peerdex-search-bench-'));
    server = await startServer({
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_SIZE: String(poolSize),
      LOG_LEVEL: 'warn',
      PEERDEX_DATA_DIR: dataDir,
      JWT_SECRET: randomBytes(32).toString('hex'),
      ADMIN_PASSWORD: randomBytes(18).toString('base64url'),
      ACCESS_TOKEN_TTL: '2h',
      SEARCH_RATE_LIMIT_PER_MINUTE: '1000000',
      AUTH_RATE_LIMIT_PER_IP: '10000',
      AUTH_RATE_LIMIT_PER_USERNAME: '10000',
    });
    baseUrl = server.baseUrl;
    print(`server listening on ${baseUrl}`);
    const run = Date.now().toString(36);
    const users = await Promise.all(Array.from({ length: sockets }, (_, i) => registerUser(baseUrl!, `${run}.${i}`)));
    const auth = { header: values['api-key-header'], key: await createApiKey(baseUrl, users[0]!) };
    firstPage = restFirstPage(baseUrl, auth);
    for (const user of users) peers.push(await connectPeer(baseUrl, user));
    print(`${peers.length} peers ready (heartbeat every ${Math.min(peers[0]!.ready.heartbeatIntervalMs, 5000)} ms)`);
    transports.push({ name: 'Socket.IO search + ack', execute: socketTransport(peers) });
    transports.push({ name: 'REST GET /api/v1/search + API key', execute: restTransport(baseUrl, auth) });
  }

  const pages = await resolveSecondPages(queries, firstPage);
  print(`second pages: ${pages.withCursor} queries carry a cursor, ${pages.withoutCursor} had a single page`);

  for (const transport of transports) {
    if (warmupMs > 0) await runLoad(queries, transport.execute, { ...shape, durationMs: warmupMs }, 7919);
  }
  const measured = new Map<string, Measurement[]>(transports.map((t) => [t.name, []]));
  for (let round = 0; round < rounds; round++) {
    // Rotate the order each round so no transport always runs right after another.
    for (let i = 0; i < transports.length; i++) {
      const transport = transports[(round + i) % transports.length]!;
      const result = await runLoad(queries, transport.execute, shape, round * 1009);
      measured.get(transport.name)!.push(result);
      print(`round ${round + 1}/${rounds} ${transport.name}: ${result.samples.length} searches, ${result.errors.length} errors, ${((result.samples.length / result.elapsedMs) * 1000).toFixed(0)}/s`);
    }
  }

  let indexing: IndexingResult | undefined;
  if (!rawOnly && !values['skip-indexing']) {
    const indexer = await connectPeer(baseUrl!, await registerUser(baseUrl!, `${Date.now().toString(36)}.idx`));
    peers.push(indexer);
    indexing = await indexList(indexer, peers[0]!, corpus.extraLibrary('indexing', indexFiles));
    print(`indexed ${indexing.files} files in ${(indexing.indexMs / 1000).toFixed(2)} s; probe ${indexing.probe.found ? 'found' : 'did not find'} its file`);
  }

  const argv = process.argv.slice(2).join(' ');
  const markdown = renderReport({
    title: `Results ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC${rawOnly ? ' (raw SQL only)' : ''}`,
    settings: [
      `corpus: ${options.files.toLocaleString('en')} files over ${options.sessions.toLocaleString('en')} online sessions (seed "${options.seed}"); a mix of ${queries.length} queries, ${pages.withCursor} of them second pages`,
      `${shape.concurrency} concurrent searches${rawOnly ? '' : ` over ${sockets} peer sockets (websocket transport)`}; ${rounds} rounds × ${shape.durationMs / 1000} s per transport after ${warmupMs / 1000} s of warm-up, transports interleaved`,
      `server SEARCH_CACHE_TTL=${process.env.SEARCH_CACHE_TTL ?? '5s (the default)'}: a node reuses a query's ranking that long, sources are always read fresh (the raw baseline never reuses); server DATABASE_POOL_SIZE=${poolSize}, raw pool ${poolSize + 2} connections`,
      `raw SQL: ${SEARCH_SQL.label}`,
    ],
    transports: transports.map((t) => ({ name: t.name, measurement: merge(measured.get(t.name)!) })),
    indexing,
    environment: await describeEnvironment(pool),
    command: `DATABASE_URL=${redact(databaseUrl)} npm run bench:search${argv ? ` -- ${argv}` : ''}`,
  });
  print(`\n${markdown}\n`);
  if (!values['skip-docs']) {
    await writeResults(values.docs, markdown);
    print(`written to ${values.docs}`);
  }
} catch (error) {
  process.exitCode = 1;
  print(`bench:search failed: ${(error as Error).message}`);
  if (server) print(`server output (end):\n${server.output().slice(-4000)}`);
} finally {
  for (const peer of peers) peer.close();
  if (server) await server.stop();
  await keepAlive.stop();
  await removeBenchUsers(pool).catch(() => undefined);
  await pool.end();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}

function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
