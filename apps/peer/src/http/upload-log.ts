import { formatBytes } from '#contracts';
import type { UploadRecord } from './serve-file.js';

/** A downloader's requests end; this long without another, its upload is over (and logged). */
const LINGER_MS = 5_000;

interface Upload {
  downloader: string;
  name: string;
  bytes: number;
  requests: number;
  active: number;
  lastResult: UploadRecord['result'];
  timer?: NodeJS.Timeout;
  turnedAway: boolean;
}

/**
 * The uploads log, one pair of lines per downloader and file rather than one per range request:
 * "Uploading song.mp3 to bob" when its first response starts, and once it has made no request
 * for a few seconds, what it got: "Upload of song.mp3 to bob done: 12 MiB in 3 requests", or
 * "… stopped after 3.0 MiB: bob went away". Downloaders turned away (slots busy) are logged once.
 */
export class UploadLog {
  private readonly uploads = new Map<string, Upload>();

  constructor(private readonly log: (line: string) => void) {}

  started(record: UploadRecord): void {
    const upload = this.upload(record);
    clearTimeout(upload.timer);
    if (upload.requests === 0 && upload.active === 0) this.log(`Uploading ${record.name} to ${record.downloader}`);
    upload.active++;
  }

  ended(record: UploadRecord): void {
    const upload = this.upload(record);
    upload.active = Math.max(0, upload.active - 1);
    upload.requests++;
    upload.bytes += record.bytesSent;
    upload.lastResult = record.result;
    if (upload.active > 0) return;
    clearTimeout(upload.timer);
    upload.timer = setTimeout(() => this.finish(record.download), LINGER_MS);
    upload.timer.unref();
  }

  busy(download: string, downloader: string, name: string, capacity: number): void {
    const upload = this.upload({ download, downloader, name });
    if (upload.turnedAway) return;
    upload.turnedAway = true;
    this.log(`Turned ${downloader} away for ${name}: all ${capacity} upload slots are busy (they will ask again)`);
    if (upload.active === 0 && upload.requests === 0) {
      clearTimeout(upload.timer);
      upload.timer = setTimeout(() => this.uploads.delete(download), 10 * LINGER_MS);
      upload.timer.unref();
    }
  }

  private upload(record: Pick<UploadRecord, 'download' | 'downloader' | 'name'>): Upload {
    let upload = this.uploads.get(record.download);
    if (!upload) {
      upload = { downloader: record.downloader, name: record.name, bytes: 0, requests: 0, active: 0, lastResult: 'complete', turnedAway: false };
      this.uploads.set(record.download, upload);
    }
    return upload;
  }

  private finish(download: string): void {
    const upload = this.uploads.get(download);
    if (!upload || upload.active > 0) return;
    this.uploads.delete(download);
    if (upload.requests === 0) return;
    const sent = formatBytes(upload.bytes);
    const requests = `${upload.requests} request${upload.requests === 1 ? '' : 's'}`;
    this.log(
      upload.lastResult === 'complete'
        ? `Upload of ${upload.name} to ${upload.downloader} done: ${sent} in ${requests}`
        : `Upload of ${upload.name} to ${upload.downloader} stopped after ${sent} (${requests}): ${upload.downloader} went away or stopped reading`,
    );
  }
}
