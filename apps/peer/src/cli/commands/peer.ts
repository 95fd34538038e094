import type { Command } from 'commander';
import { Presets, SingleBar } from 'cli-progress';
import { resolve } from 'node:path';
import type { Run } from '../command.js';
import type { CliContext } from '../context.js';
import { CliError, UsageError } from '../errors.js';
import { countOf, formatDuration, formatSize, parseInteger, parseSize } from '../format.js';
import type { DaemonStatus, DownloadEvent } from '../../daemon/control-server.js';
import { runningDaemon, type DaemonFile } from '../../daemon/daemon-file.js';
import { fetchFile, type FetchResult } from '../../daemon/fetch-file.js';
import { PeerDaemon } from '../../daemon/peer-daemon.js';
import type { DownloadProgress } from '../../transfer/download-request.js';
import { sameServer } from '../peer-home.js';
import { LAST_SEARCH, type LastSearch } from './search.js';

interface UpOptions {
  port: string;
  host: string;
  publicUrl?: string;
  slots: string;
  maxUploadRate?: string;
}

export function peerCommands(program: Command, run: Run): void {
  program
    .command('up')
    .description('run the peer: publish the shared folders, serve them to other peers, keep the session alive')
    .option('--port <port>', 'port of this peer\u2019s HTTP endpoint (0: any free port)', '6699')
    .option('--host <address>', 'address to listen on', '0.0.0.0')
    .option('--public-url <url>', 'the URL other peers reach this endpoint at, if not <your address>:<port>')
    .option('--slots <n>', 'files served at once', '4')
    .option('--max-upload-rate <size>', 'upload limit per second, e.g. 5MiB')
    .action(
      run(async (context: CliContext, options: UpOptions) => {
        const port = parseInteger(options.port, '--port', 0, 65535);
        const uploadSlots = parseInteger(options.slots, '--slots', 1, 100);
        if (options.publicUrl && !/^https?:\/\/[^/]+\/?$/.test(options.publicUrl)) {
          throw new UsageError(`--public-url must be a base URL like http://203.0.113.9:6699 (got "${options.publicUrl}")`);
        }
        if (await runningDaemon(context.home, context.server)) throw new CliError(`A peer is already running for ${context.home.dir}; see \`peerdex status\``);
        const log = (line: string) => context.out(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
        const daemon = new PeerDaemon(context, {
          port,
          host: options.host,
          publicUrl: options.publicUrl?.replace(/\/$/, ''),
          uploadSlots,
          uploadBytesPerSecond: options.maxUploadRate ? parseSize(options.maxUploadRate, '--max-upload-rate') : undefined,
          log,
        });
        for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void daemon.stop(0, 'Stopped'));
        await daemon.start();
        const { code, message } = await daemon.finished;
        if (code !== 0) throw new CliError(message);
        log(message);
      }),
    );

  program
    .command('get')
    .description('download a file straight from the peers that share it')
    .argument('<file>', 'a sha256, or a result number from the last `peerdex search`')
    .option('--out <dir>', 'where to save it', '.')
    .option('--json', 'print the outcome as JSON')
    .action(
      run(async (context: CliContext, file: string, options: { out: string; json?: boolean }) => {
        const sha256 = await resolveTarget(context, file);
        const outputDir = resolve(options.out);
        const progress = progressReporter(context, options.json === true);
        const daemon = await runningDaemon(context.home, context.server);
        const result = daemon ? await viaDaemon(daemon, sha256, outputDir, progress.update) : await standalone(context, sha256, outputDir, progress.update);
        progress.stop();
        if (!result.ok) {
          const blame = result.badSources.length ? `; ${countOf(result.badSources.length, 'source')} sent bad data and ${result.badSources.length === 1 ? 'was' : 'were'} reported` : '';
          throw new CliError(`Download of ${result.name} failed: ${result.reason ?? 'unknown reason'}${blame}`, { details: { ...result } });
        }
        if (options.json) context.out(JSON.stringify(result));
        else if (result.alreadyComplete) context.out(`Already have it: ${result.path}`);
        else context.out(`Saved ${result.path} (${formatSize(result.size)}, SHA-256 verified)`);
      }),
    );

  program
    .command('status')
    .description('show the running peer, the account and the shared folders')
    .option('--json', 'print JSON')
    .action(
      run(async (context: CliContext, options: { json?: boolean }) => {
        const daemon = await runningDaemon(context.home, context.server);
        const status = daemon ? await controlStatus(daemon) : undefined;
        const credentials = await context.home.credentials(context.server);
        const { shares } = await context.home.config();
        if (options.json) return context.out(JSON.stringify({ server: context.server, signedInAs: credentials?.username ?? null, shares, peer: status ?? null }));
        context.out(`Server:   ${context.server}${credentials ? ` (signed in as ${credentials.username})` : ' (not signed in)'}`);
        context.out(`Shares:   ${shares.length ? shares.join(', ') : 'none'}`);
        if (!status) return context.out('Peer:     not running (`peerdex up`)');
        const reach = status.connected ? (status.firewalled ? 'firewalled (files reach others by push)' : `reachable at ${status.address}`) : 'reconnecting';
        context.out(`Peer:     ${status.connected ? `connected, session ${status.sessionId}` : 'disconnected'}; ${reach}`);
        context.out(`Serving:  ${countOf(status.files, 'file')} (${formatSize(status.bytes)}) on ${status.endpoint}; ${countOf(status.uploadsInProgress, 'upload')}, ${countOf(status.downloadsInProgress, 'download')} in progress`);
        if (status.refused.length) {
          const shown = status.refused.slice(0, 5).map((file) => `${file.path} (${file.reason})`).join(', ');
          context.out(`Refused:  ${countOf(status.refused.length, 'file')} by the server: ${shown}${status.refused.length > 5 ? `, and ${status.refused.length - 5} more` : ''}`);
        }
      }),
    );
}

async function resolveTarget(context: CliContext, file: string): Promise<string> {
  if (/^[0-9a-fA-F]{64}$/.test(file)) return file.toLowerCase();
  if (!/^\d+$/.test(file)) throw new UsageError(`<file> must be a sha256 or a number from the last search (got "${file}")`);
  const last = await context.home.read<LastSearch>(LAST_SEARCH);
  if (!last || !sameServer(last.server, context.server)) throw new UsageError('no previous search on this server: run `peerdex search <words>` first');
  const result = last.results[Number(file) - 1];
  if (!result) throw new UsageError(`the last search ("${last.query}") had ${countOf(last.results.length, 'result')}; there is no #${file}`);
  return result.sha256;
}

/** Without a running peer: a ticket over REST, a direct download, the report over REST. */
async function standalone(context: CliContext, sha256: string, outputDir: string, onProgress: (progress: DownloadProgress) => void): Promise<FetchResult> {
  return fetchFile(sha256, outputDir, {
    requestGrant: (hash) => context.client.requestTransfer(hash),
    report: (report) => context.client.reportTransfer(report),
  }, { onProgress });
}

async function viaDaemon(daemon: DaemonFile, sha256: string, outputDir: string, onProgress: (progress: DownloadProgress) => void): Promise<FetchResult> {
  const response = await fetch(`${daemon.controlUrl}/downloads`, {
    method: 'POST',
    headers: { authorization: `Bearer ${daemon.controlToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ sha256, outputDir }),
  }).catch((error: Error) => {
    throw new CliError(`The running peer does not answer (${error.message}); restart \`peerdex up\``);
  });
  if (!response.ok || !response.body) throw new CliError(`The running peer refused the download (${response.status})`);
  let buffered = '';
  for await (const chunk of response.body.pipeThrough(new TextDecoderStream())) {
    buffered += chunk;
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const event = JSON.parse(buffered.slice(0, newline)) as DownloadEvent;
      buffered = buffered.slice(newline + 1);
      if (event.type === 'progress') onProgress(event.progress);
      else if (event.type === 'result') return event.result;
      else throw new CliError(event.message);
    }
  }
  throw new CliError('The running peer stopped before the download finished');
}

async function controlStatus(daemon: DaemonFile): Promise<DaemonStatus | undefined> {
  const response = await fetch(`${daemon.controlUrl}/status`, { headers: { authorization: `Bearer ${daemon.controlToken}` } }).catch(() => undefined);
  return response?.ok ? ((await response.json()) as DaemonStatus) : undefined;
}

/** A progress bar (bytes, speed, ETA) on a terminal; a plain line every few seconds otherwise. */
function progressReporter(context: CliContext, quiet: boolean) {
  if (quiet) return { update: () => undefined, stop: () => undefined };
  if (process.stderr.isTTY) {
    const bar = new SingleBar(
      { format: ' {bar} {percentage}% | {doneSize} of {totalSize} | {speed}/s | ETA {eta_formatted}', hideCursor: true, stream: process.stderr, etaBuffer: 50 },
      Presets.shades_classic,
    );
    let started = false;
    return {
      update: (progress: DownloadProgress) => {
        // `{total}` and `{value}` are the bar's own tokens (raw numbers): sizes go in tokens of their own.
        const payload = { doneSize: formatSize(progress.bytesDone), totalSize: formatSize(progress.bytesTotal), speed: formatSize(progress.bytesPerSecond) };
        if (!started) bar.start(progress.bytesTotal, progress.bytesDone, payload);
        else bar.update(progress.bytesDone, payload);
        started = true;
      },
      stop: () => started && bar.stop(),
    };
  }
  let lastLine = 0;
  return {
    update: (progress: DownloadProgress) => {
      if (Date.now() - lastLine < 2_000 && progress.bytesDone < progress.bytesTotal) return;
      lastLine = Date.now();
      const eta = progress.bytesPerSecond > 0 ? formatDuration((progress.bytesTotal - progress.bytesDone) / progress.bytesPerSecond) : '--';
      context.err(`${formatSize(progress.bytesDone)} of ${formatSize(progress.bytesTotal)} at ${formatSize(progress.bytesPerSecond)}/s, ETA ${eta}`);
    },
    stop: () => undefined,
  };
}
