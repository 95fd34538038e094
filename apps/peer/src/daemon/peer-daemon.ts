import { watch, type FSWatcher } from 'chokidar';
import { basename, join } from 'node:path';
import { countOf, type DaemonStatus, type FileEntry, formatBytes, type PeerReady, type TransferPush } from '#contracts';
import type { CliContext } from '../cli/context.js';
import { CliError } from '../cli/errors.js';
import { describeBan } from '../cli/messages.js';
import { pushFile } from '../http/push-upload.js';
import { PartialFiles } from '../http/partial-files.js';
import { PeerServer } from '../http/peer-server.js';
import { TicketVerifier } from '../http/ticket-verifier.js';
import { effectiveFolders } from '../shares/share-folders.js';
import { SeedList } from '../shares/seed-list.js';
import { ShareLibrary } from '../shares/share-library.js';
import { ControlServer } from './control-server.js';
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
  log: (line: string) => void;
}

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
    const credentials = await client.freshCredentials();
    this.shares = await effectiveFolders((await home.config()).shares);
    if (this.shares.length === 0) this.options.log('Nothing is shared yet (`peerdex share <dir>`); downloading still works');
    this.refusals = new Refusals(home.stateDir);
    this.seeds = await SeedList.open(home.stateDir);
    this.library = await ShareLibrary.open({ folders: this.shares, files: this.seeds.list(), stateDir: home.stateDir });
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
      log: this.options.log,
    });
    this.endpoint = await this.server.listen(this.options.port, this.options.host).catch((error: NodeJS.ErrnoException) => {
      throw new CliError(listenProblem(error, this.options.port, this.options.host));
    });
    const port = Number(new URL(this.endpoint).port);
    this.options.log(`Serving shared files on ${this.endpoint}`);

    this.connection = new PeerConnection(
      this.context.server,
      client,
      () => ({ ...(this.options.publicUrl ? { url: this.options.publicUrl } : { port }), shareDigest: shareDigest(this.published) }),
      {
        ready: (ready) => void this.onReady(ready),
        push: (push) => void this.onPush(push),
        ended: (reason) => void this.stop(1, `The server ended this session: ${describeBan(reason, credentials.username) ?? reason}`),
        refused: (message) => void this.stop(1, `The server refused the connection: ${describeBan(message, credentials.username) ?? message}`),
        disconnected: (reason) => {
          this.ready = undefined;
          this.options.log(`Disconnected from ${this.context.server} (${reason}); reconnecting`);
        },
        log: this.options.log,
      },
    );

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
    this.control = new ControlServer({
      status: () => this.status(credentials.username),
      downloads: this.downloads,
      cannotDownload: () => (this.ready ? undefined : `Not connected to ${this.context.server} right now; try again in a moment`),
    });
    const daemonFile: DaemonFile = {
      pid: process.pid,
      server: this.context.server,
      controlUrl: await this.control.listen(),
      controlToken: this.control.token,
      startedAt: new Date().toISOString(),
    };
    await home.write(DAEMON_FILE, daemonFile);
    await this.watchShares();
  }

  async stop(code = 0, message = 'Stopped'): Promise<void> {
    clearTimeout(this.rescanTimer);
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

  private status(username: string): DaemonStatus {
    const served = this.published.filter((entry) => !this.refusals.has(entry.path));
    return {
      server: this.context.server,
      username,
      connected: this.ready !== undefined,
      sessionId: this.ready?.sessionId ?? null,
      address: this.ready?.address ?? null,
      firewalled: this.ready?.firewalled ?? null,
      endpoint: this.endpoint,
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
    await this.forgetMissingSeeds(report.missingFiles);
    this.options.log(
      `Sharing ${countOf(report.entries.length, 'file')} (${report.hashed} hashed, ${report.fromCache} unchanged)` +
        (report.skipped.length ? `; skipped ${report.skipped.length}, e.g. ${report.skipped[0]!.absolutePath}: ${report.skipped[0]!.reason}` : ''),
    );
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
