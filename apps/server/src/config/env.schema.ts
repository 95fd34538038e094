import { z } from 'zod';

const DURATION = /^(\d+)(ms|s|m|h|d)?$/;
const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** "900", "15m", "30d", "250ms" → milliseconds; a bare number means seconds. */
const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value, ctx) => {
      const match = DURATION.exec(value.trim());
      if (!match) {
        ctx.addIssue({ code: 'custom', message: `must be a duration such as 900, 30s, 15m, 12h or 30d (got "${value}")` });
        return z.NEVER;
      }
      return Number(match[1]) * UNIT_MS[(match[2] ?? 's') as keyof typeof UNIT_MS];
    });

const integer = (fallback: number, min: number, max: number) =>
  z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`)
    .default(fallback);

const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
    .default(fallback ? 'true' : 'false')
    .transform((value) => ['true', '1', 'yes'].includes(value));

const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value));

/**
 * Every environment variable the server reads, with its default. Parsed once at start-up; a bad
 * value stops the server with a message naming the variable (see loadConfig).
 */
export const EnvSchema = z.object({
  PORT: integer(3000, 0, 65535),
  HOST: z.string().min(1).default('127.0.0.1'),
  /** when unset, the server runs an embedded PostgreSQL under PEERDEX_DATA_DIR */
  DATABASE_URL: optionalText.pipe(
    z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL').optional(),
  ),
  DATABASE_POOL_SIZE: integer(10, 1, 500),
  PEERDEX_DATA_DIR: z.string().min(1).default('./.data'),
  /** port of the embedded PostgreSQL; 0 picks a free one at each start */
  EMBEDDED_PG_PORT: integer(0, 0, 65535),
  ADMIN_USERNAME: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{3,32}$/, 'must be 3 to 32 letters, digits, "_", "." or "-"')
    .default('admin'),
  ADMIN_PASSWORD: optionalText.pipe(z.string().min(8, 'must be at least 8 characters').max(1024).optional()),
  ACCESS_TOKEN_TTL: duration('15m'),
  REFRESH_TOKEN_TTL: duration('30d'),
  /** HMAC secret for access tokens; generated into the data dir when unset */
  JWT_SECRET: optionalText.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** json: one JSON object a line; pretty: readable lines; auto: pretty on a terminal, JSON otherwise */
  LOG_FORMAT: optionalText.pipe(z.enum(['auto', 'json', 'pretty'], { error: 'must be auto, json or pretty' }).default('auto')),
  /** bearer token a Prometheus scraper must present on GET /metrics; /metrics is public when unset */
  METRICS_TOKEN: optionalText.pipe(z.string().min(16, 'must be at least 16 characters').max(1024).optional()),
  /** Express "trust proxy": set when behind a load balancer so client IPs come from X-Forwarded-For */
  TRUST_PROXY: flag(false),
  /** shared store for rate limits (and, later, Socket.IO); in-process memory when unset */
  REDIS_URL: optionalText.pipe(z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL').optional()),
  /** register and login attempts from one address per AUTH_RATE_LIMIT_WINDOW */
  AUTH_RATE_LIMIT_PER_IP: integer(30, 1, 1_000_000),
  AUTH_RATE_LIMIT_WINDOW: duration('1m'),
  /** failed logins for one username from one address per AUTH_RATE_LIMIT_USERNAME_WINDOW */
  AUTH_RATE_LIMIT_PER_USERNAME: integer(10, 1, 1_000_000),
  AUTH_RATE_LIMIT_USERNAME_WINDOW: duration('15m'),
  /** failed logins for one username from every address together (OWASP ASVS: at most 100 an hour) */
  AUTH_RATE_LIMIT_PER_USERNAME_GLOBAL: integer(100, 1, 1_000_000),
  AUTH_RATE_LIMIT_GLOBAL_WINDOW: duration('1h'),
  /** wrong current passwords one account may send to PATCH /me/password per window */
  PASSWORD_CHANGE_RATE_LIMIT_PER_USER: integer(5, 1, 1_000_000),
  PASSWORD_CHANGE_RATE_LIMIT_WINDOW: duration('15m'),
  /** a peer session that sends no heartbeat for this long is dropped */
  PRESENCE_LEASE: duration('30s'),
  /** how long the reachability probe of a peer's endpoint may take before it counts as firewalled */
  PEER_PROBE_TIMEOUT: duration('2s'),
  /**
   * whether the reachability probe may reach peers on loopback, private, link-local and other
   * non-public addresses; unset: allow when HOST is a loopback address, deny otherwise
   */
  PEER_PRIVATE_ADDRESSES: optionalText.pipe(z.enum(['allow', 'deny'], { error: 'must be allow or deny' }).optional()),
  /** peer sessions one account may have online at once; a handshake past it is refused (429) */
  PEER_SESSIONS_PER_USER: integer(5, 1, 10_000),
  /** handshakes and publishes (share:sync, share:delta) doing database work at once, per node */
  PEER_ADMISSION_CONCURRENCY: integer(4, 1, 1_000),
  /** handshakes waiting for their turn; past it a handshake is refused with 503 and a retry time */
  PEER_HANDSHAKE_QUEUE: integer(500, 0, 1_000_000),
  /** share:sync and share:delta batches waiting for their turn; past it 503 with a retry time */
  SHARE_SYNC_QUEUE: integer(200, 0, 1_000_000),
  /** a handshake or publish that would wait longer than this for its turn is refused at once (503) */
  PEER_ADMISSION_MAX_WAIT: duration('10s'),
  /** how long a disconnected peer's share list is kept for a reconnect with the same digest */
  SHARE_LIST_RETENTION: duration('10m'),
  SEARCH_RATE_LIMIT_PER_MINUTE: integer(120, 1, 10_000_000),
  /** index rows a search examines at most before ranking; bounds the cost of very common words */
  SEARCH_CANDIDATES: integer(200, 50, 100_000),
  /** how long a node reuses the ranking of a search (0: never); sources are always read fresh */
  SEARCH_CACHE_TTL: duration('5s'),
  /** word-index entries a search reads at most (selective filters on very common words stop here) */
  SEARCH_MAX_POSTINGS: integer(20_000, 1_000, 10_000_000),
  /** search events kept in the Redis stream (approximately); a node that falls further behind rebuilds its index */
  SEARCH_STREAM_MAXLEN: integer(100_000, 1_000, 100_000_000),
  /** Socket.IO message size limit; a share:sync batch of 5,000 long paths needs several MB */
  SOCKET_MAX_MESSAGE_BYTES: integer(8 * 1024 * 1024, 64 * 1024, 64 * 1024 * 1024),
  /** Ed25519 private key (PKCS#8 PEM; "\n" escapes allowed) that signs transfer tickets; generated into the data dir when unset */
  TICKET_SIGNING_KEY: optionalText.pipe(
    z
      .string()
      .transform((value) => value.replaceAll('\\n', '\n'))
      .pipe(z.string().regex(/-----BEGIN PRIVATE KEY-----/, 'must be a PKCS#8 PEM private key (-----BEGIN PRIVATE KEY-----)'))
      .optional(),
  ),
  /** how long a transfer ticket is valid */
  TICKET_TTL: duration('5m'),
  /**
   * tickets one user may ask for per minute (transfer:request and POST /transfers together); a
   * download asks for one, then one per TICKET_TTL, a few more around a server restart
   */
  TRANSFER_RATE_LIMIT_PER_MINUTE: integer(30, 1, 1_000_000),
  /** identifies this process among several server nodes (defaults to host name and pid) */
  NODE_ID: optionalText.pipe(z.string().max(128).optional()),
  /** reports (POST /reports) one account may file per window: keeps the moderators' queue usable */
  REPORT_RATE_LIMIT_PER_USER: integer(20, 1, 1_000_000),
  REPORT_RATE_LIMIT_WINDOW: duration('1h'),
});

export type Env = z.output<typeof EnvSchema>;
