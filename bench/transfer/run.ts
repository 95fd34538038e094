import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, statfs, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { hashFile } from '../../apps/peer/src/shares/hash-file.js';
import { startPeerProcess, type PeerProcess } from '../../apps/peer/src/testing/peer-process.js';
import { createTicketAuthority } from '../../apps/peer/src/testing/ticket-authority.js';
import { makeFile } from '../random-file.js';

/**
 * The transfer benchmark (`npm run bench:transfer`): a verified 1 GiB peer-to-peer download on
 * loopback against curl and SHA-256 measured in the same run, then four throttled sources against
 * one. Prints medians and ratios; BENCH_RUNS (default 3) and BENCH_SIZE_MIB (default 1024) tune it.
 */
const run = promisify(execFile);
const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SIZE = Number(process.env.BENCH_SIZE_MIB ?? 1024) * 1024 * 1024;
const THROTTLE = 20_000_000;
const THROTTLED_SIZE = 160 * 1024 * 1024;
const MB = 1e6;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const log = (line: string) => process.stderr.write(`${line}\n`);

function startAndWait(command: string, args: string[], pattern: RegExp): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = pattern.exec(output);
      if (match) resolve({ child, match });
    });
    child.once('exit', (code) => reject(new Error(`${command} exited with ${code}: ${output}`)));
  });
}

async function opensslSeconds(file: string): Promise<number> {
  const started = performance.now();
  await run('openssl', ['dgst', '-sha256', file]);
  return (performance.now() - started) / 1000;
}

async function curlSeconds(url: string, output: string, size: number): Promise<number> {
  const { stdout } = await run('curl', ['-s', '-o', output, '-w', '%{speed_download}', url]);
  await rm(output, { force: true });
  return size / Number(stdout);
}

async function peerDownload(request: object, outputDir: string): Promise<{ seconds: number; cpuSeconds: number; sourcesUsed: string[] }> {
  await mkdir(outputDir, { recursive: true });
  const { stdout } = await run(process.execPath, [here('./download-once.js'), JSON.stringify({ ...request, outputDir })], { maxBuffer: 1024 * 1024 });
  const { seconds, cpuSeconds, outcome } = JSON.parse(stdout) as { seconds: number; cpuSeconds: number; outcome: { ok: boolean; sourcesUsed: string[]; reason?: string } };
  if (!outcome.ok) throw new Error(`download failed: ${outcome.reason}`);
  await rm(outputDir, { recursive: true, force: true });
  return { seconds, cpuSeconds, sourcesUsed: outcome.sourcesUsed };
}

/**
 * Where the files go: BENCH_DIR, else /dev/shm when it has room (memory: the disk's write-back and
 * discard stalls would swamp what is measured, for curl and the peer alike), else the temp dir.
 */
async function workDir(): Promise<string> {
  if (process.env.BENCH_DIR) return process.env.BENCH_DIR;
  const room = await statfs('/dev/shm').then((info) => info.bavail * info.bsize, () => 0);
  return room > 3 * SIZE + THROTTLED_SIZE * 2 ? '/dev/shm' : tmpdir();
}

async function main(): Promise<void> {
  const root = await mkdtemp(join(await workDir(), 'peerdex-bench-'));
  log(`working in ${root}; load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`);
  const children: Array<ChildProcess | PeerProcess> = [];
  try {
    const authority = await createTicketAuthority();
    const keysFile = join(root, 'keys.json');
    await writeFile(keysFile, JSON.stringify(authority.jwks));

    // 1. One peer to another, next to curl and SHA-256 of the same file.
    const share = join(root, 'share');
    await mkdir(share);
    const file = join(share, 'big.bin');
    log(`writing a ${SIZE / 1024 / 1024} MiB test file…`);
    await makeFile(file, SIZE);
    const hashes = await hashFile(file);
    const sourceId = randomUUID();
    const peer = await startPeerProcess({ shares: [share], stateDir: join(root, 'state'), keysFile, sessionId: sourceId });
    children.push(peer);
    const staticServer = await startAndWait(process.execPath, [here('./static-server.js'), file], /static listening on (\S+)/);
    children.push(staticServer.child);
    const request = {
      sha256: hashes.sha256,
      size: SIZE,
      pieceRoot: hashes.pieceRoot,
      name: 'big.bin',
      sources: [{ sessionId: sourceId, url: peer.url }],
      ticket: await authority.issue({ sha: hashes.sha256, src: [sourceId], exp: Math.floor(Date.now() / 1000) + 3600 }),
    };
    const hashRuns: number[] = [];
    const curlRuns: number[] = [];
    const peerRuns: number[] = [];
    const peerCpu: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      hashRuns.push(await opensslSeconds(file));
      curlRuns.push(await curlSeconds(staticServer.match[1]!, join(root, 'curl.out'), SIZE));
      const download = await peerDownload(request, join(root, 'out'));
      peerRuns.push(download.seconds);
      peerCpu.push(download.cpuSeconds);
      log(`run ${i + 1}: sha256 ${(SIZE / hashRuns.at(-1)! / MB).toFixed(0)} MB/s, curl ${(SIZE / curlRuns.at(-1)! / MB).toFixed(0)} MB/s, peer ${(SIZE / peerRuns.at(-1)! / MB).toFixed(0)} MB/s`);
    }
    await peer.stop();
    staticServer.child.kill('SIGTERM');
    await rm(file);

    // 2. Four throttled sources against one.
    const throttledShare = join(root, 'throttled-share');
    await mkdir(throttledShare);
    const small = join(throttledShare, 'medium.bin');
    await makeFile(small, THROTTLED_SIZE);
    const smallHashes = await hashFile(small);
    const sources: Array<{ sessionId: string; url: string }> = [];
    for (let i = 0; i < 4; i++) {
      const sessionId = randomUUID();
      const source = await startPeerProcess({ shares: [throttledShare], stateDir: join(root, `state-${i}`), keysFile, sessionId, rateBytesPerSecond: THROTTLE });
      children.push(source);
      sources.push({ sessionId, url: source.url });
    }
    const throttledRequest = (count: number) => ({
      sha256: smallHashes.sha256,
      size: THROTTLED_SIZE,
      pieceRoot: smallHashes.pieceRoot,
      name: 'medium.bin',
      sources: sources.slice(0, count),
      ticket: '',
    });
    const oneRuns: number[] = [];
    const fourRuns: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      for (const [count, runs] of [[1, oneRuns], [4, fourRuns]] as const) {
        const req = throttledRequest(count);
        req.ticket = await authority.issue({ sha: smallHashes.sha256, src: req.sources.map((source) => source.sessionId) });
        const { seconds, sourcesUsed } = await peerDownload(req, join(root, 'out'));
        runs.push(seconds);
        log(`run ${i + 1}: ${count} throttled source(s): ${(THROTTLED_SIZE / seconds / MB).toFixed(1)} MB/s from ${sourcesUsed.length}`);
      }
    }

    const hashSpeed = SIZE / median(hashRuns) / MB;
    const curlSpeed = SIZE / median(curlRuns) / MB;
    const peerSpeed = SIZE / median(peerRuns) / MB;
    const limit = Math.min(hashSpeed, curlSpeed);
    const one = THROTTLED_SIZE / median(oneRuns) / MB;
    const four = THROTTLED_SIZE / median(fourRuns) / MB;
    const rows = [
      ['measure', `median of ${RUNS}`, 'ratio', 'target'],
      ['---', '---:', '---:', '---:'],
      [`SHA-256 of ${SIZE / 1024 / 1024} MiB (openssl)`, `${hashSpeed.toFixed(0)} MB/s`, '', ''],
      ['curl from a plain node:http server', `${curlSpeed.toFixed(0)} MB/s`, '', ''],
      ['peer → peer, verified (pieces + SHA-256)', `${peerSpeed.toFixed(0)} MB/s`, `${((peerSpeed / limit) * 100).toFixed(0)}% of min(curl, SHA-256)`, '≥ 85%'],
      ['downloader CPU (all threads) per GiB', `${(median(peerCpu) / (SIZE / 2 ** 30)).toFixed(2)} s`, '', ''],
      [`1 source at ${THROTTLE / MB} MB/s (${THROTTLED_SIZE / 1024 / 1024} MiB)`, `${one.toFixed(1)} MB/s`, '', ''],
      [`4 sources at ${THROTTLE / MB} MB/s each`, `${four.toFixed(1)} MB/s`, `${(four / one).toFixed(2)}x one source`, '≥ 3x'],
    ];
    process.stdout.write(`${rows.map((row) => `| ${row.join(' | ')} |`).join('\n')}\n`);
    process.stdout.write(`\n${cpus().length} cores, load average at the end ${loadavg().map((load) => load.toFixed(1)).join(' / ')} (1 / 5 / 15 min), files in ${root}\n`);
  } finally {
    for (const child of children) {
      if ('stop' in child) await child.stop();
      else child.kill('SIGTERM');
    }
    await rm(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
