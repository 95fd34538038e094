import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { Redis } from 'ioredis';
import type { Server, ServerOptions } from 'socket.io';
import type { AppConfig } from '../config/app-config.js';

/**
 * Socket.IO server options for peers, and — when REDIS_URL is set — the Redis Streams adapter, so
 * that a broadcast to a user's or session's room (a ban, a kick, a push request) reaches the node
 * that holds the socket.
 */
export class PeerIoAdapter extends IoAdapter {
  private redis: Redis | undefined;

  constructor(
    app: INestApplicationContext,
    private readonly config: AppConfig,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, {
      ...options,
      maxHttpBufferSize: this.config.socketMaxMessageBytes,
      pingInterval: 10_000,
      pingTimeout: 10_000,
      serveClient: false,
    } as ServerOptions) as Server;
    if (this.config.redisUrl) {
      this.redis = new Redis(this.config.redisUrl);
      server.adapter(createAdapter(this.redis));
    }
    return server;
  }

  override async close(server: Server): Promise<void> {
    await super.close(server);
    await this.redis?.quit().catch(() => undefined);
  }
}
