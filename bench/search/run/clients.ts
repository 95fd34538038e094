import { randomBytes } from 'node:crypto';
import { type Ack, type ClientToServerEvents, PEER_NAMESPACE, type PeerReady, type ServerToClientEvents } from '#contracts';
import { io, type Socket } from 'socket.io-client';

export type PeerSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Every user the benchmark registers starts with this; earlier runs' users are removed by it. */
export const BENCH_USERNAME_PREFIX = 'bench.';

export interface BenchUser {
  username: string;
  accessToken: string;
}

export class BenchError extends Error {}

/** A request the server refused for now (503): send it again after `retryAfterS` seconds. */
export class RetryLater extends BenchError {
  constructor(
    message: string,
    readonly retryAfterS: number,
  ) {
    super(message);
  }
}

async function json<T>(response: Response, what: string): Promise<T> {
  const text = await response.text();
  if (!response.ok) throw new BenchError(`${what}: HTTP ${response.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

/** Registers a real account over REST (POST /api/v1/auth/register). */
export async function registerUser(baseUrl: string, name: string): Promise<BenchUser> {
  const username = `${BENCH_USERNAME_PREFIX}${name}`.slice(0, 32);
  const response = await fetch(`${baseUrl}/api/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: randomBytes(18).toString('base64url') }),
  });
  const body = await json<{ accessToken: string }>(response, `registering ${username}`);
  return { username, accessToken: body.accessToken };
}

/** A personal API key for the REST search (POST /api/v1/me/api-keys {name} → {key}). */
export async function createApiKey(baseUrl: string, user: BenchUser): Promise<string> {
  const response = await fetch(`${baseUrl}/api/v1/me/api-keys`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${user.accessToken}` },
    body: JSON.stringify({ name: 'search benchmark' }),
  });
  const body = await json<{ key?: string }>(response, 'creating an API key');
  if (typeof body.key !== 'string') throw new BenchError(`creating an API key: no "key" in ${JSON.stringify(body).slice(0, 200)}`);
  return body.key;
}

export interface ConnectedPeer {
  socket: PeerSocket;
  ready: PeerReady;
  close(): void;
}

/**
 * A real peer connection on /peer (websocket transport, as the CLI peer uses), authenticated in
 * the handshake, heartbeating at the interval the server asks for (at most every 5 s).
 */
export function connectPeer(baseUrl: string, user: BenchUser, timeoutMs = 15_000): Promise<ConnectedPeer> {
  const socket: PeerSocket = io(`${baseUrl}${PEER_NAMESPACE}`, { auth: { token: user.accessToken }, transports: ['websocket'], reconnection: false });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.close();
      reject(new BenchError(`${user.username}: no peer:ready within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('connect_error', (error) => {
      clearTimeout(timer);
      socket.close();
      reject(new BenchError(`${user.username}: socket refused: ${error.message}`));
    });
    socket.once('peer:ready', (ready) => {
      clearTimeout(timer);
      const heartbeat = setInterval(() => socket.emit('peer:heartbeat'), Math.min(ready.heartbeatIntervalMs, 5_000));
      resolve({
        socket,
        ready,
        close: () => {
          clearInterval(heartbeat);
          socket.close();
        },
      });
    });
  });
}

/** Emits with an acknowledgement; a refused request (ok: false) becomes an error. */
export async function request<E extends 'search' | 'share:sync'>(socket: PeerSocket, event: E, payload: Parameters<ClientToServerEvents[E]>[0], timeoutMs = 30_000) {
  type Result = Parameters<Parameters<ClientToServerEvents[E]>[1]>[0];
  const ack = (await (socket.timeout(timeoutMs) as any).emitWithAck(event, payload)) as Result & Ack<unknown>;
  if (!ack.ok) {
    const error = ack.error as { statusCode: number; message: string; retryAfter?: number };
    const message = `${event}: ${error.statusCode} ${error.message}`;
    throw error.statusCode === 503 && typeof error.retryAfter === 'number' ? new RetryLater(message, error.retryAfter) : new BenchError(message);
  }
  return ack.data as Extract<Result, { ok: true }>['data'];
}
