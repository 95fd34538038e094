import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { SearchQuerySchema } from '#contracts';
import pg from 'pg';
import { loadReferenceIndex } from './load.js';
import { ReferenceQueryError } from './reference-index.js';

/**
 * The reference index in its own process behind node:http:
 *   GET /search?q=…&ext=…&type=…&minSize=…&maxSize=…&limit=…&cursor=…   (the protocol's query)
 *   GET /stats   index sizes, load time and memory
 * It prints "listening on http://…" once the index is built. DATABASE_URL names the directory.
 */
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  process.stderr.write('DATABASE_URL must name the directory database\n');
  process.exit(2);
}
const baselineRss = process.memoryUsage().rss;
const started = performance.now();
const pool = new pg.Pool({ connectionString: databaseUrl, max: 1, application_name: 'peerdex-search-reference' });
const index = await loadReferenceIndex(pool);
await pool.end();
const loadMs = performance.now() - started;
// Collect the builder's garbage once, so that RSS read from outside is the index's (it is what
// the reference holds, not what building it took).
setFlagsFromString('--expose-gc');
(runInNewContext('gc') as () => void)();

const server = createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://reference');
  const reply = (status: number, body: unknown) => {
    const text = JSON.stringify(body);
    response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    response.end(text);
  };
  if (request.method !== 'GET') return reply(405, { message: 'only GET' });
  if (url.pathname === '/stats') {
    const memory = process.memoryUsage();
    return reply(200, { ...index.stats, loadMs, baselineRss, rss: memory.rss, heapUsed: memory.heapUsed, arrayBuffers: memory.arrayBuffers });
  }
  if (url.pathname !== '/search') return reply(404, { message: `no route ${url.pathname}` });
  const parsed = SearchQuerySchema.safeParse(Object.fromEntries(url.searchParams));
  if (!parsed.success) return reply(400, { message: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ') });
  try {
    return reply(200, index.search(parsed.data));
  } catch (error) {
    if (error instanceof ReferenceQueryError) return reply(400, { message: error.message });
    throw error;
  }
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') process.stdout.write(`reference index: ${index.stats.files} files, built in ${(loadMs / 1000).toFixed(1)} s\nlistening on http://127.0.0.1:${address.port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
