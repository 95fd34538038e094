import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser } from './support/accounts.js';
import { startTestServer, type TestServer } from './support/app.js';
import { httpClient } from './support/http.js';
import { connectPeer, entry } from './support/peer-socket.js';

/** Waits until `probe` returns true, failing after `timeoutMs`. */
async function eventually(probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const started = Date.now();
  while (!(await probe())) {
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('the index sweeper', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ SHARE_LIST_RETENTION: '400ms' });
  });
  afterAll(() => server.close());

  const count = async (sql: TemplateStringsArray) => Number((await server.prisma.$queryRaw<Array<{ n: bigint }>>(sql))[0]!.n);

  it('deletes superseded generations and the lists of peers that did not come back, words included', async () => {
    const account = await registerUser(httpClient(server.baseUrl), 'sweepme');
    const peer = await connectPeer(server.baseUrl, { token: account.accessToken, shareDigest: 'ee'.repeat(32) });
    const files = (prefix: string) => Array.from({ length: 50 }, (_, n) => entry(`${prefix}/Sweep Song ${n}.mp3`, `${prefix} ${n}`));
    await peer.ok('share:sync', { files: files('one'), final: true, digest: 'ee'.repeat(32) });
    await peer.ok('share:sync', { files: files('two'), final: true, digest: 'ee'.repeat(32) });

    // The first generation is invisible at once and deleted shortly after.
    await eventually(async () => (await count`SELECT count(*) AS n FROM shared_files`) === 50, 5_000);
    expect(await count`SELECT count(*) AS n FROM file_words`).toBe(50 * 4); // sweep, song, <n>, mp3

    peer.close();
    await eventually(async () => (await count`SELECT count(*) AS n FROM share_lists`) === 0, 5_000);
    await eventually(async () => (await count`SELECT count(*) AS n FROM shared_files`) === 0, 5_000);
    expect(await count`SELECT count(*) AS n FROM file_words`).toBe(0);
    expect(await count`SELECT count(*) AS n FROM share_purges`).toBe(0);

    // Too late to adopt: the list is gone, the peer must resend.
    const back = await connectPeer(server.baseUrl, { token: account.accessToken, shareDigest: 'ee'.repeat(32) });
    expect(back.ready.shareListRestored).toBe(false);
    back.close();
  });
});
