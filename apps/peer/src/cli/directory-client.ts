import type {
  ApiKeyView,
  AuthResponse,
  CreatedApiKey,
  BrowseResponse,
  ErrorBody,
  FileDetails,
  SearchQueryInput,
  SearchResponse,
  TicketKeySet,
  TransferGrant,
  TransferReport,
  UserView,
} from '#contracts';
import { CliError } from './errors.js';
import { describeBan, describeNetworkError } from './messages.js';
import type { Credentials, PeerHome } from './peer-home.js';

/** Refresh this long before the access token runs out, so a request never races its expiry. */
const REFRESH_MARGIN_MS = 30_000;

export class ApiError extends CliError {
  constructor(readonly status: number, readonly body: ErrorBody | undefined, fallback: string) {
    super(body?.message ?? fallback);
  }
}

/** The account is banned: the message says why and until when. */
export class BannedError extends CliError {}

/** The server did not answer at all (down, wrong address): nothing was done there. */
export class ServerUnreachableError extends CliError {}

/**
 * The directory server's REST API as the peer uses it. Access tokens are refreshed silently (under
 * the home's credentials lock, re-reading what another process may have refreshed already).
 */
export class DirectoryClient {
  constructor(
    readonly server: string,
    private readonly home: PeerHome,
  ) {}

  register(username: string, password: string): Promise<AuthResponse> {
    return this.request<AuthResponse>('POST', '/auth/register', { body: { username, password }, auth: false });
  }

  login(username: string, password: string): Promise<AuthResponse> {
    return this.request<AuthResponse>('POST', '/auth/login', { body: { username, password }, auth: false, username });
  }

  async changePassword(currentPassword: string, newPassword: string): Promise<void> {
    await this.request('PATCH', '/me/password', { body: { currentPassword, newPassword } });
  }

  async logout(credentials: Credentials): Promise<void> {
    await this.request('POST', '/auth/logout', { body: { refreshToken: credentials.refreshToken }, auth: false });
  }

  me(): Promise<UserView> {
    return this.request<UserView>('GET', '/me');
  }

  search(query: SearchQueryInput): Promise<SearchResponse> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
    return this.request<SearchResponse>('GET', `/search?${params}`);
  }

  file(sha256: string): Promise<FileDetails> {
    return this.request<FileDetails>('GET', `/files/${sha256}`);
  }

  browse(username: string, cursor?: string): Promise<BrowseResponse> {
    return this.request<BrowseResponse>('GET', `/users/${encodeURIComponent(username)}/files?limit=500${cursor ? `&cursor=${cursor}` : ''}`);
  }

  requestTransfer(sha256: string): Promise<TransferGrant> {
    return this.request<TransferGrant>('POST', '/transfers', { body: { sha256 } });
  }

  reportTransfer(report: TransferReport): Promise<unknown> {
    return this.request('POST', '/transfers/reports', { body: report });
  }

  report(target: { sha256: string } | { username: string }, reason: string): Promise<unknown> {
    return this.request('POST', '/reports', { body: { ...target, reason } });
  }

  ticketKeys(): Promise<TicketKeySet> {
    return this.request<TicketKeySet>('GET', '/ticket-keys', { auth: false });
  }

  apiKeys(): Promise<ApiKeyView[]> {
    return this.request<ApiKeyView[]>('GET', '/me/api-keys');
  }

  createApiKey(name: string): Promise<CreatedApiKey> {
    return this.request<CreatedApiKey>('POST', '/me/api-keys', { body: { name } });
  }

  async revokeApiKey(id: string): Promise<void> {
    await this.request('DELETE', `/me/api-keys/${encodeURIComponent(id)}`);
  }

  /** Credentials with an access token valid for at least a little while; signs in again never. */
  async freshCredentials(): Promise<Credentials> {
    const current = await this.home.credentials(this.server);
    if (!current) throw new CliError(`Not signed in to ${this.server}: run \`peerdex login <username>\` first`);
    if (current.accessTokenExpiresAt - Date.now() > REFRESH_MARGIN_MS) return current;
    return this.home.withCredentialsLock(async () => {
      const latest = await this.home.credentials(this.server);
      if (!latest) throw new CliError(`Not signed in to ${this.server}: run \`peerdex login <username>\` first`);
      if (latest.accessTokenExpiresAt - Date.now() > REFRESH_MARGIN_MS) return latest; // another process refreshed
      let refreshed: AuthResponse;
      try {
        refreshed = await this.request<AuthResponse>('POST', '/auth/refresh', {
          body: { refreshToken: latest.refreshToken },
          auth: false,
          username: latest.username,
        });
      } catch (error) {
        if (error instanceof BannedError) throw error; // kept, so every command says why until the ban ends
        if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
          await this.home.saveCredentials(this.server, undefined);
          throw new CliError(`Signed out by the server (${error.message}): run \`peerdex login ${latest.username}\` again`);
        }
        throw error;
      }
      const credentials = toCredentials(refreshed);
      await this.home.saveCredentials(this.server, credentials);
      return credentials;
    });
  }

  async request<T = unknown>(method: string, path: string, options: { body?: unknown; auth?: boolean; username?: string } = {}): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    let username = options.username;
    if (options.auth !== false) {
      const credentials = await this.freshCredentials();
      headers.authorization = `Bearer ${credentials.accessToken}`;
      username = credentials.username;
    }
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(`${this.server}/api/v1${path}`, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      const cause = (error as Error).cause instanceof Error ? ((error as Error).cause as Error) : (error as Error);
      throw new ServerUnreachableError(`Cannot reach the server at ${this.server}: ${describeNetworkError(cause)}`);
    }
    const text = await response.text();
    const body = (text && response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : undefined) as ErrorBody | undefined;
    if (!response.ok) {
      const ban = response.status === 403 && body ? describeBan(body.message, username) : undefined;
      if (ban) throw new BannedError(ban);
      throw new ApiError(response.status, body, `${method} ${path} failed with ${response.status}`);
    }
    return body as T;
  }
}

export function toCredentials(auth: AuthResponse): Credentials {
  return {
    userId: auth.user.id,
    username: auth.user.username,
    accessToken: auth.accessToken,
    accessTokenExpiresAt: Date.now() + auth.accessTokenExpiresIn * 1000,
    refreshToken: auth.refreshToken,
  };
}
