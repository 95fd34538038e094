import { z } from 'zod';
import { Sha256Schema } from './files.js';

/**
 * The peer daemon's local API (`peerdex up`): what the `peerdex` command and a local web client
 * use to see and drive downloads. Loopback HTTP under DAEMON_API_PREFIX, JSON bodies, errors as
 * ErrorBody, live changes as server-sent events. docs/client.md describes it.
 */
export const DAEMON_API_PREFIX = '/api/v1';

/** An absolute path on this machine (POSIX, or a Windows drive path). */
const AbsolutePathSchema = z
  .string()
  .min(1, 'is required')
  .max(4096, 'must be at most 4096 characters')
  .refine((path) => path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path), 'must be an absolute path');

/** POST /api/v1/downloads */
export const StartDownloadSchema = z.strictObject({
  sha256: Sha256Schema,
  /** absolute path of the folder to save into (created if missing); the settings' download folder when absent */
  outputDir: AbsolutePathSchema.optional(),
  /** share the completed file from where it is saved (default: the peer's `seed` setting, on unless turned off) */
  seed: z.boolean().optional(),
});
export type StartDownload = z.infer<typeof StartDownloadSchema>;

export const DOWNLOAD_STATES = ['starting', 'downloading', 'paused', 'completed', 'failed', 'cancelled'] as const;
/**
 * starting: asking for a ticket; downloading: fetching (or waiting for a push); paused: stopped,
 * its verified pieces kept, until resumed; then one of the three ends.
 */
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
  /** verified 1 MiB pieces and how many the file has (0 before the size is known) */
  piecesDone: number;
  piecesTotal: number;
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
  /** the web UI (`peerdex ui` opens it), or null with `--no-ui` */
  uiUrl: string | null;
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
export type DaemonEvent =
  | { event: 'snapshot'; data: { downloads: DownloadView[]; uploads?: UploadsView; shares?: SharesView; account?: AccountView } }
  | { event: 'download'; data: DownloadView }
  | { event: 'uploads'; data: UploadsView }
  | { event: 'shares'; data: SharesView }
  | { event: 'account'; data: AccountView };

/** A file is sent in pieces of this size (PIECE_SIZE); repeated so this file stays browser-safe. */
const PIECE_BYTES = 1024 * 1024;

/** Verified pieces of a download and how many it has, from its bytes (the last piece may be short). */
export function pieceCounts(download: Pick<DownloadView, 'bytesDone' | 'bytesTotal'>): { done: number; total: number } {
  const total = Math.ceil(download.bytesTotal / PIECE_BYTES);
  return { done: download.bytesDone >= download.bytesTotal ? total : Math.floor(download.bytesDone / PIECE_BYTES), total };
}

/** An upload to another peer: one downloader fetching one file with one ticket. */
export interface UploadView {
  /** the ticket's id */
  id: string;
  downloader: string;
  name: string;
  sha256: string;
  /** bytes sent with this ticket so far */
  bytesSent: number;
  bytesPerSecond: number;
  startedAt: string;
}

/** GET /api/v1/uploads: uploads in progress (seen in the last few seconds) and the slots. */
export interface UploadsView {
  uploads: UploadView[];
  slots: { inUse: number; capacity: number };
}

export interface ShareFolderView {
  path: string;
  /** files published from this folder and their size */
  files: number;
  bytes: number;
  /** false when the folder is missing on disk */
  present: boolean;
}

/** GET /api/v1/shares */
export interface SharesView {
  folders: ShareFolderView[];
  files: number;
  bytes: number;
  /** files the server refused to list, with the reason */
  refused: RefusedFile[];
  /** files the peer could not read or hash, with the reason */
  skipped: RefusedFile[];
  /** a scan in progress: files looked at (hashed or found in the cache) of those found */
  hashing: { filesDone: number; filesTotal: number; currentPath: string } | null;
}


/** POST /api/v1/shares and DELETE /api/v1/shares (body) */
export const SharePathBodySchema = z.strictObject({ path: AbsolutePathSchema });

/** Stored in the peer's config.json; GET/PATCH /api/v1/settings. */
export interface PeerSettings {
  /** where downloads started without a folder go */
  downloadDir: string;
  uploadSlots: number;
  /** total upload rate in bytes per second; null: unlimited */
  uploadBytesPerSecond: number | null;
  /** keep serving pieces of files still being downloaded to other downloaders (issue: swarming) */
  seeding: boolean;
}

export const MAX_UPLOAD_SLOTS = 100;

export const SettingsPatchSchema = z.strictObject({
  downloadDir: AbsolutePathSchema.optional(),
  uploadSlots: z.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(MAX_UPLOAD_SLOTS, `must be at most ${MAX_UPLOAD_SLOTS}`).optional(),
  uploadBytesPerSecond: z.number({ error: 'must be a number of bytes or null' }).int('must be a whole number of bytes').min(1024, 'must be at least 1 KiB (null: unlimited)').nullable().optional(),
  seeding: z.boolean({ error: 'must be true or false' }).optional(),
});
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>;

/** GET /api/v1/settings: the stored settings and those the running peer uses (flags of `peerdex up` win until it restarts). */
export interface SettingsView {
  settings: PeerSettings;
  /** upload slots and rate in force now (they change when the peer restarts) */
  inForce: { uploadSlots: number; uploadBytesPerSecond: number | null };
}

/** POST /api/v1/downloads/batch: several files at once (the UI's "download selected") */
export const StartDownloadsSchema = z.strictObject({
  sha256: z.array(Sha256Schema).min(1, 'needs at least one file').max(500, 'at most 500 files at once'),
  /** absolute folder; the download folder of the settings when absent */
  outputDir: AbsolutePathSchema.optional(),
});

/** GET /api/v1/account */
export interface AccountView {
  server: string;
  signedIn: boolean;
  username: string | null;
  connected: boolean;
}

/** POST /api/v1/ui/login-link (CLI only): a one-time link that signs a browser in to the web UI. */
export interface LoginLink {
  url: string;
  expiresAt: string;
}
