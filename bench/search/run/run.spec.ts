import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileExtension, fileName, fileType, nameWords, parseQuery, SearchQuerySchema } from '#contracts';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase } from '../../../test/support/database.js';
import { createCorpus } from '../corpus.js';
import { buildQueryMix } from '../queries.js';
import { seedCorpus } from '../seed/seed-corpus.js';
import { registerUser } from './clients.js';
import { runLoad, summarize } from './measure.js';
import { rawFirstPage, resolveSecondPages } from './pages.js';
import { parseSearchWords, runSearch } from '../../../apps/server/src/search/search-pipeline.js';
import { renderReport, writeResults } from './report.js';
import { pgStore, SEARCH_SQL } from './search-sql.js';
import { startServer } from './server.js';
import { rawSqlTransport } from './transports.js';
import { withNote } from '../../../test/support/with-note.js';

const OPTIONS = { seed: 'run-spec', files: 4_000, sessions: 40 };

describe('the search benchmark harness on a seeded database', () => {
  const corpus = createCorpus(OPTIONS);
  let url: string;
  let pool: pg.Pool;

  beforeAll(async () => {
    url = await createTestDatabase();
    pool = new pg.Pool({ connectionString: url, max: 6 });
    await seedCorpus(pool, corpus, { method: 'copy', reset: false });
  });
  afterAll(async () => {
    await pool.end();
  });

  it('runs the whole query mix through the raw SQL baseline, second pages included', async () => {
    const queries = buildQueryMix(corpus, 150);
    const pages = await resolveSecondPages(queries, rawFirstPage(pool, SEARCH_SQL));
    expect(pages.withCursor + pages.withoutCursor).toBe(queries.filter((q) => q.kind === 'secondPage').length);
    expect(queries.filter((q) => q.input.cursor).length).toBe(pages.withCursor);

    const measurement = await runLoad(queries, rawSqlTransport(pool, SEARCH_SQL), { concurrency: 4, durationMs: 60_000, maxRequests: queries.length });
    expect(measurement.errors).toEqual([]);
    expect(measurement.samples).toHaveLength(queries.length);
    const summary = summarize(measurement);
    expect(summary.p50).toBeLessThanOrEqual(summary.p99);
    expect(summary.emptyShare).toBeLessThan(0.5);
  });

  it("finds, with the server's search, exactly the content whose names hold every word (as prefixes) and no excluded one", async () => {
    const files = [...corpus.sessions()].flatMap((session) => session.files);
    const unbounded = pgStore(pool, 10_000_000);
    const inputs = [
      { q: 'radiohead' },
      { q: 'beatles -live' },
      { q: 'img jpg', type: 'image' as const, maxSize: 2_000_000 },
      { q: 'mp3 the' },
      { q: 'paran' },
      { q: 'live', ext: 'flac,ogg' },
    ];
    for (const input of inputs) {
      const parsed = parseQuery(input.q);
      if (!parsed.ok) throw new Error(parsed.message);
      const { include, exclude } = parsed.query;
      const expected = new Set(
        files
          .filter((file) => {
            const name = fileName(file.path);
            const words = nameWords(name);
            const ext = fileExtension(name);
            return (
              include.every((w) => words.some((x) => x.startsWith(w))) &&
              !exclude.some((w) => words.some((x) => x.startsWith(w))) &&
              (!input.type || fileType(ext) === input.type) &&
              (!input.ext || input.ext.split(',').includes(ext)) &&
              (input.maxSize === undefined || file.size <= input.maxSize)
            );
          })
          .map((file) => file.sha256),
      );
      // Every page, with budgets large enough to see everything: the set must be exact.
      const found: Array<{ sha256: string; match: string }> = [];
      let cursor: string | undefined;
      do {
        const query = SearchQuerySchema.parse({ ...input, limit: 500, ...(cursor ? { cursor } : {}) });
        const page = await runSearch(unbounded, query, parseSearchWords(query.q), { candidates: 1_000_000 });
        found.push(...page.results);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      withNote(input.q, () => expect(new Set(found.map((result) => result.sha256))).toEqual(expected));
      withNote(`${input.q}: no duplicates across pages`, () => expect(found.length).toBe(expected.size));
      const firstPrefix = found.findIndex((result) => result.match === 'prefix');
      if (firstPrefix >= 0) withNote(`${input.q}: whole words first`, () => expect(found.slice(firstPrefix).every((result) => result.match === 'prefix')).toBe(true));
    }
  });

  it('starts the built server on the seeded database and registers a benchmark user over REST', async () => {
    const server = await startServer({ DATABASE_URL: url, LOG_LEVEL: 'warn', PEERDEX_DATA_DIR: await mkdtemp(join(tmpdir(), 'peerdex-bench-spec-')), JWT_SECRET: 'x'.repeat(40) });
    try {
      const user = await registerUser(server.baseUrl, 'spec.1');
      expect(user.username).toBe('bench.spec.1');
      expect(user.accessToken.split('.')).toHaveLength(3);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});

describe('the benchmark report', () => {
  it('renders a table with ratios and replaces only its own part of docs/benchmarks.md', async () => {
    const measurement = (ms: number[]) => ({ samples: ms.map((value) => ({ kind: 'rareWord' as const, ms: value, results: 1 })), errors: [], elapsedMs: 1000 });
    const markdown = renderReport({
      title: 'Results',
      settings: ['a setting'],
      transports: [
        { name: 'raw SQL (pg, in process)', measurement: measurement([1, 2, 3, 4]) },
        { name: 'Socket.IO search + ack', measurement: measurement([2, 4, 6, 8]) },
      ],
      environment: ['a machine'],
      command: 'npm run bench:search',
    });
    expect(markdown).toContain('| Socket.IO search + ack / raw | 2.00× | 2.00× | 2.00× | 1.00× |');
    expect(markdown).toContain('p50 ≤ 10 ms met');

    const path = join(await mkdtemp(join(tmpdir(), 'peerdex-bench-docs-')), 'benchmarks.md');
    await writeFile(path, '# Benchmarks\n\n## Search\n\nHand-written.\n\n<!-- search-bench:results:start -->\nold\n<!-- search-bench:results:end -->\n\n## Transfers\n\nTheirs.\n');
    await writeResults(path, markdown);
    await writeResults(path, markdown);
    const written = await readFile(path, 'utf8');
    expect(written).toContain('Hand-written.');
    expect(written).toContain('## Transfers\n\nTheirs.');
    expect(written).not.toContain('old');
    expect(written.split('### Results')).toHaveLength(2);
  });
});
