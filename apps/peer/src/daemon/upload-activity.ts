import type { UploadView } from '#contracts';
import type { UploadRecord } from '../http/serve-file.js';

/** An upload with no request ending for this long is over (a downloader fetches piece by piece). */
const IDLE_MS = 5_000;
/** Speed is measured over this window. */
const WINDOW_MS = 3_000;

interface Activity {
  view: UploadView;
  samples: Array<{ at: number; bytes: number }>;
  lastAt: number;
}

/**
 * Uploads in progress as the web UI shows them: who fetches what, how much, how fast. Fed with
 * every finished response of the peer endpoint (one per piece or range); an upload is listed
 * while its responses keep coming.
 */
export class UploadActivity {
  private readonly byTicket = new Map<string, Activity>();

  record(record: UploadRecord, now = Date.now()): void {
    let activity = this.byTicket.get(record.ticketId);
    if (!activity) {
      activity = {
        view: { id: record.ticketId, downloader: record.downloader, name: record.name, sha256: record.sha256, bytesSent: 0, bytesPerSecond: 0, startedAt: new Date(now).toISOString() },
        samples: [],
        lastAt: now,
      };
      this.byTicket.set(record.ticketId, activity);
    }
    activity.view.bytesSent += record.bytesSent;
    activity.samples.push({ at: now, bytes: record.bytesSent });
    activity.lastAt = now;
  }

  list(now = Date.now()): UploadView[] {
    const views: UploadView[] = [];
    for (const [ticketId, activity] of this.byTicket) {
      if (now - activity.lastAt > IDLE_MS) {
        this.byTicket.delete(ticketId);
        continue;
      }
      activity.samples = activity.samples.filter((sample) => now - sample.at <= WINDOW_MS);
      const bytes = activity.samples.reduce((sum, sample) => sum + sample.bytes, 0);
      views.push({ ...activity.view, bytesPerSecond: Math.round((bytes * 1000) / WINDOW_MS) });
    }
    return views;
  }
}
