import { DAEMON_API_PREFIX, type DaemonStatus, type DownloadView, type ErrorBody, type LoginLink } from '#contracts';
import { type DaemonFile, runningDaemon } from '../daemon/daemon-file.js';
import { isFinished } from '../daemon/downloads.js';
import type { CliContext } from './context.js';
import { CliError, UsageError } from './errors.js';

/** The running daemon's local API (docs/client.md), as the `peerdex` command uses it. */
export class DaemonClient {
  private constructor(private readonly daemon: DaemonFile) {}

  /** The daemon running for this home and server, if any. */
  static async find(context: CliContext): Promise<DaemonClient | undefined> {
    const daemon = await runningDaemon(context.home, context.server);
    return daemon ? new DaemonClient(daemon) : undefined;
  }

  status(): Promise<DaemonStatus> {
    return this.request<DaemonStatus>('GET', '/status');
  }

  async downloads(): Promise<DownloadView[]> {
    return (await this.request<{ downloads: DownloadView[] }>('GET', '/downloads')).downloads;
  }

  /** Starts a download, or finds the one already bringing that file into that folder. */
  async start(sha256: string, outputDir: string, options: { seed?: boolean } = {}): Promise<{ download: DownloadView; alreadyRunning: boolean }> {
    try {
      return { download: await this.request<DownloadView>('POST', '/downloads', { sha256, outputDir, ...options }), alreadyRunning: false };
    } catch (error) {
      if (error instanceof DaemonApiError && error.status === 409 && error.download) return { download: error.download, alreadyRunning: true };
      throw error;
    }
  }

  /** A one-time link that signs a browser in to the web UI (`peerdex ui`). */
  loginLink(): Promise<LoginLink> {
    return this.request<LoginLink>('POST', '/ui/login-link');
  }

  cancel(id: string): Promise<DownloadView> {
    return this.request<DownloadView>('POST', `/downloads/${encodeURIComponent(id)}/cancel`);
  }

  /** Follows one download's events until it ends; resolves with its final state. */
  async follow(id: string, onChange: (download: DownloadView) => void): Promise<DownloadView> {
    const response = await this.fetch(`/events?download=${encodeURIComponent(id)}`, { headers: this.headers() });
    if (!response.ok || !response.body) throw await apiError(response);
    let buffered = '';
    for await (const chunk of response.body.pipeThrough(new TextDecoderStream())) {
      buffered += chunk;
      let end: number;
      while ((end = buffered.indexOf('\n\n')) >= 0) {
        const event = parseEvent(buffered.slice(0, end));
        buffered = buffered.slice(end + 2);
        const views = event?.event === 'snapshot' ? (event.data as { downloads: DownloadView[] }).downloads : event?.event === 'download' ? [event.data as DownloadView] : [];
        for (const view of views) {
          onChange(view);
          if (isFinished(view)) {
            await response.body.cancel().catch(() => undefined);
            return view;
          }
        }
      }
    }
    throw new CliError('The running peer stopped before the download finished; run the same command again to resume');
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.fetch(path, {
      method,
      headers: { ...this.headers(), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw await apiError(response);
    return (await response.json()) as T;
  }

  private fetch(path: string, init: RequestInit): Promise<Response> {
    return fetch(`${this.daemon.controlUrl}${DAEMON_API_PREFIX}${path}`, init).catch((error: Error) => {
      throw new CliError(`The running peer does not answer (${error.message}); restart \`peerdex up\``);
    });
  }

  private headers(): Record<string, string> {
    return { authorization: `Bearer ${this.daemon.controlToken}` };
  }
}

class DaemonApiError extends CliError {
  constructor(
    readonly status: number,
    message: string,
    readonly download?: DownloadView,
  ) {
    super(message);
  }
}

async function apiError(response: Response): Promise<Error> {
  const body = (await response.json().catch(() => undefined)) as (ErrorBody & { download?: DownloadView }) | undefined;
  const message = body?.message ?? `the running peer answered ${response.status}`;
  // The daemon checks what it is given as the server would: a 400 is about what was typed.
  return response.status === 400 ? new UsageError(message) : new DaemonApiError(response.status, message, body?.download);
}

function parseEvent(block: string): { event: string; data: unknown } | undefined {
  let event = 'message';
  let data = '';
  for (const line of block.split('\n')) {
    if (line.startsWith('event: ')) event = line.slice(7);
    else if (line.startsWith('data: ')) data += line.slice(6);
  }
  return data ? { event, data: JSON.parse(data) as unknown } : undefined;
}
