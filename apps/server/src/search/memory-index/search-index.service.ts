import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { OverloadedError } from '../../common/errors.js';
import { errorSummary } from '../../common/http-error.filter.js';
import { AppConfig } from '../../config/app-config.js';
import { SqlPool } from '../../database/sql-pool.service.js';
import { Prisma } from '../../generated/prisma/client.js';
import { ReadinessService } from '../../health/readiness.service.js';
import { MetricsService } from '../../metrics/metrics.service.js';
import { EventGapError, RedisEventStream } from './event-stream.js';
import { IndexSource } from './index-source.js';
import type { MemoryIndex } from './memory-index.js';
import type { SearchEvent } from './search-events.js';

/** How long one XREAD waits for events (also how often the stream's continuity is checked). */
const READ_BLOCK_MS = 1_000;
/** Rebuild into a fresh index once removed files outnumber live ones (and are this many). */
const COMPACT_AFTER_DEAD = 100_000;

/**
 * The node's in-memory search index (docs/architecture.md, "Search"): built from PostgreSQL at
 * start-up (the node is not ready until then), kept current by the events every node publishes
 * after its commits, and rebuilt on its own when it may have missed some. Writes on this node are
 * applied here at once; other nodes see them through the Redis stream (REDIS_URL), or there are
 * no other nodes and events stay in this process.
 */
@Injectable()
export class SearchIndexService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('SearchIndex');
  private current: MemoryIndex | undefined;
  /** events applied in order, one at a time (a list event reads PostgreSQL) */
  private applying: Promise<void> = Promise.resolve();
  /** this node's events applied at once, by stream id, with the index they went into */
  private readonly ownApplied = new Map<string, MemoryIndex>();
  /** events of this node published while the index is being built: applied after it */
  private buffered: SearchEvent[] | undefined = [];
  private readonly stream: RedisEventStream | undefined;
  private lastId = '0-0';
  /** this process, as a publisher, and how many events it has published (or tried to) */
  private readonly publisher = randomUUID();
  private published = 0;
  /** the last sequence number read from each publisher */
  private readonly lastSeq = new Map<string, number>();
  private stopped = false;
  private following: Promise<void> | undefined;
  private streamNamed: Promise<void> = Promise.resolve();
  private readonly rebuilds: Counter<'reason'>;
  private readonly indexedFiles: Gauge;

  constructor(
    config: AppConfig,
    private readonly source: IndexSource,
    private readonly sql: SqlPool,
    readiness: ReadinessService,
    metrics: MetricsService,
  ) {
    this.rebuilds = new Counter({
      name: 'peerdex_search_index_rebuilds_total',
      help: 'Times this node built its search index from PostgreSQL (start, gap) or compacted it (compaction)',
      labelNames: ['reason'] as const,
      registers: [metrics.registry],
    });
    this.indexedFiles = new Gauge({
      name: 'peerdex_search_index_files',
      help: 'Files in this node’s search index',
      registers: [metrics.registry],
      collect: () => this.indexedFiles.set(this.current?.fileCount ?? 0),
    });
    readiness.register('search:index', async () =>
      this.current
        ? { status: 'pass', componentType: 'component', observedValue: this.current.fileCount, observedUnit: 'files' }
        : { status: 'fail', componentType: 'component', output: 'building the search index from PostgreSQL' },
    );
    this.stream = config.redisUrl ? new RedisEventStream(config.redisUrl, config.searchStreamMaxLength) : undefined;
  }

  onModuleInit(): void {
    this.streamNamed = this.stream ? this.nameStream(this.stream) : Promise.resolve();
    this.following = this.run().catch((error: unknown) => {
      if (!this.stopped) this.logger.error(`the search index stopped following changes: ${errorSummary(error)}`);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.following;
    await this.stream?.close();
  }

  /** Resolves once the first index is built (the node is ready). */
  async whenBuilt(): Promise<void> {
    while (!this.current && !this.stopped) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  /** The index searches read; 503 while the node is still building it. */
  get index(): MemoryIndex {
    if (!this.current) throw new OverloadedError(1, 'The search index is still being built');
    return this.current;
  }

  /**
   * Call after the change committed: applied to this node's index before it returns (so the peer
   * that made it finds it at once), then sent to the other nodes.
   */
  async publish(event: SearchEvent): Promise<void> {
    const target = this.current;
    if (!target) this.buffered?.push(event);
    else {
      await this.enqueue(() => this.apply(target, event));
      if (!this.stream) await this.compactIfWorthIt();
    }
    if (!this.stream) return;
    const seq = ++this.published;
    try {
      await this.streamNamed;
      const id = await this.stream.append(event, this.publisher, seq);
      if (target) this.ownApplied.set(id, target);
    } catch (error) {
      // Other nodes cannot read the stream either while this fails; they rebuild once it is back.
      this.logger.warn(`cannot publish a search event (${errorSummary(error)}); other nodes resynchronise when Redis is back`);
    }
  }

  /** Start-up, then (with Redis) following the stream until shutdown. */
  private async run(): Promise<void> {
    await this.streamNamed;
    let resync = !(await this.build('start'));
    if (!this.stream) return;
    let failures = 0;
    while (!this.stopped) {
      try {
        if (resync) {
          if (!(await this.build('gap'))) throw new EventGapError('no stream position yet');
          resync = false;
        }
        const entries = await this.stream.read(this.lastId, READ_BLOCK_MS);
        for (const { id, event, source, seq } of entries) {
          const previous = this.lastSeq.get(source);
          if (previous !== undefined && seq !== previous + 1) throw new EventGapError(`events ${previous + 1}–${seq - 1} of a publisher never reached the stream`);
          this.lastSeq.set(source, seq);
          const target = this.current!;
          if (this.ownApplied.get(id) !== target) void this.enqueue(() => this.apply(target, event));
          this.ownApplied.delete(id);
          this.lastId = id;
        }
        await this.applying;
        if (failures > 0) this.logger.log('following the search event stream again');
        failures = 0;
        await this.compactIfWorthIt();
      } catch (error) {
        if (this.stopped) break;
        resync = true;
        const reason = error instanceof EventGapError ? error.message : `reading search events failed: ${errorSummary(error)}`;
        if (failures++ === 0) this.logger.warn(`${reason}; rebuilding the search index from PostgreSQL once the stream answers`);
        await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 100 * 2 ** Math.min(failures, 6))).unref());
      }
    }
  }

  /**
   * A new index from PostgreSQL, swapped in whole; resolves to whether the stream position was
   * recorded. The position is taken before the load and events after it are read (again)
   * afterwards: applying an event the load already saw changes nothing, so nothing committed
   * meanwhile is missed. A node without an index builds even while the stream cannot be read (and
   * resynchronises later); one that has an index keeps it until the stream answers.
   */
  private async build(reason: 'start' | 'gap'): Promise<boolean> {
    let position: string | undefined = '0-0';
    if (this.stream) {
      try {
        position = await this.stream.lastId();
      } catch (error) {
        if (this.current) throw error;
        this.logger.warn(`cannot read the search event stream (${errorSummary(error)}); building without it, resynchronising later`);
        position = undefined;
      }
    }
    for (;;) {
      try {
        const started = Date.now();
        const fresh = await this.source.build();
        await this.enqueue(async () => {
          this.current = fresh;
          for (const event of this.buffered ?? []) await this.apply(fresh, event);
          this.buffered = undefined;
        });
        if (position !== undefined) this.lastId = position;
        this.ownApplied.clear();
        this.lastSeq.clear();
        this.rebuilds.inc({ reason });
        this.logger.log(`search index built from PostgreSQL (${reason}): ${fresh.fileCount} files in ${Date.now() - started} ms`);
        return position !== undefined;
      } catch (error) {
        if (this.current || this.stopped) throw error;
        this.logger.error(`cannot build the search index (${errorSummary(error)}); retrying`);
        await new Promise((resolve) => setTimeout(resolve, 1_000).unref());
      }
    }
  }

  /** One stream per directory: named after the database, which all of its nodes share. */
  private async nameStream(stream: RedisEventStream): Promise<void> {
    for (;;) {
      try {
        const [row] = await this.sql.run<{ name: string }>(Prisma.sql`SELECT current_database() AS name`);
        stream.key = `peerdex:search-events:${row!.name}`;
        return;
      } catch (error) {
        if (this.stopped) return;
        this.logger.warn(`cannot name the search event stream yet (${errorSummary(error)}); retrying`);
        await new Promise((resolve) => setTimeout(resolve, 1_000).unref());
      }
    }
  }

  /** Copies the live state into a fresh index once removed files outnumber live ones. */
  private async compactIfWorthIt(): Promise<void> {
    const index = this.current;
    if (!index || index.deadFiles < COMPACT_AFTER_DEAD || index.deadFiles < index.fileCount) return;
    await this.enqueue(async () => {
      const started = Date.now();
      this.current = index.compacted();
      this.ownApplied.clear();
      this.rebuilds.inc({ reason: 'compaction' });
      this.logger.log(`search index compacted: ${this.current.fileCount} files in ${Date.now() - started} ms`);
    });
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    const next = this.applying.then(work);
    this.applying = next.catch((error: unknown) => this.logger.error(`applying a search event failed: ${errorSummary(error)}`));
    return next;
  }

  private async apply(index: MemoryIndex, event: SearchEvent): Promise<void> {
    switch (event.kind) {
      case 'session':
        return index.putSession({ ...event.session });
      case 'reachability':
        return index.setFirewalled(event.sessionId, event.firewalled);
      case 'heartbeats':
        return index.touchSessions(event.heartbeats);
      case 'sessions-ended':
        return index.removeSessions(event.sessionIds);
      case 'list': {
        const list = await this.source.list(event.listId);
        if (list.sessionId && !index.hasSession(list.sessionId)) {
          const session = await this.source.session(list.sessionId);
          if (session) index.putSession(session);
        }
        return index.replaceList(event.listId, list.sessionId, list.files);
      }
      case 'delta':
        return index.applyDelta(event.listId, event.removedPaths, event.added);
      case 'takedown':
        return index.removeHash(event.sha256);
      case 'blocklist':
        return index.setBlocklist(...(await this.source.blocklist()));
      case 'blames':
        for (const { sessionId, blames } of await this.source.blames(event.sha256, event.sessionIds)) index.setBlames(sessionId, event.sha256, blames);
    }
  }
}
