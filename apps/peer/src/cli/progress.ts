import { Presets, SingleBar } from 'cli-progress';
import type { CliContext } from './context.js';
import { formatDuration, formatSize } from './format.js';

export interface Progress {
  bytesDone: number;
  bytesTotal: number;
  bytesPerSecond: number;
}

export interface ProgressReporter {
  update(progress: Progress): void;
  stop(): void;
}

/** "3 MiB of 24 MiB (12%) at 4 MiB/s, ETA 5s" */
export function describeProgress(progress: Progress): string {
  const percent = progress.bytesTotal > 0 ? Math.floor((100 * progress.bytesDone) / progress.bytesTotal) : 0;
  const eta = progress.bytesPerSecond > 0 ? formatDuration((progress.bytesTotal - progress.bytesDone) / progress.bytesPerSecond) : '--';
  return `${formatSize(progress.bytesDone)} of ${formatSize(progress.bytesTotal)} (${percent}%) at ${formatSize(progress.bytesPerSecond)}/s, ETA ${eta}`;
}

/** A progress bar (bytes, speed, ETA) on a terminal; a plain line every few seconds otherwise; nothing with --json. */
export function progressReporter(context: CliContext, quiet: boolean): ProgressReporter {
  if (quiet) return { update: () => undefined, stop: () => undefined };
  if (process.stderr.isTTY) {
    const bar = new SingleBar(
      { format: ' {bar} {percentage}% | {doneSize} of {totalSize} | {speed}/s | ETA {eta_formatted}', hideCursor: true, stream: process.stderr, etaBuffer: 50 },
      Presets.shades_classic,
    );
    let started = false;
    return {
      update: (progress) => {
        if (progress.bytesTotal === 0) return; // not granted yet
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
    update: (progress) => {
      if (progress.bytesTotal === 0) return;
      if (Date.now() - lastLine < 2_000 && progress.bytesDone < progress.bytesTotal) return;
      lastLine = Date.now();
      context.err(describeProgress(progress));
    },
    stop: () => undefined,
  };
}
