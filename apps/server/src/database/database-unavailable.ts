/**
 * Whether an error means "the database cannot be used right now" (unreachable, restarting,
 * refusing connections, connections cut, no connection free in time), as opposed to a bug or a
 * bad statement. Such errors become 503 with Retry-After (common/http-error.filter.ts), for REST
 * and socket acknowledgements alike. Recognises errors of `pg` and of Prisma's pg adapter.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (const candidate of causes(error)) {
    if (typeof candidate !== 'object' || candidate === null) continue;
    const { code, kind, message } = candidate as { code?: unknown; kind?: unknown; message?: unknown };
    if (typeof kind === 'string' && UNAVAILABLE_KINDS.has(kind)) return true;
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || PRISMA_CODES.has(code) || isUnavailableSqlState(code, message))) {
      if (code !== 'P2028' || String(message).includes('Unable to start a transaction')) return true;
    }
    if (typeof message === 'string' && PG_CONNECTION_MESSAGES.some((text) => message.includes(text))) return true;
  }
  return false;
}

/** Seconds a client should wait before trying again after a 503 for the database. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** Prisma driver-adapter error kinds for a database that cannot be reached or used. */
const UNAVAILABLE_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections', 'TlsConnectionError']);
/** Prisma: can't reach (P1001), timed out (P1002), connection closed (P1017), no transaction slot in time (P2028). */
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1017', 'P2028']);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/** What `pg` says when a connection dies or cannot be had. */
const PG_CONNECTION_MESSAGES = [
  'Connection terminated unexpectedly',
  'Connection terminated due to connection timeout',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
  "Can't reach database server",
];

/**
 * SQLSTATEs: class 08 (connection exception), 57P01–57P03 (shut down, crashed, starting up),
 * 53300 (too many connections), and 55000 when the database does not accept connections.
 */
function isUnavailableSqlState(code: string, message: unknown): boolean {
  if (!/^[0-9A-Z]{5}$/.test(code)) return false;
  if (code.startsWith('08') || ['57P01', '57P02', '57P03', '53300'].includes(code)) return true;
  return code === '55000' && String(message).includes('not currently accepting connections');
}

/** The error, its `cause` chain, and the driver-adapter error Prisma keeps in `meta`. */
function* causes(error: unknown): Generator<unknown> {
  const seen = new Set<unknown>();
  const queue = [error];
  while (queue.length > 0) {
    const current = queue.shift();
    if (current === undefined || current === null || seen.has(current)) continue;
    seen.add(current);
    yield current;
    if (typeof current !== 'object') continue;
    const { cause, meta } = current as { cause?: unknown; meta?: { driverAdapterError?: unknown } };
    queue.push(cause, meta?.driverAdapterError);
  }
}
