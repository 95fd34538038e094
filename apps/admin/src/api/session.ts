import type { AuthResponse, UserView } from '@contracts/auth';
import { ApiError, errorFromResponse, NetworkError } from './errors';

export const API_BASE = '/api/v1';
/** Survives reloads of this tab but not closing it, and is never shared with other tabs. */
const REFRESH_TOKEN_KEY = 'peerdex.admin.refreshToken';
/** Refresh this long before the access token expires. */
const REFRESH_MARGIN_MS = 60_000;

export type SessionState =
  | { status: 'restoring' }
  | { status: 'signed-out'; message?: string }
  | { status: 'signed-in'; user: UserView };

/**
 * The signed-in moderator. The access token lives only in memory; the refresh token in
 * sessionStorage so a reload of the tab stays signed in. Access tokens are renewed silently
 * before they expire and after a 401; when renewal fails the session ends.
 */
export class Session {
  private state: SessionState = { status: 'restoring' };
  private accessToken: string | undefined;
  private refreshing: Promise<boolean> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly storage: Storage = sessionStorage) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getState = (): SessionState => this.state;

  /** On start: a refresh token from before a reload signs the tab in again. */
  async restore(): Promise<void> {
    if (!this.storage.getItem(REFRESH_TOKEN_KEY)) return this.setState({ status: 'signed-out' });
    if (!(await this.refresh()) && this.state.status === 'restoring') this.setState({ status: 'signed-out' });
  }

  async signIn(username: string, password: string): Promise<void> {
    const response = await post('/auth/login', { username, password });
    if (!response.ok) throw await errorFromResponse(response);
    const auth = (await response.json()) as AuthResponse;
    if (auth.user.role === 'user') {
      // Leave no login behind for an account that cannot use the panel.
      await post('/auth/logout', { refreshToken: auth.refreshToken }).catch(() => undefined);
      throw new ApiError({
        statusCode: 403,
        error: 'Forbidden',
        message: `${auth.user.username} is not a moderator. Only moderators and admins can use this panel.`,
      });
    }
    this.accept(auth);
  }

  async signOut(message?: string): Promise<void> {
    const refreshToken = this.storage.getItem(REFRESH_TOKEN_KEY);
    this.clear(message);
    if (refreshToken) await post('/auth/logout', { refreshToken }).catch(() => undefined);
  }

  /** fetch() for the API with the access token, renewing it once on a 401. */
  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    if (this.refreshing) await this.refreshing;
    let response = await this.send(path, init);
    if (response.status === 401 && this.state.status === 'signed-in' && (await this.refresh())) {
      response = await this.send(path, init);
    }
    return response;
  }

  private send(path: string, init: RequestInit): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.accessToken) headers.set('Authorization', `Bearer ${this.accessToken}`);
    return fetch(`${API_BASE}${path}`, { ...init, headers }).catch((error: unknown) => {
      throw new NetworkError(error);
    });
  }

  /** One renewal at a time: concurrent 401s wait for the same one. */
  private refresh(): Promise<boolean> {
    this.refreshing ??= this.renew().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async renew(): Promise<boolean> {
    const refreshToken = this.storage.getItem(REFRESH_TOKEN_KEY);
    if (!refreshToken) return false;
    let response: Response;
    try {
      response = await post('/auth/refresh', { refreshToken });
    } catch {
      // Offline for a moment is not a reason to sign out; the next call tries again.
      if (this.state.status === 'restoring') this.setState({ status: 'signed-out', message: 'Cannot reach the server.' });
      return false;
    }
    if (!response.ok) {
      const error = await errorFromResponse(response);
      this.clear(`Signed out: ${error.message}`);
      return false;
    }
    const auth = (await response.json()) as AuthResponse;
    if (auth.user.role === 'user') {
      this.clear('Signed out: this account is no longer a moderator.');
      return false;
    }
    this.accept(auth);
    return true;
  }

  private accept(auth: AuthResponse): void {
    this.accessToken = auth.accessToken;
    this.storage.setItem(REFRESH_TOKEN_KEY, auth.refreshToken);
    clearTimeout(this.timer);
    const delay = Math.max(5_000, auth.accessTokenExpiresIn * 1000 - REFRESH_MARGIN_MS);
    this.timer = setTimeout(() => void this.refresh(), delay);
    this.setState({ status: 'signed-in', user: auth.user });
  }

  private clear(message?: string): void {
    clearTimeout(this.timer);
    this.accessToken = undefined;
    this.storage.removeItem(REFRESH_TOKEN_KEY);
    this.setState({ status: 'signed-out', message });
  }

  private setState(state: SessionState): void {
    this.state = state;
    for (const listener of this.listeners) listener();
  }
}

function post(path: string, body: unknown): Promise<Response> {
  return fetch(`${API_BASE}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}

export const session = new Session();
