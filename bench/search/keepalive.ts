import { parseArgs } from 'node:util';
import pg from 'pg';
import { fail, HELP_ARG, parseCli, print } from './cli.js';
import { keepSeededSessionsAlive, touchSeededSessions } from './seed/database.js';

const USAGE = `Keeps the seeded sessions of DATABASE_URL online (last_seen_at = now() every 5 s) until Ctrl-C,
for experiments with a server on a seeded database; bench:search does this by itself.
  DATABASE_URL=postgresql://... node dist/bench/search/keepalive.js`;

const { values } = parseCli(USAGE, () => parseArgs({ options: { ...HELP_ARG }, strict: true }));
if (values.help) {
  print(USAGE);
  process.exit(0);
}
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl || !/^postgres(ql)?:\/\//.test(databaseUrl)) fail(`DATABASE_URL must be set to a postgresql:// URL\n\n${USAGE}`);

const pool = new pg.Pool({ connectionString: databaseUrl, max: 2, application_name: 'peerdex-search-keepalive' });
print(`touched ${await touchSeededSessions(pool)} seeded sessions; touching every 5 s until Ctrl-C`);
const keepAlive = keepSeededSessionsAlive(pool, { onError: (error) => print(`keep-alive failed: ${error.message}`) });
const stop = async () => {
  await keepAlive.stop();
  await pool.end();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
