import { parseArgs } from 'node:util';
import pg from 'pg';
import { CORPUS_ARGS, corpusOptions, fail, HELP_ARG, parseCli, print } from './cli.js';
import { touchSeededSessions } from './seed/database.js';
import { verifySeed } from './seed/verify.js';

const USAGE = `Checks a seeded database (DATABASE_URL) against the corpus size it was seeded with.
  DATABASE_URL=postgresql://... node dist/bench/search/verify.js [--files N] [--sessions M]
The seeded sessions are touched first (last_seen_at = now()), as the benchmark does.`;

const { values } = parseCli(USAGE, () => parseArgs({ options: { ...CORPUS_ARGS, ...HELP_ARG }, strict: true }));
if (values.help) {
  print(USAGE);
  process.exit(0);
}
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl || !/^postgres(ql)?:\/\//.test(databaseUrl)) fail(`DATABASE_URL must be set to a postgresql:// URL\n\n${USAGE}`);
const options = corpusOptions(values);

const pool = new pg.Pool({ connectionString: databaseUrl, max: 2, application_name: 'peerdex-search-verify' });
try {
  const touched = await touchSeededSessions(pool);
  print(`touched ${touched} seeded sessions`);
  const checks = await verifySeed(pool, options);
  for (const { name, ok, detail } of checks) print(`${ok ? 'ok  ' : 'FAIL'} ${name}: ${detail}`);
  const failed = checks.filter((c) => !c.ok).length;
  print(failed === 0 ? `all ${checks.length} checks passed` : `${failed} of ${checks.length} checks failed`);
  process.exitCode = failed === 0 ? 0 : 1;
} finally {
  await pool.end();
}
