import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningServer, startServer } from '../run/server.js';

/** A Peerdex server node for the bench: its own data folder, quiet logs, no rate limits in the way, a long lease. */
export async function startNode(env: Record<string, string>): Promise<RunningServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'peerdex-search-node-'));
  const server = await startServer(
    {
      LOG_LEVEL: 'warn',
      PEERDEX_DATA_DIR: dataDir,
      JWT_SECRET: 'bench-shared-secret-'.padEnd(64, 'x'),
      ADMIN_PASSWORD: randomBytes(18).toString('base64url'),
      ACCESS_TOKEN_TTL: '2h',
      SEARCH_RATE_LIMIT_PER_MINUTE: '10000000',
      AUTH_RATE_LIMIT_PER_IP: '10000',
      AUTH_RATE_LIMIT_PER_USERNAME: '10000',
      // The seeded sessions have no sockets: the bench keeps last_seen_at fresh in SQL, but an
      // index that learns presence from heartbeat events would drop them after the 30 s lease.
      PRESENCE_LEASE: process.env.PRESENCE_LEASE ?? '1h',
      ...env,
    },
    900_000,
  ).catch(async (error: Error) => {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  });
  return {
    ...server,
    async stop() {
      const code = await server.stop();
      await rm(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}
