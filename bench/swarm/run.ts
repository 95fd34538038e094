import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, chmod, mkdir, mkdtemp, readFile, rm, stat, statfs, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hashFile } from '../../apps/peer/src/shares/hash-file.js';
import { createDatabase } from '../load/targets.js';
import { startServer } from '../search/run/server.js';
import { makeFile } from '../random-file.js';

/**
 * The swarming benchmark (`npm run bench:swarm`): one seeder throttled to 20 MB/s and eight
 * downloaders (`peerdex up` daemons, the built server brokering) fetch one 200 MB file, all
 * starting together; once with swarming (the downloaders serve each other the pieces they have
 * verified) and once with complete sources only (`"swarm": false` in each downloader's config),
 * interleaved over BENCH_ROUNDS rounds (default 1). Reports the aggregate completion time (until
 * the last downloader has the file), the mean completion time, their ratio and the share of bytes
 * that came from partial sources. BENCH_SIZE_MB (200), BENCH_DOWNLOADERS (8), BENCH_SEED_RATE
 * (bytes/s, 20000000) and BENCH_SLOTS (upload slots of every peer, 8) tune it; DATABASE_URL points
 * it at a PostgreSQL server (it creates and drops a database of its own), else it uses the
 * embedded one. BENCH_KEEP=1 keeps the working folder, with each peer's log.
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);
const SIZE = Number(process.env.BENCH_SIZE_MB ?? 200) * 1e6;
const DOWNLOADERS = Number(process.env.BENCH_DOWNLOADERS ?? 8);
const SEED_RATE = Number(process.env.BENCH_SEED_RATE ?? 20_000_000);
const SLOTS = Number(process.env.BENCH_SLOTS ?? 8);
const KEEP = process.env.BENCH_KEEP === '1';
const MB = 1e6;
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

type Mode = 'swarming' | 'complete sources only';

const log = (line: string) => process.stderr.write(`${line}\n`);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** The `peerdex` command of this clone, from bench/ (type checks) and from dist/bench/ (runs). */
function peerdexBin(): string {
  for (const candidate of ['../../apps/peer/bin/peerdex.js', '../../../apps/peer/bin/peerdex.js']) {
    const path = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new Error('apps/peer/bin/peerdex.js not found');
}

/** One `peerdex` user: a PEERDEX_HOME of its own. */
class Peer {
  private daemon?: ChildProcess;

  constructor(
    readonly name: string,
    readonly home: string,
    private readonly server: string,
  ) {}

  run(args: string[], stdin = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const child = spawn(process.execPath, [peerdexBin(), ...args], { env: this.env(), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdin.end(stdin);
    return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
  }

  async must(args: string[], stdin = ''): Promise<string> {
    const result = await this.run(args, stdin);
    if (result.code !== 0) throw new Error(`${this.name}: peerdex ${args.join(' ')} exited with ${result.code}: ${result.stderr}`);
    return result.stdout;
  }

  /** `peerdex up`, resolved once it has published its list. */
  up(args: string[]): Promise<void> {
    const child = spawn(process.execPath, [peerdexBin(), 'up', '--port', '0', '--host', '127.0.0.1', '--slots', String(SLOTS), ...args], { env: this.env(), stdio: ['ignore', 'pipe', 'pipe'] });
    this.daemon = child;
    let output = '';
    return new Promise((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (/Published \d+ files?/.test(output)) resolve();
        // Kept with BENCH_KEEP=1 for a look at what each peer did (sources lost, slots busy).
        if (KEEP) void appendFile(join(this.home, 'up.log'), chunk);
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code) => reject(new Error(`${this.name}: peerdex up exited with ${code}:\n${output}`)));
    });
  }

  /** CPU seconds the daemon has used so far, all threads (from /proc: Linux only). */
  async cpuSeconds(): Promise<number> {
    const fields = (await readFile(`/proc/${this.daemon!.pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
    // utime and stime are fields 14 and 15 of stat(5): 12 and 13 after the command name.
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  }

  async stop(): Promise<void> {
    const daemon = this.daemon;
    if (!daemon || daemon.exitCode !== null || daemon.signalCode !== null) return;
    const exited = new Promise((resolve) => daemon.once('exit', resolve));
    daemon.kill('SIGTERM');
    await exited;
  }

  /** Takes part in swarms or not (read by the daemon at the start of each download). */
  async setSwarming(on: boolean, shares: string[] = []): Promise<void> {
    await writeFile(join(this.home, 'config.json'), JSON.stringify({ shares, swarm: on }));
  }

  private env(): NodeJS.ProcessEnv {
    return { ...process.env, PEERDEX_HOME: this.home, PEERDEX_SERVER: this.server, PEERDEX_PASSWORD: '' };
  }
}

interface RoundResult {
  mode: Mode;
  /** seconds from the common start until each downloader had the file */
  seconds: number[];
  partialBytes: number;
  /** CPU seconds the seeder and downloader daemons used meanwhile */
  cpuSeconds: number;
}

/** Every downloader runs `peerdex get` at once; each one's time is until its command returned. */
async function downloadTogether(peers: Peer[], seeder: Peer, sha256: string, root: string, mode: Mode): Promise<RoundResult> {
  await Promise.all(peers.map((peer) => peer.setSwarming(mode === 'swarming')));
  const outs = await Promise.all(peers.map((peer) => mkdtemp(join(root, `${peer.name}-out-`))));
  const cpu = async () => (await Promise.all([seeder, ...peers].map((peer) => peer.cpuSeconds()))).reduce((a, b) => a + b, 0);
  const cpuBefore = await cpu();
  const started = performance.now();
  const results = await Promise.all(
    peers.map(async (peer, index) => {
      const stdout = await peer.must(['get', sha256, '--out', outs[index]!, '--json', '--no-seed']);
      const seconds = (performance.now() - started) / 1000;
      const outcome = JSON.parse(stdout) as { ok: boolean; path: string; partialBytes?: number };
      if (!outcome.ok || (await stat(outcome.path)).size !== SIZE) throw new Error(`${peer.name}: the download did not complete: ${stdout}`);
      return { seconds, partialBytes: outcome.partialBytes ?? 0 };
    }),
  );
  const cpuSeconds = (await cpu()) - cpuBefore;
  await Promise.all(outs.map((out) => rm(out, { recursive: true, force: true })));
  return { mode, seconds: results.map((result) => result.seconds), partialBytes: results.reduce((sum, result) => sum + result.partialBytes, 0), cpuSeconds };
}

/** Files go to /dev/shm when it has room (see bench/transfer), else the temp dir; BENCH_DIR overrides. */
async function workDir(): Promise<string> {
  if (process.env.BENCH_DIR) return process.env.BENCH_DIR;
  const room = await statfs('/dev/shm').then((info) => info.bavail * info.bsize, () => 0);
  return room > (DOWNLOADERS + 2) * SIZE ? '/dev/shm' : tmpdir();
}

async function main(): Promise<void> {
  const root = await mkdtemp(join(await workDir(), 'peerdex-swarm-bench-'));
  // As root the embedded PostgreSQL runs as `postgres`, which must be able to enter the folder.
  await chmod(root, 0o755);
  log(`working in ${root}; load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`);
  const database = process.env.DATABASE_URL ? await createDatabase(process.env.DATABASE_URL) : undefined;
  const server = await startServer({
    LOG_LEVEL: 'warn',
    PEERDEX_DATA_DIR: join(root, 'server-data'),
    ...(database ? { DATABASE_URL: database.url } : {}),
    JWT_SECRET: 'swarm-benchmark-secret-long-enough-for-hs256',
    ACCESS_TOKEN_TTL: '6h',
    AUTH_RATE_LIMIT_PER_IP: '100000',
    PEER_PROBE_TIMEOUT: '500ms',
  });
  const peers: Peer[] = [];
  try {
    const share = join(root, 'share');
    await mkdir(share);
    const file = join(share, 'swarm.bin');
    log(`writing a ${SIZE / MB} MB test file…`);
    await makeFile(file, SIZE);
    const { sha256 } = await hashFile(file);

    const seeder = new Peer('seeder', join(root, 'seeder-home'), server.baseUrl);
    const downloaders = Array.from({ length: DOWNLOADERS }, (_, index) => new Peer(`downloader${index + 1}`, join(root, `downloader${index + 1}-home`), server.baseUrl));
    peers.push(seeder, ...downloaders);
    for (const peer of peers) await peer.must(['register', peer.name, '--password-stdin'], `${peer.name}-password-long-enough\n`);
    await seeder.setSwarming(false, [share]);
    await seeder.up(['--max-upload-rate', String(SEED_RATE)]);
    await Promise.all(downloaders.map((peer) => peer.up([])));
    log(`seeder at ${SEED_RATE / MB} MB/s, ${DOWNLOADERS} downloaders, ${SLOTS} upload slots each`);

    const rounds: RoundResult[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // Interleaved: the mode that goes first alternates from round to round.
      const order: Mode[] = round % 2 === 0 ? ['swarming', 'complete sources only'] : ['complete sources only', 'swarming'];
      for (const mode of order) {
        const result = await downloadTogether(downloaders, seeder, sha256, root, mode);
        rounds.push(result);
        log(
          `round ${round + 1}, ${mode}: all done in ${Math.max(...result.seconds).toFixed(1)} s (mean ${(result.seconds.reduce((a, b) => a + b, 0) / result.seconds.length).toFixed(1)} s), ` +
            `${((result.partialBytes / (SIZE * DOWNLOADERS)) * 100).toFixed(0)}% of the bytes from partial sources, ${result.cpuSeconds.toFixed(0)} CPU seconds, load average ${loadavg()[0]!.toFixed(1)}`,
        );
      }
    }

    const summary = (mode: Mode) => {
      const results = rounds.filter((result) => result.mode === mode);
      return {
        all: median(results.map((result) => Math.max(...result.seconds))),
        mean: median(results.map((result) => result.seconds.reduce((a, b) => a + b, 0) / result.seconds.length)),
        partial: median(results.map((result) => result.partialBytes / (SIZE * DOWNLOADERS))),
        cpu: median(results.map((result) => result.cpuSeconds)),
      };
    };
    const swarm = summary('swarming');
    const baseline = summary('complete sources only');
    const swarmFloor = Math.max(swarm.cpu / cpus().length, SIZE / SEED_RATE);
    const rows = [
      ['measure', `median of ${ROUNDS}`, 'ratio', 'target'],
      ['---', '---:', '---:', '---:'],
      [`complete sources only: all ${DOWNLOADERS} done`, `${baseline.all.toFixed(1)} s`, '', ''],
      ['complete sources only: mean completion', `${baseline.mean.toFixed(1)} s`, '', ''],
      [`swarming: all ${DOWNLOADERS} done`, `${swarm.all.toFixed(1)} s`, `${(baseline.all / swarm.all).toFixed(2)}x faster`, '≥ 3x'],
      ['swarming: mean completion', `${swarm.mean.toFixed(1)} s`, `${(baseline.mean / swarm.mean).toFixed(2)}x faster`, ''],
      ['swarming: bytes from partial sources', `${(swarm.partial * 100).toFixed(0)}%`, '', ''],
      // On a loaded machine both modes become CPU-bound; the CPU they need tells what idle cores would allow.
      ['CPU seconds of the peers per round (all threads)', `${swarm.cpu.toFixed(0)} swarming, ${baseline.cpu.toFixed(0)} without`, '', ''],
      [`idle-machine floor, complete sources only (${DOWNLOADERS} copies at the seeder's rate)`, `${((DOWNLOADERS * SIZE) / SEED_RATE).toFixed(0)} s`, '', ''],
      [
        `idle-machine floor, swarming (CPU / ${cpus().length} cores, at least one copy at the seeder's rate)`,
        `${swarmFloor.toFixed(1)} s`,
        `${((DOWNLOADERS * SIZE) / SEED_RATE / swarmFloor).toFixed(2)}x (projection, not measured)`,
        '',
      ],
    ];
    process.stdout.write(`${rows.map((row) => `| ${row.join(' | ')} |`).join('\n')}\n`);
    process.stdout.write(`\n${cpus().length} cores, load average at the end ${loadavg().map((load) => load.toFixed(1)).join(' / ')} (1 / 5 / 15 min)\n`);
  } finally {
    await Promise.all(peers.map((peer) => peer.stop()));
    await server.stop();
    await database?.drop();
    if (KEEP) log(`kept ${root} (the peers' homes hold their logs, up.log)`);
    else await rm(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
