import { Redis } from 'ioredis';
import { type SearchEvent, SearchEventSchema } from './search-events.js';

/** Why a node can no longer trust that it saw every event: it rebuilds from PostgreSQL. */
export class EventGapError extends Error {}

export interface StreamEntry {
  id: string;
  event: SearchEvent;
  /** the publishing process, and its count of events so far (a hole means one was lost) */
  source: string;
  seq: number;
}

/**
 * The search events of one directory in a Redis stream: XADD with an approximate MAXLEN, XREAD
 * BLOCK from the last id seen. Before each read it checks that nothing was lost since that id:
 * the stream trimmed past it, deleted or recreated, or Redis restarted (a new run_id). Each
 * event also carries its publisher and sequence number, so a reader notices an event that one
 * node failed to add while Redis stayed up for the others.
 */
export class RedisEventStream {
  private readonly writer: Redis;
  private readonly reader: Redis;
  private runId: string | undefined;
  private entriesAdded = 0;
  private readerReconnected = false;

  /** set once the directory's stream name is known */
  key = '';

  constructor(
    url: string,
    private readonly maxLength: number,
  ) {
    // Publishing fails at once while Redis is away (the reader notices the outage and resyncs).
    this.writer = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false });
    this.reader = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: false });
    this.writer.on('error', () => undefined);
    this.reader.on('error', () => undefined);
    let connectedOnce = false;
    this.reader.on('ready', () => {
      if (connectedOnce) this.readerReconnected = true;
      connectedOnce = true;
    });
  }

  /** The id a reader starts after: the last one written ('0-0' for none). Also fixes the server instance. */
  async lastId(): Promise<string> {
    this.runId = await this.serverRunId();
    this.readerReconnected = false;
    const info = await this.info();
    this.entriesAdded = info ? Number(info['entries-added'] ?? 0) : 0;
    return info ? String(info['last-generated-id']) : '0-0';
  }

  async append(event: SearchEvent, source: string, seq: number): Promise<string> {
    const id = await this.writer.xadd(this.key, 'MAXLEN', '~', this.maxLength, '*', 'event', JSON.stringify(event), 'source', source, 'seq', String(seq));
    return id!;
  }

  /** Entries after `after`, waiting up to `blockMs` for one; throws EventGapError when some were lost. */
  async read(after: string, blockMs: number): Promise<StreamEntry[]> {
    await this.checkContinuity(after);
    const reply = (await this.reader.xread('COUNT', 1_000, 'BLOCK', blockMs, 'STREAMS', this.key, after)) as Array<[string, Array<[string, string[]]>]> | null;
    const entries = reply?.[0]?.[1] ?? [];
    return entries.map(([id, fields]) => {
      const field = (name: string) => fields[fields.indexOf(name) + 1];
      const parsed = SearchEventSchema.safeParse(JSON.parse(field('event') ?? 'null'));
      const seq = Number(field('seq'));
      if (!parsed.success || !field('source') || !Number.isSafeInteger(seq)) {
        throw new EventGapError(`event ${id} is not a search event${parsed.success ? '' : `: ${parsed.error.message}`}`);
      }
      return { id, event: parsed.data, source: field('source')!, seq };
    });
  }

  async close(): Promise<void> {
    this.writer.disconnect();
    this.reader.disconnect();
  }

  private async checkContinuity(after: string): Promise<void> {
    if (this.readerReconnected) {
      this.readerReconnected = false;
      if ((await this.serverRunId()) !== this.runId) throw new EventGapError('Redis restarted: events may be lost');
    }
    const info = await this.info();
    if (!info) {
      if (after !== '0-0') throw new EventGapError('the event stream is gone');
      return;
    }
    const added = Number(info['entries-added'] ?? 0);
    if (added < this.entriesAdded) throw new EventGapError('the event stream was recreated');
    this.entriesAdded = added;
    const maxDeleted = String(info['max-deleted-entry-id'] ?? '0-0');
    if (compareIds(maxDeleted, after) > 0) throw new EventGapError('the event stream was trimmed past the last event read');
    // Entries up to the last one read are neither there nor trimmed: this is another stream.
    const first = firstEntryId(info);
    if (after !== '0-0' && first && compareIds(first, after) > 0 && compareIds(maxDeleted, after) < 0) {
      throw new EventGapError('the event stream was deleted and started again');
    }
    if (compareIds(String(info['last-generated-id']), after) < 0) throw new EventGapError('the event stream went backwards');
  }

  private async info(): Promise<Record<string, unknown> | undefined> {
    try {
      const flat = (await this.reader.call('XINFO', 'STREAM', this.key)) as unknown[];
      const info: Record<string, unknown> = {};
      for (let index = 0; index + 1 < flat.length; index += 2) info[String(flat[index])] = flat[index + 1];
      return info;
    } catch (error) {
      if (/no such key/i.test((error as Error).message)) return undefined;
      throw error;
    }
  }

  private async serverRunId(): Promise<string> {
    const info = await this.reader.info('server');
    return /run_id:(\w+)/.exec(info)?.[1] ?? '';
  }
}

function firstEntryId(info: Record<string, unknown>): string | undefined {
  const entry = info['first-entry'];
  return Array.isArray(entry) && typeof entry[0] === 'string' ? entry[0] : undefined;
}

/** Orders stream ids ("ms-seq"). */
export function compareIds(a: string, b: string): number {
  const [aMs, aSeq] = a.split('-').map(BigInt) as [bigint, bigint];
  const [bMs, bSeq] = b.split('-').map(BigInt) as [bigint, bigint];
  if (aMs !== bMs) return aMs < bMs ? -1 : 1;
  return aSeq === bSeq ? 0 : aSeq < bSeq ? -1 : 1;
}
