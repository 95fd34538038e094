import { z } from 'zod';
import { Sha256Schema } from './files.js';

/**
 * The peer daemon's local API (`peerdex up`): what the `peerdex` command and a local web client
 * use to see and drive downloads. Loopback HTTP under DAEMON_API_PREFIX, JSON bodies, errors as
 * ErrorBody, live changes as server-sent events. docs/client.md describes it.
 */
export const DAEMON_API_PREFIX = '/api/v1';

/** POST /api/v1/downloads */
export const StartDownloadSchema = z.strictObject({
  sha256: Sha256Schema,
  /** absolute path of the folder to save into (created if missing) */
  outputDir: z
    .string()
    .min(1, 'is required')
    .max(4096, 'must be at most 4096 characters')
    .refine((path) => path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path), 'must be an absolute path'),
  /** share the completed file from where it is saved (default: the peer's `seed` setting, on unless turned off) */
  seed: z.boolean().optional(),
});
export type StartDownload = z.infer<typeof StartDownloadSchema>;

export const DOWNLOAD_STATES = ['starting', 'downloading', 'completed', 'failed', 'cancelled'] as const;
/** starting: asking for a ticket; downloading: fetching (or waiting for a push); then one of the three ends. */
export type DownloadState = (typeof DOWNLOAD_STATES)[number];

/** What a finished download reports (the `peerdex get --json` outcome). */
export interface DownloadResult {
  ok: boolean;
  sha256: string;
  name: string;
  size: number;
  mode: 'direct' | 'push';
  /** bytes fetched in this run, verified and stored */
  bytes: number;
  /** bytes an earlier, interrupted run had stored and that verified again */
  resumedBytes?: number;
  /** of `bytes`, those that came from partial sources: other peers still downloading it (swarming) */
  partialBytes?: number;
  /** the complete file, when ok */
  path: string | null;
  alreadyComplete?: boolean;
  /** session ids of the sources that delivered and of those that sent bad data */
  sourcesUsed: string[];
  badSources: string[];
  reason?: string;
}

export interface DownloadView {
  /** the daemon's id for this download */
  id: string;
  sha256: string;
  /** known once the server granted the download */
  name: string | null;
  outputDir: string;
  state: DownloadState;
  /** verified bytes on disk, resumed ones included */
  bytesDone: number;
  /** the file's size, once known (0 before) */
  bytesTotal: number;
  /** over the last few seconds */
  bytesPerSecond: number;
  /** usernames of the sources the server named */
  sources: string[];
  /** sources sending right now */
  activeSources: number;
  mode: 'direct' | 'push' | null;
  /** the complete file, once completed */
  path: string | null;
  /** the unfinished file that a new download of the same file into the same folder resumes */
  partPath: string | null;
  /** why it failed or stopped, in words for people */
  reason: string | null;
  startedAt: string;
  finishedAt: string | null;
  /** the outcome, once it ended (absent when it ended before a ticket was granted) */
  result: DownloadResult | null;
}

/** A file the server refused to list, with its reason. */
export interface RefusedFile {
  /** the published path, e.g. "Music/setup.exe" */
  path: string;
  /** e.g. "blocked: no executables" */
  reason: string;
}

/** GET /api/v1/status */
export interface DaemonStatus {
  server: string;
  username: string;
  connected: boolean;
  sessionId: string | null;
  address: string | null;
  firewalled: boolean | null;
  /** this peer's HTTP endpoint */
  endpoint: string;
  /** the folders published (none inside another) */
  shares: string[];
  /** files listed by the server and their size (refused ones not counted) */
  files: number;
  bytes: number;
  refused: RefusedFile[];
  uploadsInProgress: number;
  downloadsInProgress: number;
  /** downloads in progress and the latest finished ones, oldest first */
  downloads: DownloadView[];
}

/**
 * GET /api/v1/events (text/event-stream): `snapshot` once ({downloads}), then `download` with a
 * DownloadView whenever one starts, progresses (a few times a second at most) or ends.
 */
export type DaemonEvent = { event: 'snapshot'; data: { downloads: DownloadView[] } } | { event: 'download'; data: DownloadView };
