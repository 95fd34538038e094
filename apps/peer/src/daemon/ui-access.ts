import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { PeerHome } from '../cli/peer-home.js';

/**
 * The web UI's cookie: the per-install secret, never readable by scripts. Browsers send a cookie
 * to every port of a host, so its name carries the port: two peers on one machine (two users, or
 * a test) do not overwrite each other's.
 */
const cookieName = (port: number) => `peerdex_ui_${port}`;
/** A login link works once, and only for this long after `peerdex ui` asked for it. */
const LOGIN_CODE_TTL_MS = 2 * 60_000;
const UI_SECRET_FILE = 'ui-secret.json';

/**
 * Who may use the daemon's local API: the `peerdex` command with the bearer token it reads from
 * daemon.json (mode 0600), or a browser holding the web UI's cookie. The cookie carries a secret
 * kept per install (ui-secret.json, mode 0600), so a browser stays signed in across restarts of
 * `peerdex up`; it gets there only through a one-time login link that `peerdex ui` asks for with
 * the bearer token, so only the user who can read this home can hand it out.
 */
export class UiAccess {
  readonly token = randomBytes(24).toString('base64url');
  private readonly loginCodes = new Map<string, number>();

  private constructor(private readonly secret: string) {}

  static async open(home: PeerHome): Promise<UiAccess> {
    const saved = await home.read<{ secret?: string }>(UI_SECRET_FILE);
    if (saved?.secret && saved.secret.length >= 32) return new UiAccess(saved.secret);
    const secret = randomBytes(32).toString('base64url');
    await home.write(UI_SECRET_FILE, { secret });
    return new UiAccess(secret);
  }

  /** The command's credential: `Authorization: Bearer <token from daemon.json>`. */
  hasToken(request: IncomingMessage): boolean {
    return sameSecret(/^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1], this.token);
  }

  /** The browser's credential: the UI cookie of the server on `port`. */
  hasCookie(request: IncomingMessage, port: number): boolean {
    return sameSecret(readCookie(request.headers.cookie, cookieName(port)), this.secret);
  }

  /** A new one-time code for a login link; it expires after a couple of minutes. */
  newLoginCode(): { code: string; expiresAt: Date } {
    const now = Date.now();
    for (const [code, expires] of this.loginCodes) if (expires <= now) this.loginCodes.delete(code);
    const code = randomBytes(24).toString('base64url');
    this.loginCodes.set(code, now + LOGIN_CODE_TTL_MS);
    return { code, expiresAt: new Date(now + LOGIN_CODE_TTL_MS) };
  }

  /** Spends a login code: true once per code, within its time. */
  spendLoginCode(code: string | null): boolean {
    if (!code) return false;
    const expires = this.loginCodes.get(code);
    this.loginCodes.delete(code ?? '');
    return expires !== undefined && expires > Date.now();
  }

  /** The Set-Cookie header that signs a browser in: script-proof, first-party only, for every path. */
  cookie(port: number): string {
    return `${cookieName(port)}=${this.secret}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${400 * 24 * 3600}`;
  }
}

function sameSecret(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const separator = part.indexOf('=');
    if (separator > 0 && part.slice(0, separator).trim() === name) return part.slice(separator + 1).trim();
  }
  return undefined;
}
