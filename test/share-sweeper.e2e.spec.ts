import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { registerUser } from './support/accounts.js';
import { startTestServer, type TestServer } from './support/app.js';
import { httpClient } from './support/http.js';
import { eventually } from './support/eventually.js';
import { connectPeer, entry } from './support/peer-socket.js';

describe('the index sweeper', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ SHARE_LIST_RETENTION: '400ms' });
  });
  afterAll(() => server.close());

  const count = async (sql: TemplateStringsArray) => Number((await server.prisma.$queryRaw<Array<{ n: bigint }>>(sql))[0]!.n);

  it('deletes superseded generations and the lists of peers that did not come back', async () => {
    const account = await registerUser(httpClient(server.baseUrl), 'sweepme');
    const peer = await connectPeer(server.baseUrl, { token: account.accessToken, shareDigest: 'ee'.repeat(32) });
    const files = (prefix: string) => Array.from({ length: 50 }, (_, n) => entry(`${prefix}/Sweep Song ${n}.mp3`, `${prefix} ${n}`));
    await peer.ok('share:sync', { files: files('one'), final: true, digest: 'ee'.repeat(32) });
    await peer.ok('share:sync', { files: files('two'), final: true, digest: 'ee'.repeat(32) });

    // The first generation is invisible at once and deleted shortly after.
    await eventually(async () => expect(await count`SELECT count(*) AS n FROM shared_files`).toBe(50), 5_000);
    const found = await httpClient(server.baseUrl).get('/api/v1/search?q=sweep+song&limit=500', { token: account.accessToken });
    expect((found.body.results as Array<{ name: string }>).map((result) => result.name).sort()).toEqual(
      files('two').map((file) => file.path.slice('two/'.length)).sort(),
    );

    peer.close();
    await eventually(async () => expect(await count`SELECT count(*) AS n FROM share_lists`).toBe(0), 5_000);
    await eventually(async () => expect(await count`SELECT count(*) AS n FROM shared_files`).toBe(0), 5_000);
    expect(await count`SELECT count(*) AS n FROM share_purges`).toBe(0);

    // Too late to adopt: the list is gone, the peer must resend.
    const back = await connectPeer(server.baseUrl, { token: account.accessToken, shareDigest: 'ee'.repeat(32) });
    expect(back.ready.shareListRestored).toBe(false);
    back.close();
  });
});
