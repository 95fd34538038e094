import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { describeIssues } from '#contracts';
import { isLoopbackHost } from '../presence/private-address.js';
import { EnvSchema, type Env } from './env.schema.js';

export class ConfigError extends Error {}

/** At most `points` events per `windowMs`. */
export interface RateLimitSetting {
  points: number;
  windowMs: number;
}

/**
 * The server's validated configuration. Built once from the environment in main.ts (or by tests)
 * and provided to every module; nothing else reads process.env.
 */
export class AppConfig {
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string | undefined;
  readonly databasePoolSize: number;
  readonly dataDir: string;
  readonly embeddedPgPort: number;
  readonly admin: { username: string; password: string | undefined };
  readonly accessTokenTtlMs: number;
  readonly refreshTokenTtlMs: number;
  readonly jwtSecret: string | undefined;
  readonly logLevel: Env['LOG_LEVEL'];
  readonly logFormat: Env['LOG_FORMAT'];
  readonly metricsToken: string | undefined;
  readonly trustProxy: boolean;
  readonly redisUrl: string | undefined;
  readonly authRateLimit: {
    /** attempts (register and login) from one address */
    perIp: RateLimitSetting;
    /** failed logins for one username from one address */
    perUsernameAndAddress: RateLimitSetting;
    /** failed logins for one username from every address */
    perUsername: RateLimitSetting;
  };
  readonly passwordChangeRateLimit: RateLimitSetting;
  readonly presenceLeaseMs: number;
  readonly peerProbeTimeoutMs: number;
  /** may the reachability probe reach non-public addresses (LAN use) */
  readonly peerPrivateAddresses: 'allow' | 'deny';
  readonly peerSessionsPerUser: number;
  /** back-pressure on peers' database work (realtime/admission.service.ts) */
  readonly peerAdmission: { concurrency: number; handshakeQueue: number; syncQueue: number; maxWaitMs: number };
  readonly shareListRetentionMs: number;
  readonly searchRateLimitPerMinute: number;
  readonly searchCandidates: number;
  readonly searchMaxPostings: number;
  readonly searchCacheTtlMs: number;
  readonly searchStreamMaxLength: number;
  readonly socketMaxMessageBytes: number;
  readonly nodeId: string;
  readonly ticketSigningKey: string | undefined;
  readonly ticketTtlMs: number;
  readonly transferRateLimitPerMinute: number;
  readonly reportRateLimit: { perUser: number; windowMs: number };
  /** server nodes of this machine that died without ending their sessions (found at start-up) */
  readonly deadNodeIds: string[] = [];

  constructor(env: Env) {
    this.port = env.PORT;
    this.host = env.HOST;
    this.databaseUrl = env.DATABASE_URL;
    this.databasePoolSize = env.DATABASE_POOL_SIZE;
    this.dataDir = resolve(env.PEERDEX_DATA_DIR);
    this.embeddedPgPort = env.EMBEDDED_PG_PORT;
    this.admin = { username: env.ADMIN_USERNAME, password: env.ADMIN_PASSWORD };
    this.accessTokenTtlMs = env.ACCESS_TOKEN_TTL;
    this.refreshTokenTtlMs = env.REFRESH_TOKEN_TTL;
    this.jwtSecret = env.JWT_SECRET;
    this.logLevel = env.LOG_LEVEL;
    this.logFormat = env.LOG_FORMAT;
    this.metricsToken = env.METRICS_TOKEN;
    this.trustProxy = env.TRUST_PROXY;
    this.redisUrl = env.REDIS_URL;
    this.authRateLimit = {
      perIp: { points: env.AUTH_RATE_LIMIT_PER_IP, windowMs: env.AUTH_RATE_LIMIT_WINDOW },
      perUsernameAndAddress: { points: env.AUTH_RATE_LIMIT_PER_USERNAME, windowMs: env.AUTH_RATE_LIMIT_USERNAME_WINDOW },
      perUsername: { points: env.AUTH_RATE_LIMIT_PER_USERNAME_GLOBAL, windowMs: env.AUTH_RATE_LIMIT_GLOBAL_WINDOW },
    };
    this.passwordChangeRateLimit = { points: env.PASSWORD_CHANGE_RATE_LIMIT_PER_USER, windowMs: env.PASSWORD_CHANGE_RATE_LIMIT_WINDOW };
    this.presenceLeaseMs = env.PRESENCE_LEASE;
    this.peerProbeTimeoutMs = env.PEER_PROBE_TIMEOUT;
    // On loopback every peer runs on this machine and can reach those ports itself.
    this.peerPrivateAddresses = env.PEER_PRIVATE_ADDRESSES ?? (isLoopbackHost(env.HOST) ? 'allow' : 'deny');
    this.peerSessionsPerUser = env.PEER_SESSIONS_PER_USER;
    this.peerAdmission = {
      concurrency: env.PEER_ADMISSION_CONCURRENCY,
      handshakeQueue: env.PEER_HANDSHAKE_QUEUE,
      syncQueue: env.SHARE_SYNC_QUEUE,
      maxWaitMs: env.PEER_ADMISSION_MAX_WAIT,
    };
    this.shareListRetentionMs = env.SHARE_LIST_RETENTION;
    this.searchRateLimitPerMinute = env.SEARCH_RATE_LIMIT_PER_MINUTE;
    this.searchCandidates = env.SEARCH_CANDIDATES;
    this.searchMaxPostings = env.SEARCH_MAX_POSTINGS;
    this.searchCacheTtlMs = env.SEARCH_CACHE_TTL;
    this.searchStreamMaxLength = env.SEARCH_STREAM_MAXLEN;
    this.socketMaxMessageBytes = env.SOCKET_MAX_MESSAGE_BYTES;
    this.ticketSigningKey = env.TICKET_SIGNING_KEY;
    this.ticketTtlMs = env.TICKET_TTL;
    this.transferRateLimitPerMinute = env.TRANSFER_RATE_LIMIT_PER_MINUTE;
    this.nodeId = env.NODE_ID ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.reportRateLimit = { perUser: env.REPORT_RATE_LIMIT_PER_USER, windowMs: env.REPORT_RATE_LIMIT_WINDOW };
  }

  /** Throws ConfigError naming every bad variable. */
  static fromEnv(env: NodeJS.ProcessEnv | Record<string, string | undefined>): AppConfig {
    const result = EnvSchema.safeParse(env);
    if (!result.success) {
      const lines = describeIssues(result.error).map(({ field, message }) => `  ${field}: ${message}`);
      throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
    }
    return new AppConfig(result.data);
  }

  requireTicketSigningKey(): string {
    if (!this.ticketSigningKey) throw new Error('Ticket signing key is not resolved; start the server through prepareRuntime()');
    return this.ticketSigningKey;
  }

  requireJwtSecret(): string {
    if (!this.jwtSecret) throw new Error('JWT secret is not resolved; start the server through prepareRuntime()');
    return this.jwtSecret;
  }

  /** A copy with some values replaced; used once the embedded database's URL is known. */
  with(overrides: Partial<AppConfig>): AppConfig {
    return Object.assign(Object.create(AppConfig.prototype) as AppConfig, this, overrides);
  }
}
