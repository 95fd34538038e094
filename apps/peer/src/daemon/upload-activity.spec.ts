import { describe, expect, it } from '@jest/globals';
import { pieceCounts } from '#contracts';
import type { UploadRecord } from '../http/serve-file.js';
import { UploadActivity } from './upload-activity.js';

const MiB = 1024 * 1024;
const piece = (ticketId: string, downloader: string, bytesSent = MiB) =>
  ({ sha256: 'a'.repeat(64), ticketId, downloader, name: `${downloader}.bin`, status: 206, start: 0, end: bytesSent, bytesSent }) as UploadRecord;

describe('uploads in progress, as the web UI lists them', () => {
  it('adds up each ticket\u2019s pieces, measures its speed over the last seconds, and drops it once idle', () => {
    const activity = new UploadActivity();
    const t0 = 1_000_000;
    activity.record(piece('t1', 'bob'), t0);
    activity.record(piece('t1', 'bob'), t0 + 1_000);
    activity.record(piece('t1', 'bob'), t0 + 2_000);
    activity.record(piece('t2', 'carol', 512 * 1024), t0 + 2_000);
    expect(activity.list(t0 + 2_000)).toEqual([
      expect.objectContaining({ id: 't1', downloader: 'bob', bytesSent: 3 * MiB, bytesPerSecond: MiB }),
      expect.objectContaining({ id: 't2', downloader: 'carol', bytesSent: 512 * 1024 }),
    ]);
    // Four seconds on: only bob's last piece is inside the window; nothing of carol's.
    expect(activity.list(t0 + 4_500).map((upload) => [upload.id, upload.bytesPerSecond])).toEqual([
      ['t1', Math.round(MiB / 3)],
      ['t2', Math.round((512 * 1024) / 3)],
    ]);
    expect(activity.list(t0 + 7_001)).toEqual([]);
  });
});

describe('pieces of a download', () => {
  it.each([
    [0, 0, 0, 0],
    [0, 5 * MiB, 0, 5],
    [3 * MiB + 10, 5 * MiB, 3, 5],
    [5 * MiB + 1, 5 * MiB + 1, 6, 6],
    [5 * MiB, 5 * MiB + 1, 5, 6],
  ])('%d of %d bytes verified: %d of %d pieces', (bytesDone, bytesTotal, done, total) => {
    expect(pieceCounts({ bytesDone, bytesTotal })).toEqual({ done, total });
  });
});
