import type { Command } from 'commander';
import { resolve } from 'node:path';
import type { DownloadView } from '#contracts';
import { Downloads, isFinished } from '../../daemon/downloads.js';
import { fetchFile } from '../../daemon/fetch-file.js';
import { SeedList } from '../../shares/seed-list.js';
import { outputFolderProblem } from '../../daemon/output-folder.js';
import type { Run } from '../command.js';
import type { CliContext } from '../context.js';
import { DaemonClient } from '../daemon-client.js';
import { CliError, InterruptedError, UsageError } from '../errors.js';
import { countOf, formatSize } from '../format.js';
import { resolveDownloadTarget } from '../link-target.js';
import { type ProgressReporter, progressReporter } from '../progress.js';

interface GetOptions {
  out: string;
  json?: boolean;
  detach?: boolean;
  /** commander's negation of --no-seed: false when given */
  seed: boolean;
}

export function downloadCommands(program: Command, run: Run): void {
  program
    .command('get')
    .description('download a file straight from the peers that share it (Ctrl-C cancels it; the next get resumes)')
    .argument('<file>', 'a sha256 or its first characters, a number from the last `peerdex search` or `peerdex browse`, a peerdex: link or a .peerdex manifest file')
    .option('--out <dir>', 'where to save it', '.')
    .option('--detach', 'leave the download to the running peer (`peerdex up`) and return at once')
    .option('--no-seed', 'do not share the completed file from where it is saved (seeding is on by default; see `peerdex seeding`)')
    .option('--json', 'print the outcome as JSON')
    .action(
      run(async (context: CliContext, file: string, options: GetOptions) => {
        const target = await resolveDownloadTarget(context, file);
        const outputDir = resolve(options.out);
        const problem = await outputFolderProblem(outputDir);
        if (problem) throw new UsageError(`--out ${outputDir} ${problem}`);
        const daemon = await DaemonClient.find(context);
        if (options.detach && !daemon) throw new UsageError('--detach needs a running peer (`peerdex up`) to carry the download on');
        const progress = progressReporter(context, options.json === true);
        let final: DownloadView | undefined;
        try {
          final = daemon ? await viaDaemon(context, daemon, target, outputDir, options, progress) : await standalone(context, target.sha256, outputDir, options.seed, progress);
        } finally {
          progress.stop();
        }
        if (final) reportOutcome(context, final, options.json === true);
      }),
    );

  program
    .command('cancel')
    .description('stop a download the running peer is making (what it verified is kept for `get` to resume)')
    .argument('<download>', 'the file name, its sha256 or first characters, or the download id (see `peerdex status`)')
    .action(
      run(async (context: CliContext, wanted: string) => {
        const daemon = await DaemonClient.find(context);
        if (!daemon) throw new CliError('no peer is running (`peerdex up`); a `peerdex get` running on its own stops with Ctrl-C');
        const key = wanted.toLowerCase();
        const matches = (await daemon.downloads()).filter(
          (download) =>
            !isFinished(download) &&
            (download.id === wanted || download.sha256 === key || (/^[0-9a-f]{6,}$/.test(key) && download.sha256.startsWith(key)) || download.name?.toLowerCase() === key),
        );
        if (matches.length === 0) throw new CliError(`no download in progress matches "${wanted}" (see \`peerdex status\`)`);
        for (const match of matches) {
          const cancelled = await daemon.cancel(match.id).catch((error: Error) => error);
          if (cancelled instanceof Error) {
            context.out(`${match.name ?? match.sha256}: ${cancelled.message}`);
            continue;
          }
          const kept = cancelled.partPath ? `: ${formatSize(cancelled.bytesDone)} verified stay in ${cancelled.partPath}; \`peerdex get ${cancelled.sha256}\` resumes it` : '';
          context.out(`Cancelled ${cancelled.name ?? cancelled.sha256}${kept}`);
        }
      }),
    );
}

/** The running peer downloads; this command shows the progress and cancels it on Ctrl-C. */
async function viaDaemon(
  context: CliContext,
  daemon: DaemonClient,
  target: { sha256: string; name?: string },
  outputDir: string,
  options: GetOptions,
  progress: ProgressReporter,
): Promise<DownloadView | undefined> {
  const { download, alreadyRunning } = await daemon.start(target.sha256, outputDir, options.seed ? {} : { seed: false });
  const label = download.name ?? target.name ?? `${target.sha256.slice(0, 12)}…`;
  if (options.detach) {
    context.out(`Downloading ${label} in the running peer: see \`peerdex status\`; stop it with \`peerdex cancel ${target.sha256.slice(0, 12)}\``);
    return undefined;
  }
  if (alreadyRunning && !options.json) context.err(`${label} is already being downloaded into ${outputDir}; following it (Ctrl-C cancels it)`);
  const listening = cancelOnInterrupt(() => daemon.cancel(download.id));
  try {
    return await daemon.follow(download.id, (view) => progress.update(view));
  } finally {
    listening();
  }
}

/**
 * Without a running peer: tickets and reports over REST, the download in this process. There is
 * no endpoint to serve from meanwhile; a completed file is left to the next `peerdex up` to seed.
 */
async function standalone(context: CliContext, sha256: string, outputDir: string, seed: boolean, progress: ProgressReporter): Promise<DownloadView> {
  const broker = { requestGrant: (hash: string) => context.client.requestTransfer(hash), report: (report: Parameters<typeof context.client.reportTransfer>[0]) => context.client.reportTransfer(report) };
  const seeding = seed && (await context.home.config()).seed !== false;
  const downloads = new Downloads(
    async (hash, dir, options) => {
      const result = await fetchFile(hash, dir, broker, options);
      if (result.ok && result.path && seeding) await (await SeedList.open(context.home.stateDir)).add(result.path);
      return result;
    },
    (error) => (error instanceof Error ? error.message : String(error)),
  );
  const ended = new Promise<DownloadView>((done) => {
    const unsubscribe = downloads.subscribe((view) => {
      progress.update(view);
      if (!isFinished(view)) return;
      unsubscribe();
      done(view);
    });
  });
  const { id } = downloads.start(sha256, outputDir);
  const listening = cancelOnInterrupt(() => downloads.cancel(id));
  try {
    return await ended;
  } finally {
    listening();
  }
}

/** Ctrl-C cancels the download (which saves what it verified); a second Ctrl-C leaves at once. */
function cancelOnInterrupt(cancel: () => Promise<unknown>): () => void {
  let interrupted = false;
  const onInterrupt = () => {
    if (interrupted) process.exit(InterruptedError.exitCode);
    interrupted = true;
    cancel().catch(() => undefined);
  };
  process.on('SIGINT', onInterrupt);
  return () => process.off('SIGINT', onInterrupt);
}

function reportOutcome(context: CliContext, download: DownloadView, json: boolean): void {
  const result = download.result;
  if (download.state === 'completed' && result) {
    if (json) context.out(JSON.stringify(result));
    else if (result.alreadyComplete) context.out(`Already have it: ${result.path}`);
    else context.out(`Saved ${result.path} (${formatSize(result.size)}, SHA-256 verified)`);
    return;
  }
  const name = download.name ?? download.sha256;
  const details = result ? { ...result } : undefined;
  const kept = download.partPath ? `${formatSize(download.bytesDone)} verified stay in ${download.partPath}; run the same command again to resume` : undefined;
  if (download.state === 'cancelled') {
    throw new InterruptedError(`Cancelled the download of ${name}${kept ? `: ${kept}` : '; nothing had been verified yet, so nothing was kept'}`, { details });
  }
  if (!result) throw new CliError(download.reason ?? 'the download failed', { details });
  const bad = result.badSources.length;
  const blame = bad ? `; ${countOf(bad, 'source')} sent bad data and ${bad === 1 ? 'was' : 'were'} reported` : '';
  throw new CliError(`Download of ${name} failed: ${download.reason ?? 'unknown reason'}${blame}${kept ? `. ${kept}` : ''}`, { details });
}
