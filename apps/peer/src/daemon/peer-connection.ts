import { io, type Socket } from 'socket.io-client';
import {
  type Ack,
  type ClientToServerEvents,
  type FileEntry,
  MAX_SHARE_BATCH,
  PEER_NAMESPACE,
  type PeerReady,
  type RejectedEntry,
  type ServerToClientEvents,
  type TransferPush,
} from '#contracts';
import type { DirectoryClient } from '../cli/directory-client.js';

export type PeerSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** The server answered a socket event with an error (its ErrorBody), or did not answer (statusCode 0). */
export class ServerCallError extends Error {
  constructor(
    readonly event: string,
    /** 0 when the server did not answer */
    readonly statusCode: number,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }

  /** Worth sending again later: no answer, rate limited, or the server could not do it now (5xx). */
  get retryable(): boolean {
    return this.statusCode === 0 || this.statusCode === 429 || this.statusCode >= 500;
  }
}

export interface ConnectionEvents {
  ready(ready: PeerReady): void;
  push(push: TransferPush): void;
  /** a moderator ended this session (a kick or a ban); no reconnection follows */
  ended(reason: string): void;
  disconnected(reason: string): void;
  /** the handshake was refused for good (banned, account gone) */
  refused(message: string): void;
  log(line: string): void;
}

/**
 * The daemon's Socket.IO session: authenticates in the handshake with a fresh access token on
 * every attempt, keeps the lease alive with heartbeats, and reconnects with exponential backoff
 * (1 s doubling to 30 s, with jitter) when the server goes away.
 */
export class PeerConnection {
  readonly socket: PeerSocket;
  private heartbeat: NodeJS.Timeout | undefined;
  private retry: NodeJS.Timeout | undefined;
  private failures = 0;
  private closed = false;

  constructor(
    server: string,
    client: DirectoryClient,
    handshake: () => { port?: number; url?: string; shareDigest: string },
    events: ConnectionEvents,
  ) {
    this.socket = io(`${server}${PEER_NAMESPACE}`, {
      transports: ['websocket'],
      reconnectionDelay: 1_000,
      reconnectionDelayMax: 30_000,
      randomizationFactor: 0.5,
      auth: (callback) => {
        client.freshCredentials().then(
          (credentials) => callback({ token: credentials.accessToken, ...handshake() }),
          (error: Error) => {
            events.refused(error.message);
            this.close();
          },
        );
      },
    });
    this.socket.on('peer:ready', (ready) => {
      this.failures = 0;
      clearInterval(this.heartbeat);
      this.heartbeat = setInterval(() => this.socket.emit('peer:heartbeat'), ready.heartbeatIntervalMs);
      events.ready(ready);
    });
    this.socket.on('transfer:push', (push) => events.push(push));
    this.socket.on('session:ended', ({ reason, cause }) => {
      // Anything but a moderator's decision (the session expired, say after a database outage)
      // is followed by a reconnection and a fresh publish, through the disconnect that follows.
      if (cause === 'expired') return events.log(`The server ended this session (${reason}); connecting again`);
      this.close();
      events.ended(reason);
    });
    this.socket.on('disconnect', (reason) => {
      clearInterval(this.heartbeat);
      if (!this.closed) events.disconnected(reason);
      // The server closed the namespace without saying why (it restarted): come back.
      if (reason === 'io server disconnect' && !this.closed) this.scheduleRetry();
    });
    this.socket.on('connect_error', (error: Error & { data?: { statusCode?: number } }) => {
      const status = error.data?.statusCode;
      if (status === 403) {
        events.refused(error.message);
        this.close();
        return;
      }
      // A refusal by the server's middleware is not retried by Socket.IO itself; transport errors are.
      if (status !== undefined) {
        events.log(`connection refused (${error.message}); retrying`);
        this.scheduleRetry();
      }
    });
  }

  /** Sends a whole list with share:sync in batches, all in flight at once (the server keeps their order). */
  async publish(entries: FileEntry[], digest: string): Promise<{ fileCount: number; rejected: RejectedEntry[] }> {
    const batches: FileEntry[][] = [];
    for (let start = 0; start < entries.length || batches.length === 0; start += MAX_SHARE_BATCH) {
      batches.push(entries.slice(start, start + MAX_SHARE_BATCH));
    }
    const acks = await Promise.all(
      batches.map((files, index) =>
        this.call<{ accepted: number; rejected: RejectedEntry[]; fileCount?: number }>('share:sync', { files, final: index === batches.length - 1, digest }),
      ),
    );
    const rejected = acks.flatMap((ack, batch) => ack.rejected.map((entry) => ({ ...entry, index: entry.index + batch * MAX_SHARE_BATCH })));
    return { fileCount: acks.at(-1)?.fileCount ?? 0, rejected };
  }

  /** Sends changes with share:delta, in batches; refusals are indexed into `added`. */
  async update(added: FileEntry[], removed: string[], digest: string): Promise<{ fileCount: number; rejected: RejectedEntry[] }> {
    const rejected: RejectedEntry[] = [];
    let fileCount = 0;
    for (let start = 0; start < Math.max(added.length, removed.length); start += MAX_SHARE_BATCH) {
      const ack = await this.call<{ rejected: RejectedEntry[]; fileCount: number }>('share:delta', {
        added: added.slice(start, start + MAX_SHARE_BATCH),
        removed: removed.slice(start, start + MAX_SHARE_BATCH),
        digest,
      });
      rejected.push(...ack.rejected.map((entry) => ({ ...entry, index: entry.index + start })));
      fileCount = ack.fileCount;
    }
    return { fileCount, rejected };
  }

  /** Emits an event and resolves with its acknowledgement's data (throws a CallError on an error one). */
  call<T>(event: keyof ClientToServerEvents, payload: unknown, timeoutMs = 120_000): Promise<T> {
    return new Promise((resolve, reject) => {
      (this.socket.timeout(timeoutMs).emit as (...args: unknown[]) => void)(event, payload, (error: Error | null, ack: Ack<T>) => {
        if (error) reject(new ServerCallError(event, 0, 'the server did not answer'));
        else if (!ack.ok) reject(new ServerCallError(event, ack.error.statusCode, ack.error.message, ack.error.retryAfter));
        else resolve(ack.data);
      });
    });
  }

  close(): void {
    this.closed = true;
    clearInterval(this.heartbeat);
    clearTimeout(this.retry);
    this.socket.close();
    // Events emitted while disconnected wait in the send buffer for a reconnection that will not
    // come, their answer timers keeping the process alive: fail them now.
    this.socket.sendBuffer = [];
    (this.socket as unknown as { _clearAcks(): void })._clearAcks();
  }

  private scheduleRetry(): void {
    clearTimeout(this.retry);
    const delay = Math.min(30_000, 1_000 * 2 ** this.failures) * (0.75 + Math.random() / 2);
    this.failures++;
    this.retry = setTimeout(() => !this.closed && this.socket.connect(), delay);
  }
}

/** A refused or unanswered event; `statusCode` is absent when the server did not answer. */
