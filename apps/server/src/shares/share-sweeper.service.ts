import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { ShareFilesRepository } from './share-files.repository.js';
import { ShareListsRepository } from './share-lists.repository.js';

const PURGE_BATCH = 5_000;
/** Work per tick, so purging a huge list never hogs the database for long. */
const TICK_BUDGET_MS = 500;

/**
 * Deletes what search can no longer see: superseded generations and lists whose peer did not come
 * back within SHARE_LIST_RETENTION. Every node runs it; the work is idempotent.
 */
@Injectable()
export class ShareSweeperService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('ShareSweeper');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly config: AppConfig,
    private readonly lists: ShareListsRepository,
    private readonly files: ShareFilesRepository,
  ) {}

  onModuleInit(): void {
    this.schedule(1_000);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One round: drop expired lists, then purge for up to TICK_BUDGET_MS. True when work is left. */
  async sweep(): Promise<boolean> {
    await this.lists.dropExpired(this.config.shareListRetentionMs);
    const started = Date.now();
    while (Date.now() - started < TICK_BUDGET_MS) {
      const purge = await this.lists.nextPurge();
      if (!purge) return false;
      const deleted = await this.files.purge(purge.listId, purge.generation, PURGE_BATCH);
      if (deleted < PURGE_BATCH) await this.lists.completePurge(purge.id).catch(() => undefined);
    }
    return true;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.sweep()
        .then((moreWork) => this.schedule(moreWork ? 50 : this.idleDelay()))
        .catch((error: unknown) => {
          this.logger.error({ err: error }, 'share sweep failed');
          this.schedule(this.idleDelay());
        });
    }, delayMs);
    this.timer.unref();
  }

  private idleDelay(): number {
    return Math.min(10_000, Math.max(200, Math.floor(this.config.shareListRetentionMs / 4)));
  }
}
