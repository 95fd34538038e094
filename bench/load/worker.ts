import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { type Ack, type ClientToServerEvents, PEER_NAMESPACE, type PeerReady, type ServerToClientEvents } from '#contracts';
import { io, type Socket } from 'socket.io-client';
import { type Command, count, emptyCounters, type OpenCommand, type Reply, type SearchCommand } from './protocol.js';
import { fileNameFor } from './vocabulary.js';

/**
 * One client process of the load benchmark: thousands of real Socket.IO peers, each of which
 * connects (retrying a 503 after its retryAfter), publishes a small list with share:sync
 * (retrying a 503 the same way), heartbeats as peer:ready asks, and searches on request.
 */
type PeerSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type Outcome = { kind: 'ready'; socket: PeerSocket; ready: PeerReady } | { kind: 'refused'; status: string; retryAfter?: number };

const counters = emptyCounters();
const sockets = new Set<PeerSocket>();
let closing = false;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** retryAfter seconds plus up to one second of jitter, so refused peers do not return together */
const backoff = (retryAfter: number | undefined) => sleep((retryAfter ?? 1) * 1000 + Math.random() * 1000);

function connectOnce(baseUrl: string, token: string, timeoutMs: number): Promise<Outcome> {
  const socket: PeerSocket = io(`${baseUrl}${PEER_NAMESPACE}`, {
    auth: { token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    timeout: timeoutMs,
  });
  return new Promise((resolve) => {
    const timer = setTimeout(() => settle({ kind: 'refused', status: 'timeout' }), timeoutMs);
    const settle = (outcome: Outcome) => {
      clearTimeout(timer);
      socket.off('connect_error');
      socket.off('peer:ready');
      if (outcome.kind !== 'ready') socket.close();
      resolve(outcome);
    };
    socket.once('connect_error', (error: Error & { data?: { statusCode?: number; retryAfter?: number } }) =>
      settle({ kind: 'refused', status: String(error.data?.statusCode ?? error.message), retryAfter: error.data?.retryAfter }),
    );
    socket.once('peer:ready', (ready) => settle({ kind: 'ready', socket, ready }));
  });
}

async function emitWithAck(socket: PeerSocket, event: 'share:sync' | 'search', payload: unknown, timeoutMs: number): Promise<Ack<unknown>> {
  try {
    return (await (socket.timeout(timeoutMs) as unknown as { emitWithAck(event: string, payload: unknown): Promise<Ack<unknown>> }).emitWithAck(
      event,
      payload,
    )) as Ack<unknown>;
  } catch {
    return { ok: false, error: { statusCode: 0, error: 'timeout', message: 'no acknowledgement' } };
  }
}

/** One peer: connect, publish, heartbeat. Resolves with its timings, or nothing if it gave up. */
async function runPeer(command: OpenCommand, index: number, token: string): Promise<{ handshakeMs: number; syncMs?: number } | undefined> {
  const started = performance.now();
  for (let attempt = 0; ; attempt += 1) {
    const outcome = await connectOnce(command.baseUrl, token, command.timeoutMs);
    if (outcome.kind === 'refused') {
      if (outcome.status === '503' && attempt < command.retries) {
        counters.handshakesRefused503 += 1;
        await backoff(outcome.retryAfter);
        continue;
      }
      count(counters.handshakesFailed, outcome.status === '503' ? '503 (gave up)' : outcome.status);
      return undefined;
    }
    const handshakeMs = performance.now() - started;
    const { socket, ready } = outcome;
    counters.sessionsReady += 1;
    sockets.add(socket);
    const heartbeat = setInterval(() => socket.emit('peer:heartbeat'), ready.heartbeatIntervalMs);
    socket.on('disconnect', (reason) => {
      clearInterval(heartbeat);
      sockets.delete(socket);
      if (!closing) count(counters.drops, reason);
    });
    return { handshakeMs, syncMs: await publish(command, index, socket) };
  }
}

async function publish(command: OpenCommand, index: number, socket: PeerSocket): Promise<number | undefined> {
  const files = Array.from({ length: command.filesPerSession }, (_, n) => {
    const path = `load/${index}/${fileNameFor(index, n)}`;
    return { path, size: 1_000 + n, sha256: createHash('sha256').update(path).digest('hex') };
  });
  const started = performance.now();
  for (let attempt = 0; ; attempt += 1) {
    const ack = await emitWithAck(socket, 'share:sync', { files, final: true }, command.timeoutMs);
    if (ack.ok) {
      counters.syncsOk += 1;
      return performance.now() - started;
    }
    if (ack.error.statusCode === 503 && attempt < command.retries) {
      counters.syncsRefused503 += 1;
      await backoff(ack.error.retryAfter);
      continue;
    }
    count(counters.syncsFailed, ack.error.statusCode === 503 ? '503 (gave up)' : String(ack.error.statusCode || ack.error.error));
    return undefined;
  }
}

async function open(command: OpenCommand): Promise<Reply> {
  const handshakeMs: number[] = [];
  const syncMs: number[] = [];
  let next = 0;
  const lane = async () => {
    while (next < command.tokens.length) {
      const n = next++;
      const result = await runPeer(command, command.firstIndex + n, command.tokens[n]!);
      if (result) handshakeMs.push(result.handshakeMs);
      if (result?.syncMs !== undefined) syncMs.push(result.syncMs);
    }
  };
  await Promise.all(Array.from({ length: Math.min(command.maxInFlight, command.tokens.length) }, lane));
  return { type: 'opened', counters, handshakeMs, syncMs, open: sockets.size };
}

async function search(command: SearchCommand): Promise<Reply> {
  const ms: number[] = [];
  const failed: Record<string, number> = {};
  const running: Array<Promise<void>> = [];
  const deadline = performance.now() + command.durationMs;
  for (let n = 0; performance.now() < deadline; n += 1) {
    const socket = [...sockets][Math.floor(Math.random() * sockets.size)];
    if (socket) {
      const q = command.queries[n % command.queries.length]!;
      const started = performance.now();
      running.push(
        emitWithAck(socket, 'search', { q }, command.timeoutMs).then((ack) => {
          if (ack.ok) ms.push(performance.now() - started);
          else count(failed, String(ack.error.statusCode || ack.error.error));
        }),
      );
    }
    await sleep(1000 / command.perSecond);
  }
  await Promise.all(running);
  return { type: 'searched', ms, failed };
}

process.on('message', (command: Command) => {
  const reply = (message: Reply) => process.send!(message);
  switch (command.type) {
    case 'open':
      void open(command).then(reply);
      break;
    case 'search':
      void search(command).then(reply);
      break;
    case 'stats':
      reply({ type: 'stats', counters, open: sockets.size });
      break;
    case 'close':
      closing = true;
      for (const socket of sockets) socket.close();
      setTimeout(() => process.exit(0), 200);
      break;
  }
});
