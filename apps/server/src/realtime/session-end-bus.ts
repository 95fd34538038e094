import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import pg from 'pg';
import type { SessionEnded } from '#contracts';
import { AppConfig } from '../config/app-config.js';
import { SqlPool } from '../database/sql-pool.service.js';
import { Prisma } from '../generated/prisma/client.js';
import type { PeerNamespace } from './peer-socket.js';

const CHANNEL = 'peerdex_session_end';
/** pg_notify payloads are limited to 8000 bytes. */
const MAX_REASON = 2_000;

interface SessionEndNotice extends SessionEnded {
  room: string;
  /** sockets also in this room are spared (a password change keeps the changing login's sockets) */
  except?: string;
  /** the node that sent it has delivered it to its own sockets already */
  from: string;
}

/**
 * Ends sessions wherever their sockets are (a kick, a ban, a sign-out, an expiry): the sockets of this node at
 * once, those of other nodes through PostgreSQL's LISTEN/NOTIFY, which every node has anyway, so
 * a kick arrives even while Redis is away. Only if the database itself cannot be reached does the
 * Socket.IO adapter (Redis) carry it instead.
 */
@Injectable()
export class SessionEndBus implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('SessionEndBus');
  private namespace: PeerNamespace | undefined;
  private listener: pg.Client | undefined;
  private retry: NodeJS.Timeout | undefined;
  private failures = 0;
  private closing = false;

  constructor(
    private readonly config: AppConfig,
    private readonly sql: SqlPool,
  ) {}

  attach(namespace: PeerNamespace): void {
    this.namespace = namespace;
  }

  /**
   * Sends `session:ended` to every socket in `room` (on any node) but those also in `except`, then
   * disconnects them.
   */
  async end(room: string, ended: SessionEnded, except?: string): Promise<void> {
    this.deliver(room, ended, except);
    const notice: SessionEndNotice = { room, except, reason: ended.reason.slice(0, MAX_REASON), cause: ended.cause, from: this.config.nodeId };
    try {
      await this.sql.run(Prisma.sql`SELECT pg_notify(${CHANNEL}, ${JSON.stringify(notice)})`);
    } catch (error) {
      this.logger.warn(`cannot notify other nodes through PostgreSQL (${(error as Error).message}); using the Socket.IO adapter`);
      const sockets = this.namespace?.in(room).except(except ?? []);
      sockets?.emit('session:ended', ended);
      sockets?.disconnectSockets(true);
    }
  }

  async onModuleInit(): Promise<void> {
    await this.listen();
  }

  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    clearTimeout(this.retry);
    await this.listener?.end().catch(() => undefined);
  }

  private deliver(room: string, ended: SessionEnded, except?: string): void {
    if (!this.namespace) return;
    const sockets = this.namespace.local.in(room).except(except ?? []);
    sockets.emit('session:ended', ended);
    sockets.disconnectSockets(true);
  }

  /** One connection per node LISTENs; it is opened again (with backoff) whenever it drops. */
  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.config.databaseUrl });
    const reconnect = () => {
      if (this.closing || this.listener !== client) return;
      this.listener = undefined;
      client.end().catch(() => undefined);
      this.scheduleListen();
    };
    this.listener = client;
    client.on('error', reconnect);
    client.on('end', reconnect);
    client.on('notification', (message) => {
      if (message.channel !== CHANNEL || !message.payload) return;
      const { room, except, reason, cause, from } = JSON.parse(message.payload) as SessionEndNotice;
      if (from !== this.config.nodeId) this.deliver(room, { reason, cause }, except);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      if (this.failures > 0) this.logger.log('listening for session ends from other nodes again');
      this.failures = 0;
    } catch (error) {
      if (this.failures === 0) this.logger.warn(`cannot listen for session ends from other nodes (${(error as Error).message}); retrying`);
      reconnect();
    }
  }

  private scheduleListen(): void {
    clearTimeout(this.retry);
    const delay = Math.min(10_000, 250 * 2 ** this.failures++);
    this.retry = setTimeout(() => void this.listen(), delay);
    this.retry.unref();
  }
}
