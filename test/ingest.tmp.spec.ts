import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { it, expect } from '@jest/globals';
import { registerUser } from './support/accounts.js';
import { startTestServer } from './support/app.js';
import { httpClient } from './support/http.js';
import { connectPeer, entry } from './support/peer-socket.js';

it('ingest: 100,000-file share:sync vs COPY', async () => {
  const server = await startTestServer();
  const http = httpClient(server.baseUrl);
  const client = new pg.Client({ connectionString: server.config.databaseUrl! });
  await client.connect();
  await client.query('CREATE TABLE copy_target (list_id uuid, generation int, path text, name text, words text[], size bigint, sha256 text, ext text, type text, piece_root text)');
  const results: Array<{ sync: number; copy: number }> = [];
  for (let round = 0; round < 3; round++) {
    const files = Array.from({ length: 100_000 }, (_, n) => entry(`r${round}/Artist ${n % 997}/Album ${n % 89}/Track ${n} of round ${round} song.mp3`, `r${round}-${n}`));
    const account = await registerUser(http, `ingest${round}`);
    const peer = await connectPeer(server.baseUrl, { token: account.accessToken });
    let started = Date.now();
    for (let i = 0; i < files.length; i += 5_000) {
      const final = i + 5_000 >= files.length;
      const batch = peer.ok('share:sync', { files: files.slice(i, i + 5_000), final });
      if (final || i % 10_000 === 0) await batch; else void batch;
    }
    const sync = Date.now() - started;
    started = Date.now();
    const stream = client.query(copyFrom('COPY copy_target FROM STDIN'));
    await new Promise<void>((resolve, reject) => {
      stream.on('finish', resolve);
      stream.on('error', reject);
      for (const f of files) {
        const name = f.path.split('/').at(-1)!;
        stream.write(`00000000-0000-0000-0000-000000000000\t1\t${f.path}\t${name}\t{${name.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean).join(',')}}\t${f.size}\t${f.sha256}\tmp3\taudio\t\\N\n`);
      }
      stream.end();
    });
    const copy = Date.now() - started;
    results.push({ sync, copy });
    peer.close();
  }
  console.log(JSON.stringify(results.map((r) => ({ ...r, ratio: (r.sync / r.copy).toFixed(2) }))));
  await client.end();
  await server.close();
  expect(results).toHaveLength(3);
}, 600_000);
