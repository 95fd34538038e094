import { io, type Socket } from 'socket.io-client';
import type { Ack, ClientToServerEvents, PeerReady, ServerToClientEvents } from '#contracts';

export type PeerClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface ConnectedPeer {
  socket: PeerClientSocket;
  ready: PeerReady;
  /** emits an event and resolves with its acknowledgement */
  call<E extends 'share:sync' | 'share:delta' | 'search' | 'transfer:request' | 'transfer:report' | 'swarm:announce' | 'swarm:have' | 'swarm:leave'>(
    event: E,
    payload: Parameters<ClientToServerEvents[E]>[0],
  ): Promise<Ack<any>>;
  /** resolves with the data of a successful acknowledgement, throws on an error one */
  ok<T = any>(event: 'share:sync' | 'share:delta' | 'search' | 'transfer:request' | 'transfer:report' | 'swarm:announce' | 'swarm:have' | 'swarm:leave', payload: unknown): Promise<T>;
  close(): void;
}

/**
 * A real Socket.IO client on the /peer namespace. Heartbeats are sent every `heartbeatMs` (as the
 * server asks in peer:ready) unless `heartbeat: false`; `localAddress` picks the address the
 * socket comes from.
 */
export function connectPeer(
  baseUrl: string,
  auth: Record<string, unknown>,
  options: { heartbeat?: boolean; localAddress?: string } = {},
): Promise<ConnectedPeer> {
  const socket: PeerClientSocket = io(`${baseUrl}/peer`, {
    auth,
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    // Another loopback address (127.0.0.2) stands for another machine.
    ...(options.localAddress ? { localAddress: options.localAddress } : {}),
  });
  return new Promise((resolve, reject) => {
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
    socket.once('peer:ready', (ready) => {
      let timer: NodeJS.Timeout | undefined;
      if (options.heartbeat !== false) {
        timer = setInterval(() => socket.emit('peer:heartbeat'), ready.heartbeatIntervalMs);
        socket.on('disconnect', () => clearInterval(timer));
      }
      const call = (event: string, payload: unknown) =>
        new Promise<Ack<any>>((done) => (socket.emit as (...args: unknown[]) => void)(event, payload, done));
      resolve({
        socket,
        ready,
        call: call as ConnectedPeer['call'],
        ok: async (event, payload) => {
          const ack = await call(event, payload);
          if (!ack.ok) throw new Error(`${event} failed: ${ack.error.statusCode} ${ack.error.message}`);
          return ack.data;
        },
        close: () => {
          clearInterval(timer);
          socket.close();
        },
      });
    });
  });
}

/** A file entry for tests: a content hash derived from `content`, so equal content means equal hash. */
export function entry(path: string, content: string, extra: Record<string, unknown> = {}) {
  return { path, size: content.length, sha256: sha256Hex(content), ...extra };
}

import { createHash } from 'node:crypto';
export function sha256Hex(content: string): string {
  return createHash('sha256').update(content).digest('hex');
}
