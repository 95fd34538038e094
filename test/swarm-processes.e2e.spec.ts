import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { type DownloadView, PIECE_SIZE, type TransferGrant, bitfieldHas } from '#contracts';
import { eventually } from './support/eventually.js';
import { CliUser, type RunningCommand, startServerForCli } from './support/peer-cli.js';
import type { ServerProcess } from './support/server-process.js';
import { withNote } from './support/with-note.js';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

interface Peer {
  name: string;
  user: CliUser;
  up: RunningCommand;
  out: string;
}

/**
 * Swarming and seeding with the built server and real `peerdex up` processes: one seeder throttled
 * to a fixed upload rate, four downloaders started together that feed each other, one of them
 * killed half-way; then the original uploader leaves and a newcomer gets the file from the
 * downloaders, which seed it.
 */
describe('swarming between peer processes', () => {
  jest.setTimeout(240_000);
  const content = randomBytes(40 * PIECE_SIZE);
  const hash = sha256(content);
  let server: ServerProcess;
  let seeder: Peer;
  let downloaders: Peer[];

  async function startPeer(name: string, args: string[] = []): Promise<Peer> {
    const user = await CliUser.create(server.baseUrl);
    await user.register(name);
    const out = await mkdtemp(join(tmpdir(), `${name}-out-`));
    const up = user.spawn(['up', '--port', '0', '--host', '127.0.0.1', ...args]);
    await up.waitFor(/Published \d+ files?/);
    return { name, user, up, out };
  }

  async function api<T>(peer: Peer, path: string): Promise<T> {
    const daemon = JSON.parse(await readFile(join(peer.user.home, 'daemon.json'), 'utf8')) as { controlUrl: string; controlToken: string };
    const response = await fetch(`${daemon.controlUrl}${path}`, { headers: { authorization: `Bearer ${daemon.controlToken}` } });
    return (await response.json()) as T;
  }

  async function accessToken(user: CliUser): Promise<string> {
    const all = JSON.parse(await readFile(join(user.home, 'credentials.json'), 'utf8')) as Record<string, { accessToken: string }>;
    return Object.values(all)[0]!.accessToken;
  }

  async function grantFor(user: CliUser): Promise<TransferGrant> {
    const response = await fetch(`${server.baseUrl}/api/v1/transfers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await accessToken(user)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sha256: hash }),
    });
    expect(response.status).toBe(201);
    return (await response.json()) as TransferGrant;
  }

  beforeAll(async () => {
    server = await startServerForCli({ TRANSFER_RATE_LIMIT_PER_MINUTE: '100' });
    const share = await mkdtemp(join(tmpdir(), 'seeder-share-'));
    await writeFile(join(share, 'swarm.bin'), content);
    const seederUser = await CliUser.create(server.baseUrl);
    await seederUser.register('seeder');
    await seederUser.run(['share', share]);
    // 4 MiB/s for four downloaders: without swarming each would take 40 s.
    const up = seederUser.spawn(['up', '--port', '0', '--host', '127.0.0.1', '--max-upload-rate', '4MiB']);
    await up.waitFor(/Published 1 file/);
    seeder = { name: 'seeder', user: seederUser, up, out: share };
    downloaders = await Promise.all(['dana', 'eve', 'fred', 'gina'].map((name) => startPeer(name)));
  });

  afterAll(async () => {
    await Promise.all([seeder?.up.stop(), ...(downloaders ?? []).map((peer) => peer.up.stop())]);
    await server?.stop();
  });

  it('downloaders started together feed each other, only verified pieces leave a partial source, and a killed one stops nobody', async () => {
    // gina does not seed what she downloads (she still serves her pieces while downloading).
    const gets = downloaders.map((peer) =>
      peer.user.run(['get', hash, '--out', peer.out, '--json', ...(peer.name === 'gina' ? ['--no-seed'] : [])], { timeoutMs: 180_000 }),
    );
    const [victim, ...survivors] = downloaders as [Peer, ...Peer[]];

    // While they download: a grant names partial sources with their bitfields, and a partial
    // source answers a range of a piece it has not verified with 416 and the pieces it lacks.
    const probe = await CliUser.create(server.baseUrl);
    await probe.register('probe');
    const { grant, partial, missing, held } = await eventually(
      async () => {
        const grant = await grantFor(probe);
        const pieces = Math.ceil(content.length / PIECE_SIZE);
        for (const source of grant.sources.filter((candidate) => candidate.partial)) {
          const bits = Buffer.from(source.bitfield!, 'base64');
          const missing = [...Array(pieces).keys()].find((index) => !bitfieldHas(bits, index));
          const held = [...Array(pieces).keys()].find((index) => bitfieldHas(bits, index));
          if (missing !== undefined && held !== undefined) return { grant, partial: source, missing, held };
        }
        throw new Error(`no partial source with pieces yet: ${JSON.stringify(grant.sources)}`);
      },
      60_000,
      250,
    );
    expect(grant.sources.find((source) => !source.partial)).toMatchObject({ username: 'seeder', partial: false });
    expect(partial.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const unverified = await fetch(`${partial.url}/files/${hash}`, {
      headers: { authorization: `Bearer ${grant.ticket}`, range: `bytes=${missing * PIECE_SIZE}-${missing * PIECE_SIZE + 99}` },
    });
    const refusal = (await unverified.json()) as { missingPieces: number[]; bitfield: string; message: string };
    withNote(JSON.stringify(refusal), () => expect(unverified.status).toBe(416));
    expect(unverified.headers.get('content-range')).toBe(`bytes */${content.length}`);
    expect(refusal.missingPieces).toContain(missing);
    expect(refusal.message).toMatch(/has not verified piece/);
    // The whole file is never served by a partial source either.
    const whole = await fetch(`${partial.url}/files/${hash}`, { headers: { authorization: `Bearer ${grant.ticket}` } });
    expect(whole.status).toBe(416);
    await whole.body?.cancel();
    // A verified piece comes with the right bytes, under the same ticket.
    const verified = await fetch(`${partial.url}/files/${hash}`, {
      headers: { authorization: `Bearer ${grant.ticket}`, range: `bytes=${held * PIECE_SIZE}-${(held + 1) * PIECE_SIZE - 1}` },
    });
    expect(verified.status).toBe(206);
    expect(Buffer.from(await verified.arrayBuffer()).equals(content.subarray(held * PIECE_SIZE, (held + 1) * PIECE_SIZE))).toBe(true);

    // Kill one downloader half-way (SIGKILL: its sockets reset mid-piece).
    await eventually(
      async () => {
        const { downloads } = await api<{ downloads: DownloadView[] }>(victim, '/api/v1/downloads');
        expect(downloads[0]?.bytesDone ?? 0).toBeGreaterThanOrEqual(content.length / 2);
      },
      120_000,
      100,
    );
    await victim.up.stop('SIGKILL');

    const results = await Promise.all(gets.slice(1));
    for (const [index, result] of results.entries()) {
      const peer = survivors[index]!;
      withNote(`${peer.name}: ${result.stderr}\n${peer.up.output}`, () => expect(result.code).toBe(0));
      const outcome = JSON.parse(result.stdout) as { ok: boolean; path: string; partialBytes?: number; sourcesUsed: string[] };
      expect(outcome.ok).toBe(true);
      expect(sha256(await readFile(outcome.path))).toBe(hash);
      // Pieces came from other downloaders, not only from the seeder.
      withNote(`${peer.name}: ${JSON.stringify(outcome)}`, () => expect(outcome.partialBytes ?? 0).toBeGreaterThan(0));
    }
    await gets[0];
  });

  it('seeds a completed download: a newcomer gets it from a downloader once the uploader is gone', async () => {
    const [, eve, fred, gina] = downloaders as [Peer, Peer, Peer, Peer];
    const sessionOf = async (peer: Peer) => (JSON.parse((await peer.user.run(['status', '--json'])).stdout) as { peer: { sessionId: string } }).peer.sessionId;
    const seeders = await Promise.all([eve, fred].map(sessionOf));
    await eventually(() => expect(eve.up.output).toMatch(/Seeding swarm\.bin/), 10_000);
    expect(gina.up.output).not.toMatch(/Seeding swarm\.bin/);
    await seeder.up.stop();

    const newcomer = await CliUser.create(server.baseUrl);
    await newcomer.register('hana');
    const out = await mkdtemp(join(tmpdir(), 'hana-out-'));
    const result = await eventually(
      async () => {
        const run = await newcomer.run(['get', hash, '--out', out, '--json']);
        withNote(run.stderr, () => expect(run.code).toBe(0));
        return run;
      },
      30_000,
      500,
    );
    const outcome = JSON.parse(result.stdout) as { path: string; sourcesUsed: string[] };
    expect(sha256(await readFile(outcome.path))).toBe(hash);
    expect(outcome.sourcesUsed.length).toBeGreaterThan(0);
    // Only the seeding downloaders can have served it: the uploader is gone, gina said --no-seed.
    for (const source of outcome.sourcesUsed) expect(seeders).toContain(source);

    // Moving the seeded file away withdraws it.
    const seeded = join(eve.out, 'swarm.bin');
    await rm(seeded);
    await eve.up.waitFor(/Stopped seeding swarm\.bin: moved or deleted/, 20_000);
    const token = await accessToken(newcomer);
    await eventually(
      async () => {
        const details = (await (await fetch(`${server.baseUrl}/api/v1/files/${hash}`, { headers: { authorization: `Bearer ${token}` } })).json()) as { sources: Array<{ username: string }> };
        expect(details.sources.map((source) => source.username)).not.toContain('eve');
      },
      20_000,
      250,
    );
  });
});
