import { watch, type FSWatcher } from 'chokidar';
import { EventEmitter } from 'node:events';
import { basename, join } from 'node:path';
import {
  type AccountView,
  countOf,
  type DaemonStatus,
  type FileEntry,
  formatBytes,
  type PeerReady,
  type SettingsPatch,
  type SettingsView,
  type SharesView,
  type TransferPush,
  type UploadsView,
} from '#contracts';
import type { CliContext } from '../cli/context.js';
import { CliError } from '../cli/errors.js';
import { describeBan } from '../cli/messages.js';
import { pushFile } from '../http/push-upload.js';
import { PartialFiles } from '../http/partial-files.js';
import { PeerServer } from '../http/peer-server.js';
import { TicketVerifier } from '../http/ticket-verifier.js';
import { toCredentials } from '../cli/directory-client.js';
import { effectiveFolders } from '../shares/share-folders.js';
import type { SkippedFile } from '../shares/scan-folders.js';
import { SeedList } from '../shares/seed-list.js';
import { ShareLibrary } from '../shares/share-library.js';
import { ControlServer } from './control-server.js';
import type { EventSink } from './control-routes.js';
import { readSettings, updateSettings } from './peer-settings.js';
import { addShare, removeShare, sharesView } from './share-status.js';
import { UiAccess } from './ui-access.js';
import { UiAssets } from './ui-assets.js';
import { UploadActivity } from './upload-activity.js';
import { Downloads } from './downloads.js';
import { DAEMON_FILE, type DaemonFile } from './daemon-file.js';
import { type Broker, fetchFile } from './fetch-file.js';
import { PeerConnection, ServerCallError } from './peer-connection.js';
import { Refusals } from './refusals.js';
import { listDelta, shareDigest } from './share-digest.js';
import { SwarmPresence } from './swarm-presence.js';

export interface DaemonOptions {
  port: number;
  host: string;
  publicUrl?: string;
  uploadSlots: number;
  uploadBytesPerSecond?: number;
  /** the web UI's port (0: any free one); undefined: no web UI (`--no-ui`) */
  uiPort?: number;
  /** true when --ui-port was given: a busy port is an error instead of a reason to take another */
  uiPortChosen?: boolean;
  log: (line: string) => void;
}

/** The web UI's port unless `--ui-port` says otherwise. */
export const DEFAULT_UI_PORT = 6680;
/** Upload and hashing changes reach the event stream at most this often. */
const ACTIVITY_EVENT_MS = 250;

/** Changes on disk are gathered for this long before one rescan and one share:delta. */
const SETTLE_MS = 1_000;
/** A firewalled source may start its upload before we registered the push: it retries briefly. */
const PUSH_ATTEMPTS = 5;

/**
 * `peerdex up`: the peer itself. Hashes and serves the shared folders, keeps a session with the
 * directory (publishing the list, then changes as files come and go), uploads to others on
 * request (and by push when asked), and downloads for the CLI through its control endpoint.
 */
export class PeerDaemon {
  private library!: ShareLibrary;
  private server!: PeerServer;
  private connection!: PeerConnection;
  private control!: ControlServer;
  private watcher: FSWatcher | undefined;
  private published: FileEntry[] = [];
  /** the folders published and watched: the configured ones, none inside another */
  private shares: string[] = [];
  private refusals!: Refusals;
  private reloading: Promise<void> = Promise.resolve();
  private ready: PeerReady | undefined;
  private endpoint = '';
  private rescanTimer: NodeJS.Timeout | undefined;
  private rescanning: Promise<void> = Promise.resolve();
  private downloads!: Downloads;
  /** completed downloads shared from where they were saved (seeding) */
  private seeds!: SeedList;
  private swarm!: SwarmPresence;
  private readonly partials = new PartialFiles();
  /** the publish in progress (with its retries), and whether another was asked for meanwhile */
  private publishing: Promise<void> | undefined;
  private publishAgain = false;
  private publishRetry: NodeJS.Timeout | undefined;
  private readonly uploadActivity = new UploadActivity();
  /** uploads, shares and account changes, for the local API's event stream */
  private readonly changes = new EventEmitter();
  private hashing: SharesView['hashing'] = null;
  private skipped: SkippedFile[] = [];
  private username: string | null = null;
  private activityTimer: NodeJS.Timeout | undefined;
  private stopped: (reason: { code: number; message: string }) => void = () => undefined;
  readonly finished: Promise<{ code: number; message: string }>;

  constructor(
    private readonly context: CliContext,
    private readonly options: DaemonOptions,
  ) {
    this.finished = new Promise((resolve) => (this.stopped = resolve));
  }

  async start(): Promise<void> {
    const { client, home } = this.context;
    // Signed out, the peer waits for a sign-in in the web UI; without the web UI nothing could sign
    // in later, so the command says what to do instead. A saved login is checked (refreshed) now,
    // so that a ban or a revoked login stops the start with its reason.
    const saved = await home.credentials(this.context.server);
    const credentials = saved || this.options.uiPort === undefined ? await client.freshCredentials() : undefined;
    this.shares = await effectiveFolders((await home.config()).shares);
    if (this.shares.length === 0) this.options.log('Nothing is shared yet (`peerdex share <dir>`); downloading still works');
    this.refusals = new Refusals(home.stateDir);
    this.seeds = await SeedList.open(home.stateDir);
    this.library = await ShareLibrary.open({
      folders: this.shares,
      files: this.seeds.list(),
      stateDir: home.stateDir,
      onProgress: (progress) => {
        this.hashing = progress;
        this.activityChanged();
      },
    });
    await this.scan();

    let keys: Awaited<ReturnType<typeof client.ticketKeys>> | undefined;
    const tickets = new TicketVerifier({ keys: async ({ refresh }) => (keys = !keys || refresh ? await client.ticketKeys() : keys) });
    this.server = new PeerServer({
      catalogue: this.library.catalogue,
      partials: this.partials,
      tickets,
      sessionId: () => this.ready?.sessionId,
      uploadSlots: this.options.uploadSlots,
      uploadBytesPerSecond: this.options.uploadBytesPerSecond,
      onStaleFile: () => this.scheduleRescan(),
      onUpload: (record) => {
        this.uploadActivity.record(record);
        this.activityChanged();
      },
      log: this.options.log,
    });
    this.endpoint = await this.server.listen(this.options.port, this.options.host).catch((error: NodeJS.ErrnoException) => {
      throw new CliError(listenProblem(error, this.options.port, this.options.host));
    });
    this.options.log(`Serving shared files on ${this.endpoint}`);

    this.swarm = new SwarmPresence(this.partials, (event, payload) => this.connection.call(event, payload, 30_000), this.options.log);
    this.downloads = new Downloads(
      async (sha256, outputDir, { seed, ...options }) => {
        const config = await home.config();
        const seeding = seed ?? config.seed !== false;
        const swarm = config.swarm === false ? undefined : this.swarm.participate(seeding);
        const result = await fetchFile(sha256, outputDir, this.broker(), { ...options, pushes: this.server.pushes, log: this.options.log, swarm });
        if (result.ok && result.path && seeding) await this.seed(result.path);
        return result;
      },
      (error, sha256) => this.explainFailure(error, sha256),
    );
    const controlUrl = await this.startControl();
    this.uiUrl = this.uiEnabled ? controlUrl : null;
    const daemonFile: DaemonFile = {
      pid: process.pid,
      server: this.context.server,
      controlUrl,
      controlToken: this.control.token,
      uiUrl: this.uiUrl,
      startedAt: new Date().toISOString(),
    };
    await home.write(DAEMON_FILE, daemonFile);
    await this.watchShares();
    if (credentials) this.connect(credentials.username);
    else this.options.log(`Not signed in to ${this.context.server}: sign in on the web UI's Account page (\`peerdex ui\`) or with \`peerdex login <username>\``);
  }

  private uiEnabled = false;
  private uiUrl: string | null = null;

  /** The local API, with the web UI on its port unless `--no-ui`. */
  private async startControl(): Promise<string> {
    const { uiPort } = this.options;
    const ui = uiPort === undefined ? undefined : await UiAssets.load();
    if (uiPort !== undefined && !ui) this.options.log('The web UI is not built (run `npm run build` in the Peerdex repository); the local API runs without it');
    this.uiEnabled = ui !== undefined;
    const access = await UiAccess.open(this.context.home);
    const create = (port: number) => new ControlServer(this.controlHandlers(access), { access, ui, port });
    this.control = create(ui ? uiPort! : 0);
    try {
      const url = await this.control.listen();
      if (ui) this.options.log(`Web UI on ${url}: open it with \`peerdex ui\``);
      return url;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (!ui || this.options.uiPortChosen || code !== 'EADDRINUSE') {
        throw new CliError(code === 'EADDRINUSE' ? `the web UI's port ${uiPort} is already in use: choose another with --ui-port, or --no-ui` : `cannot serve the web UI: ${(error as Error).message}`);
      }
      this.control = create(0);
      const url = await this.control.listen();
      this.options.log(`Port ${uiPort} is taken (another \`peerdex up\`?); web UI on ${url}: open it with \`peerdex ui\``);
      return url;
    }
  }

  private controlHandlers(access: UiAccess): ConstructorParameters<typeof ControlServer>[0] {
    const home = this.context.home;
    return {
      status: () => this.status(),
      downloads: this.downloads,
      cannotDownload: () =>
        this.username === null ? `Not signed in to ${this.context.server}: sign in first` : this.ready ? undefined : `Not connected to ${this.context.server} right now; try again in a moment`,
      uploads: () => this.uploadsView(),
      shares: {
        view: () => this.sharesView(),
        add: async (path) => {
          await addShare(home, path);
          await this.sharesSaved();
          return this.sharesView();
        },
        remove: async (path) => {
          await removeShare(home, path);
          await this.sharesSaved();
          return this.sharesView();
        },
      },
      settings: { view: () => this.settingsView(), update: (patch) => this.updateSettings(patch) },
      account: { view: () => this.accountView(), signIn: (username, password) => this.signIn(username, password), signOut: () => this.signOut() },
      directory: this.context.client,
      subscribe: (listener: EventSink) => {
        this.changes.on('event', listener);
        return () => this.changes.off('event', listener);
      },
      loginLink: (origin) => {
        if (!this.uiEnabled) return undefined;
        const { code, expiresAt } = access.newLoginCode();
        return { url: `${origin}/login?code=${code}`, expiresAt: expiresAt.toISOString() };
      },
    };
  }

  /** Opens the session with the directory as `username` (whose credentials are saved). */
  private connect(username: string): void {
    const { client } = this.context;
    this.username = username;
    const port = Number(new URL(this.endpoint).port);
    this.connection = new PeerConnection(
      this.context.server,
      client,
      () => ({ ...(this.options.publicUrl ? { url: this.options.publicUrl } : { port }), shareDigest: shareDigest(this.published) }),
      {
        ready: (ready) => void this.onReady(ready),
        push: (push) => void this.onPush(push),
        ended: (reason) => void this.stop(1, `The server ended this session: ${describeBan(reason, username) ?? reason}`),
        refused: (message) => void this.stop(1, `The server refused the connection: ${describeBan(message, username) ?? message}`),
        disconnected: (reason) => {
          this.ready = undefined;
          this.accountChanged();
          this.options.log(`Disconnected from ${this.context.server} (${reason}); reconnecting`);
        },
        log: this.options.log,
      },
    );
    this.accountChanged();
  }

  private async signIn(username: string, password: string): Promise<AccountView> {
    const auth = await this.context.client.login(username, password);
    if (this.username !== null) await this.disconnect();
    await this.context.home.saveCredentials(this.context.server, toCredentials(auth));
    this.options.log(`Signed in as ${auth.user.username} from the web UI`);
    this.connect(auth.user.username);
    return this.accountView();
  }

  /** Ends the session here and on the server; the peer keeps running, signed out, until a sign-in. */
  private async signOut(): Promise<AccountView> {
    const credentials = await this.context.home.credentials(this.context.server);
    await this.disconnect();
    if (credentials) await this.context.client.logout(credentials).catch(() => undefined);
    await this.context.home.saveCredentials(this.context.server, undefined);
    this.options.log('Signed out from the web UI; sharing stops until someone signs in');
    this.accountChanged();
    return this.accountView();
  }

  private async disconnect(): Promise<void> {
    await this.downloads.cancelAll();
    this.connection?.close();
    this.ready = undefined;
    this.username = null;
  }

  private accountView(): AccountView {
    return { server: this.context.server, signedIn: this.username !== null, username: this.username, connected: this.ready !== undefined };
  }

  private uploadsView(): UploadsView {
    return { uploads: this.uploadActivity.list(), slots: { inUse: this.server.slots.inUse, capacity: this.server.slots.capacity } };
  }

  private sharesView(): SharesView {
    return sharesView({ folders: this.shares, published: this.published, refusals: this.refusals, skipped: this.skipped, hashing: this.hashing, catalogue: this.library.catalogue });
  }

  private async settingsView(): Promise<SettingsView> {
    return {
      settings: await readSettings(this.context.home),
      inForce: { uploadSlots: this.server.slots.capacity, uploadBytesPerSecond: this.server.rateLimiter?.bytesPerSecond ?? null },
    };
  }

  private async updateSettings(patch: SettingsPatch): Promise<SettingsView> {
    await updateSettings(this.context.home, patch);
    return this.settingsView();
  }

  private accountChanged(): void {
    this.changes.emit('event', 'account', this.accountView());
  }

  /** Uploads and hashing progress change many times a second: send the latest a few times a second. */
  private activityChanged(): void {
    if (this.activityTimer) return;
    this.activityTimer = setTimeout(() => {
      this.activityTimer = undefined;
      // The first scan runs before the peer endpoint (and its slots) exists.
      if (this.server) this.changes.emit('event', 'uploads', this.uploadsView());
      this.changes.emit('event', 'shares', this.sharesView());
    }, ACTIVITY_EVENT_MS);
  }

  async stop(code = 0, message = 'Stopped'): Promise<void> {
    clearTimeout(this.rescanTimer);
    clearTimeout(this.activityTimer);
    clearTimeout(this.publishRetry);
    await this.downloads?.cancelAll(); // each saves what it verified, for the next run to resume
    // No session from now on: a publish under way (a rescan that raced the stop) ends instead of retrying.
    this.ready = undefined;
    this.connection?.close();
    await this.watcher?.close();
    await this.control?.close();
    await this.server?.close();
    await this.context.home.remove(DAEMON_FILE);
    this.stopped({ code, message });
  }

  private async onReady(ready: PeerReady): Promise<void> {
    this.ready = ready;
    this.accountChanged();
    // The downloads in progress are partial sources of this new session too.
    this.swarm.reannounce();
    const where = ready.firewalled ? 'firewalled: others cannot connect to you; they get your files by push' : `reachable at ${ready.address}`;
    this.options.log(`Connected to ${this.context.server} as session ${ready.sessionId} (${where})`);
    if (ready.shareListRestored) {
      await this.refusals.restore(shareDigest(this.published));
      this.options.log(`The server still had your list of ${countOf(ready.fileCount, 'file')}; nothing to resend`);
      return;
    }
    await this.publishAll();
  }

  /**
   * Publishes the whole list on this session, once at a time. A refusal worth retrying (no
   * answer, 429, or 503 while the server's database is away) is retried after the server's
   * Retry-After (or a backoff) as long as the session lasts; a new session publishes anyway.
   */
  private publishAll(): Promise<void> {
    if (this.publishing) {
      this.publishAgain = true;
      return this.publishing;
    }
    this.publishing = this.publishUntilDone().finally(() => {
      this.publishing = undefined;
      if (this.publishAgain && this.ready) {
        this.publishAgain = false;
        void this.publishAll();
      }
    });
    return this.publishing;
  }

  private async publishUntilDone(): Promise<void> {
    const session = this.ready?.sessionId;
    for (let attempt = 0; session && this.ready?.sessionId === session; attempt++) {
      this.publishAgain = false;
      try {
        const published = this.published;
        const digest = shareDigest(published);
        const { fileCount, rejected } = await this.connection.publish(published, digest);
        await this.refusals.published(published, rejected, digest);
        this.options.log(`Published ${countOf(fileCount, 'file')}${this.refusals.summary()}`);
        return;
      } catch (error) {
        if (!(error instanceof ServerCallError) || !error.retryable) {
          this.options.log(`Publishing failed (${(error as Error).message}); it is sent again on the next connection`);
          return;
        }
        const seconds = error.retryAfterSeconds ?? Math.min(30, 2 ** attempt);
        this.options.log(`Publishing failed (${error.message}); retrying in ${seconds} s`);
        await new Promise((resolve) => (this.publishRetry = setTimeout(resolve, seconds * 1_000)));
      }
    }
  }

  private async onPush(push: TransferPush): Promise<void> {
    this.options.log(`${push.downloader} cannot reach you; pushing ${push.sha256.slice(0, 12)}… to them`);
    for (let attempt = 1; attempt <= PUSH_ATTEMPTS; attempt++) {
      const result = await pushFile(
        { ticket: push.ticket, targetUrl: push.targetUrl, sha256: push.sha256 },
        { catalogue: this.library.catalogue, slots: this.server.slots, rateLimiter: this.server.rateLimiter, onStaleFile: () => this.scheduleRescan() },
      ).catch((error: Error) => ({ ok: false, status: 0, bytes: 0, reason: error.message }));
      if (result.ok) return this.options.log(`Pushed ${formatBytes(result.bytes)} to ${push.downloader}`);
      if (result.status !== 404 || attempt === PUSH_ATTEMPTS) return this.options.log(`Push to ${push.downloader} failed: ${result.reason ?? result.status}`);
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt)); // the receiver has not registered it yet
    }
  }

  private broker(): Broker {
    return {
      requestGrant: (hash) => this.connection.call('transfer:request', { sha256: hash }),
      // Sent without waiting: a cancel or a stop must not hang on a server that is away.
      report: async (report) => void this.connection.call('transfer:report', report).catch(() => undefined),
    };
  }

  /** Why a download ended before it had an outcome, in words for the person who asked for it. */
  private explainFailure(error: unknown, sha256: string): string {
    const own = this.library.catalogue.lookup(sha256);
    if (error instanceof ServerCallError && error.statusCode === 404 && own) {
      return `you are the only source of ${basename(own.publishedPath)}: nobody else who shares it is online (your copy: ${own.absolutePath})`;
    }
    return error instanceof Error ? error.message : String(error);
  }

  /** Seeding: shares a completed download from where it was saved, and withdraws it when it moves or goes. */
  private async seed(path: string): Promise<void> {
    try {
      if (!(await this.seeds.add(path))) return;
      this.library.setFiles(this.seeds.list());
      this.watcher?.add(path);
      this.options.log(`Seeding ${basename(path)}: others can download it from you (\`peerdex get --no-seed\` does not)`);
      this.scheduleRescan(0);
    } catch (error) {
      this.options.log(`Could not seed ${path}: ${(error as Error).message}`);
    }
  }

  private status(): DaemonStatus {
    const served = this.published.filter((entry) => !this.refusals.has(entry.path));
    return {
      server: this.context.server,
      username: this.username ?? '',
      connected: this.ready !== undefined,
      sessionId: this.ready?.sessionId ?? null,
      address: this.ready?.address ?? null,
      firewalled: this.ready?.firewalled ?? null,
      endpoint: this.endpoint,
      uiUrl: this.uiUrl,
      shares: this.shares,
      files: served.length,
      bytes: served.reduce((sum, entry) => sum + entry.size, 0),
      refused: this.refusals.list(),
      uploadsInProgress: this.server.slots.inUse,
      downloadsInProgress: this.downloads.active,
      downloads: this.downloads.list(),
    };
  }

  private async scan(): Promise<void> {
    const report = await this.library.scan();
    this.published = report.entries;
    this.scanned(report.skipped);
    await this.forgetMissingSeeds(report.missingFiles);
    this.options.log(
      `Sharing ${countOf(report.entries.length, 'file')} (${report.hashed} hashed, ${report.fromCache} unchanged)` +
        (report.skipped.length ? `; skipped ${report.skipped.length}, e.g. ${report.skipped[0]!.absolutePath}: ${report.skipped[0]!.reason}` : ''),
    );
  }

  private scanned(skipped: SkippedFile[]): void {
    this.skipped = skipped;
    this.hashing = null;
    this.activityChanged();
  }

  /** Seeded files that were moved or deleted are no longer shared, nor watched. */
  private async forgetMissingSeeds(missing: string[]): Promise<void> {
    if (missing.length === 0) return;
    await this.seeds.remove(missing);
    this.library.setFiles(this.seeds.list());
    this.watcher?.unwatch(missing);
    this.options.log(`Stopped seeding ${missing.map((path) => basename(path)).join(', ')}: moved or deleted`);
  }

  /** Watches the shared folders, the seeded files and the shares list itself (`peerdex share` while running). */
  private async watchShares(): Promise<void> {
    const configFile = join(this.context.home.dir, 'config.json');
    await this.watcher?.close();
    // A new watcher for the new set: unwatching a folder inside a watched one would also silence
    // that part of the outer folder.
    this.watcher = watch([...this.shares, ...this.seeds.list(), configFile], { ignoreInitial: true, persistent: true });
    this.watcher.on('all', (_event, path) => {
      if (path === configFile) this.reloading = this.reloading.then(() => this.reloadShares()).catch((error: Error) => this.options.log(`Reading the shared folders failed: ${error.message}`));
      else this.scheduleRescan();
    });
    this.watcher.on('error', (error) => this.options.log(`Watching the shared folders failed: ${(error as Error).message}`));
  }

  /** The shared folders were changed here: take them in now rather than when the watcher sees the file. */
  private sharesSaved(): Promise<void> {
    this.reloading = this.reloading.then(() => this.reloadShares());
    return this.reloading;
  }

  private async reloadShares(): Promise<void> {
    const shares = await effectiveFolders((await this.context.home.config()).shares);
    if (JSON.stringify(shares) === JSON.stringify(this.shares)) return;
    const added = shares.filter((share) => !this.shares.includes(share));
    const removed = this.shares.filter((share) => !shares.includes(share));
    this.shares = shares;
    await this.watchShares();
    this.library.setFolders(shares);
    this.options.log(`Shared folders changed: ${added.length} added, ${removed.length} removed`);
    this.scheduleRescan(0);
  }

  private scheduleRescan(delay = SETTLE_MS): void {
    clearTimeout(this.rescanTimer);
    this.rescanTimer = setTimeout(() => {
      this.rescanning = this.rescanning.then(() => this.rescan()).catch((error: Error) => this.options.log(`Rescan failed: ${error.message}`));
    }, delay);
  }

  /** Rescans (unchanged files come from the hash cache) and sends what changed as one delta. */
  private async rescan(): Promise<void> {
    const before = this.published;
    const report = await this.library.scan();
    this.published = report.entries;
    this.scanned(report.skipped);
    await this.forgetMissingSeeds(report.missingFiles);
    const { added, removed } = listDelta(before, this.published);
    if (added.length === 0 && removed.length === 0) return;
    this.options.log(`Shares changed: ${added.length} added or changed, ${removed.length} removed`);
    if (!this.ready) return; // the next connection publishes the whole list anyway
    const digest = shareDigest(this.published);
    try {
      const { rejected } = await this.connection.update(added, removed, digest);
      await this.refusals.changed(added, removed, rejected, digest);
      if (rejected.length) this.options.log(`${countOf(rejected.length, 'changed file')} refused, e.g. ${added[rejected[0]!.index]?.path} (${rejected[0]!.reason})`);
    } catch (error) {
      // The change is not lost: the whole current list is published instead, with retries.
      this.options.log(`Sending the changes failed (${(error as Error).message}); publishing the whole list again`);
      void this.publishAll();
    }
  }
}

/** EADDRINUSE and friends, for `peerdex up --port`. */
function listenProblem(error: NodeJS.ErrnoException, port: number, host: string): string {
  switch (error.code) {
    case 'EADDRINUSE':
      return `port ${port} is already in use (another \`peerdex up\`, or another program): choose another with --port`;
    case 'EACCES':
      return `port ${port} needs administrator rights: choose one above 1023 with --port`;
    case 'EADDRNOTAVAIL':
      return `--host ${host} is not an address of this machine`;
    default:
      return `cannot listen on ${host}:${port}: ${error.message}`;
  }
}
