import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { CliUser, type RunningCommand, startServerForCli } from './support/peer-cli.js';
import type { ServerProcess } from './support/server-process.js';
import { withNote } from './support/with-note.js';

/**
 * What a new user meets at the `peerdex` prompt: arguments, messages, exit codes and units, with
 * the built server and real `peerdex` processes.
 */
describe('the peerdex command line', () => {
  jest.setTimeout(120_000);
  let server: ServerProcess;
  let alice: CliUser, bob: CliUser;
  let aliceUp: RunningCommand;

  beforeAll(async () => {
    server = await startServerForCli();
    [alice, bob] = await Promise.all([CliUser.create(server.baseUrl), CliUser.create(server.baseUrl)]);
    await alice.register('alice');
    await bob.register('bob');
    const share = await mkdtemp(join(tmpdir(), 'alice-usability-'));
    await writeFile(join(share, 'ubuntu-24.04-desktop-amd64.iso'), 'desktop image');
    await writeFile(join(share, 'ubuntu-24.04-server-amd64.iso'), 'server image');
    await writeFile(join(share, 'debian-netinst.iso'), Buffer.alloc(1.5 * 1024 * 1024, 1));
    await alice.run(['share', share]);
    aliceUp = alice.spawn(['up', '--port', '0', '--host', '127.0.0.1']);
    await aliceUp.waitFor(/Published \d+ files?/);
  });

  afterAll(async () => {
    await aliceUp?.stop();
    await server?.stop();
  });

  it('takes words starting with "-" after `search` as exclusions, and still knows its options', async () => {
    const excluded = await bob.run(['search', 'ubuntu', '-desktop', '--json']);
    withNote(excluded.stderr, () => expect(excluded.code).toBe(0));
    expect(JSON.parse(excluded.stdout).results.map((result: { name: string }) => result.name)).toEqual(['ubuntu-24.04-server-amd64.iso']);

    // An exclusion first, options before and after the words.
    const leading = await bob.run(['search', '--ext', 'iso', '-server', 'ubuntu', '--json']);
    withNote(leading.stderr, () => expect(leading.code).toBe(0));
    expect(JSON.parse(leading.stdout).results.map((result: { name: string }) => result.name)).toEqual(['ubuntu-24.04-desktop-amd64.iso']);

    // A word that starts like the help flag is a word too.
    const helpLike = await bob.run(['search', 'ubuntu', '-hdesktop']);
    withNote(helpLike.stderr, () => expect(helpLike.code).toBe(0));
    expect(helpLike.stdout).toMatch(/ubuntu-24\.04-desktop-amd64\.iso/);

    // Only exclusions: said in the command's words, not the API's field name.
    const onlyExcluded = await bob.run(['search', '-live']);
    expect(onlyExcluded.code).toBe(2);
    expect(onlyExcluded.stderr).toMatch(/^peerdex: search words: needs at least one word to search for/);
    expect(onlyExcluded.stderr).not.toMatch(/\bq:/);

    // A misspelt long option is still an error, not a word.
    const misspelt = await bob.run(['search', 'ubuntu', '--jsno']);
    expect(misspelt.code).toBe(2);
    expect(misspelt.stderr).toMatch(/unknown option '--jsno'/);
  });

  it('reports usage errors in one line, and as JSON on stdout with --json, with the same exit codes', async () => {
    const usage: string[][] = [['frobnicate'], ['search'], ['search', 'ubuntu', '--limit', '0'], ['get', 'not-a-hash'], ['up', '--port', 'x']];
    for (const args of usage) {
      const result = await bob.run(args);
      withNote(args.join(' '), () => expect(result.code).toBe(2));
      withNote(`${args.join(' ')}\n${result.stderr}`, () => expect(result.stderr).toMatch(/^peerdex: [^\n]+\(run `peerdex[^`]* --help` for usage\)\n$/));
      expect(result.stdout).toBe('');
    }

    const usageJson = await bob.run(['search', 'ubuntu', '--limit', '0', '--json']);
    expect(usageJson.code).toBe(2);
    expect(usageJson.stderr).toBe('');
    expect(JSON.parse(usageJson.stdout)).toEqual({ error: { kind: 'usage', exitCode: 2, message: expect.stringMatching(/--limit must be a whole number/) } });

    const failureJson = await bob.run(['browse', 'nobody-by-that-name', '--json']);
    expect(failureJson.code).toBe(1);
    expect(failureJson.stderr).toBe('');
    expect(JSON.parse(failureJson.stdout)).toEqual({ error: { kind: 'failure', exitCode: 1, message: expect.any(String) } });

    // A download that cannot start says so in its one JSON document too.
    const getJson = await bob.run(['get', '0'.repeat(64), '--json']);
    expect(getJson.code).toBe(1);
    expect(getJson.stderr).toBe('');
    expect(getJson.stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(getJson.stdout)).toMatchObject({ error: { kind: 'failure', exitCode: 1, message: expect.stringMatching(/No online peer shares/) } });

    // Commander's own errors (an unknown option on a command without --json handling) follow suit.
    const unknownJson = await bob.run(['whoami', '--json', '--bogus']);
    expect(unknownJson.code).toBe(2);
    expect(JSON.parse(unknownJson.stdout)).toMatchObject({ error: { kind: 'usage', message: expect.stringMatching(/unknown option '--bogus'/) } });
  });

  it('shows sizes in binary units with IEC names and reads sizes in either notation', async () => {
    const table = await bob.run(['search', 'debian']);
    withNote(table.stderr, () => expect(table.code).toBe(0));
    expect(table.stdout).toMatch(/debian-netinst\.iso\s*│\s*1\.5 MiB/);
    for (const size of ['1MiB', '1MB', '1 mib', '1048576']) {
      const found = await bob.run(['search', 'debian', '--min-size', size, '--json']);
      withNote(`${size}: ${found.stdout}${found.stderr}`, () => expect(JSON.parse(found.stdout).results).toHaveLength(1));
    }
    const tooBig = await bob.run(['search', 'debian', '--min-size', '2MiB', '--json']);
    expect(JSON.parse(tooBig.stdout).results).toHaveLength(0);
    const wrong = await bob.run(['search', 'debian', '--max-size', 'lots']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/--max-size must be a size like 700KiB, 10MiB or 1\.5GiB/);
  });
});

describe('the server URL', () => {
  jest.setTimeout(120_000);

  it('keeps one login per server however its loopback address is written, and defaults to the address the server prints', async () => {
    const server = await startServerForCli({ LOG_LEVEL: 'info' });
    try {
      const port = new URL(server.baseUrl).port;
      const erin = await CliUser.create(`http://127.0.0.1:${port}`);
      await erin.register('erin');
      for (const spelling of [`http://localhost:${port}`, `http://LOCALHOST:${port}/`, `http://127.0.0.1:${port}/api/v1`]) {
        const whoami = await erin.run(['whoami', '--server', spelling]);
        withNote(`${spelling}: ${whoami.stderr}`, () => expect(whoami.code).toBe(0));
        expect(whoami.stdout).toMatch(/^erin \(user\)/);
      }

      // A login saved by an earlier version under the other spelling is still found.
      const credentials = JSON.parse(await readFile(join(erin.home, 'credentials.json'), 'utf8')) as Record<string, unknown>;
      await writeFile(join(erin.home, 'credentials.json'), JSON.stringify({ [`http://localhost:${port}`]: Object.values(credentials)[0] }));
      expect((await erin.run(['whoami'])).stdout).toMatch(/^erin \(user\)/);

      // Without --server or PEERDEX_SERVER: the address `npm start` prints for its default HOST.
      const banner = /API\s+(http:\/\/\S+?):\d+/.exec(server.output())?.[1] ?? /listening on (http:\/\/\S+?):\d+/.exec(server.output())?.[1];
      const status = await erin.run(['status'], { env: { PEERDEX_SERVER: '' } });
      expect(status.stdout).toMatch(new RegExp(`^Server: +${banner!.replace(/\./g, '\\.')}:3000\\b`, 'm'));
    } finally {
      await server.stop();
    }
  });
});
