import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { type SearchResponse } from '#contracts';
import pg from 'pg';
import { HELP_ARG, exitOnHelp, fail, parseCli, print, wholeNumber } from './cli.js';
import { keepSeededSessionsAlive, touchSeededSessions } from './seed/database.js';
import { type ConnectedPeer, connectPeer, registerUser, request } from './run/clients.js';
import { removeBenchUsers } from './run/database.js';
import { type RunningServer } from './run/server.js';
import { startNode } from './compare/nodes.js';
import { loadAverage, waitReady } from './compare/processes.js';
import { percentile } from './compare/stats.js';

const USAGE = `Two Peerdex nodes sharing PostgreSQL and Redis: a peer on node A publishes a file (share:sync
of a one-file list, a new name each time); a peer on node B searches for it until found. Measures
the delay from A's acknowledgement to B's first answer holding the file.
  DATABASE_URL=postgresql://... [REDIS_URL=redis://127.0.0.1:6379] npm run bench:search:two-nodes -- [--publications N (200)] [--poll MS (5)] [--give-up S (10)]`;

const { values } = parseCli(USAGE, () =>
  parseArgs({ options: { ...HELP_ARG, publications: { type: 'string', default: '200' }, poll: { type: 'string', default: '5' }, 'give-up': { type: 'string', default: '10' } }, strict: true }),
);
exitOnHelp(values, USAGE);
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) fail(`DATABASE_URL must be set\n\n${USAGE}`);
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const publications = wholeNumber('--publications', values.publications, 1, 100_000);
const pollMs = wholeNumber('--poll', values.poll, 0, 1000);
const giveUpMs = 1000 * wholeNumber('--give-up', values['give-up'], 1, 600);

const pool = new pg.Pool({ connectionString: databaseUrl, max: 2, application_name: 'peerdex-search-two-nodes' });
const keepAlive = keepSeededSessionsAlive(pool);
const nodes: RunningServer[] = [];
const peers: ConnectedPeer[] = [];
try {
  await removeBenchUsers(pool);
  await touchSeededSessions(pool);
  for (const name of ['a', 'b']) {
    const node = await startNode({ DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, NODE_ID: `bench-${name}` });
    nodes.push(node);
    await waitReady(node.baseUrl, 900_000);
  }
  const [nodeA, nodeB] = nodes as [RunningServer, RunningServer];
  const run = Date.now().toString(36);
  const publisher = await connectPeer(nodeA.baseUrl, await registerUser(nodeA.baseUrl, `${run}.pub`));
  const searcher = await connectPeer(nodeB.baseUrl, await registerUser(nodeB.baseUrl, `${run}.find`));
  peers.push(publisher, searcher);
  print(`node A ${nodeA.baseUrl}, node B ${nodeB.baseUrl}, Redis ${redisUrl}`);

  const delays: number[] = [];
  const searchesPerFind: number[] = [];
  let missing = 0;
  for (let i = 0; i < publications; i++) {
    // One word nobody else has: the search can only find this publication.
    const word = `zq${run}n${i}`;
    const sha256 = Buffer.from(`${word}`.padEnd(32, '.')).toString('hex').slice(0, 64);
    await request(publisher.socket, 'share:sync', { files: [{ path: `bench/${word} probe.txt`, size: 1000 + i, sha256 }], final: true });
    const published = performance.now();
    let found = false;
    let searches = 0;
    while (!found && performance.now() - published < giveUpMs) {
      searches++;
      const response: SearchResponse = await request(searcher.socket, 'search', { q: word });
      found = response.results.some((result) => result.sha256 === sha256);
      if (!found && pollMs > 0) await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
    if (found) {
      delays.push(performance.now() - published);
      searchesPerFind.push(searches);
    } else missing++;
  }
  const ms = (q: number) => percentile(delays, q).toFixed(1);
  print(`\n${publications} publications on node A, searched on node B every ${pollMs} ms after A's acknowledgement (load ${loadAverage().toFixed(1)}):\n`);
  print('| found | not found within ' + giveUpMs / 1000 + ' s | p50 ms | p90 ms | p99 ms | max ms | found by the first search |');
  print('| --- | --- | --- | --- | --- | --- | --- |');
  print(`| ${delays.length} | ${missing} | ${ms(0.5)} | ${ms(0.9)} | ${ms(0.99)} | ${delays.length ? Math.max(...delays).toFixed(1) : '–'} | ${searchesPerFind.filter((n) => n === 1).length} |`);
  print('\n(the delay includes the finding search itself: at least one search round trip on node B)');
} finally {
  for (const peer of peers) peer.close();
  for (const node of nodes) await node.stop();
  await keepAlive.stop();
  await removeBenchUsers(pool).catch(() => undefined);
  await pool.end();
}
