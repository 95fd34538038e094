import type { DownloadProgress } from './download-request.js';

const WINDOW_MS = 3_000;

/** Bytes done and the speed over the last few seconds, for a progress bar. */
export class ProgressMeter {
  private done = 0;
  private samples: Array<{ at: number; bytes: number }> = [];

  constructor(private readonly total: number) {}

  start(alreadyDone: number): void {
    this.done = alreadyDone;
    this.samples = [{ at: performance.now(), bytes: alreadyDone }];
  }

  add(bytes: number): void {
    this.done += bytes;
  }

  snapshot(activeSources: number): DownloadProgress {
    const now = performance.now();
    this.samples.push({ at: now, bytes: this.done });
    while (this.samples.length > 2 && now - this.samples[1]!.at > WINDOW_MS) this.samples.shift();
    const oldest = this.samples[0]!;
    const elapsed = (now - oldest.at) / 1000;
    const bytesPerSecond = elapsed > 0 ? (this.done - oldest.bytes) / elapsed : 0;
    return { bytesDone: this.done, bytesTotal: this.total, bytesPerSecond, activeSources };
  }
}
