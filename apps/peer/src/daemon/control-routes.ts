import {
  type AccountView,
  ApiKeyCreateSchema,
  BrowseQuerySchema,
  ChangePasswordRequestSchema,
  type DaemonStatus,
  type DownloadView,
  describeIssues,
  formatIssues,
  type LoginLink,
  LoginRequestSchema,
  SearchQuerySchema,
  type SettingsPatch,
  SettingsPatchSchema,
  type SettingsView,
  SharePathBodySchema,
  type SharesView,
  StartDownloadSchema,
  StartDownloadsSchema,
  type UploadsView,
  UsernameSchema,
} from '#contracts';
import type { z } from 'zod';
import type { DirectoryClient } from '../cli/directory-client.js';
import { DownloadConflictError, DownloadFinishedError, DownloadNotRestartableError, DownloadNotRunningError, type Downloads } from './downloads.js';
import { openOnDesktop } from './desktop-open.js';
import { outputFolderProblem } from './output-folder.js';

/** A refusal with its status, mapped to the API's error shape in one place (ControlServer). */
export class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export type EventSink = (event: string, data: unknown) => void;

/** What the daemon offers its local API; the routes below only validate and hand over. */
export interface ControlHandlers {
  status(): DaemonStatus;
  downloads: Downloads;
  /** why a download cannot start right now (not connected), or undefined */
  cannotDownload(): string | undefined;
  uploads(): UploadsView;
  shares: { view(): SharesView; add(path: string): Promise<SharesView>; remove(path: string): Promise<SharesView> };
  settings: { view(): Promise<SettingsView>; update(patch: SettingsPatch): Promise<SettingsView> };
  account: {
    view(): AccountView;
    signIn(username: string, password: string): Promise<AccountView>;
    signOut(): Promise<AccountView>;
  };
  /** the directory server's REST API with the daemon's own session */
  directory: DirectoryClient;
  /** uploads, shares and account changes, for the event stream; returns the function that stops */
  subscribe(listener: EventSink): () => void;
  /** a one-time link that signs a browser in to the web UI (undefined with --no-ui) */
  loginLink(origin: string): LoginLink | undefined;
}

export interface RouteContext {
  params: string[];
  query: URLSearchParams;
  body: unknown;
  /** this server's own origin, http://127.0.0.1:<port> */
  origin: string;
}

export interface Route {
  method: string;
  path: RegExp;
  /** only the command (bearer token) may call it, not a browser */
  tokenOnly?: boolean;
  handle(context: RouteContext): Promise<{ status: number; body: unknown }>;
  /** a server-sent event stream instead of one answer */
  events?: (sink: EventSink, query: URLSearchParams) => () => void;
}

const ok = (body: unknown, status = 200) => ({ status, body });

function parse<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) throw new ControlError(400, formatIssues(describeIssues(parsed.error)));
  return parsed.data;
}

/** The directory server's refusals keep their status, except 401: here that means "no cookie". */
async function proxied<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const status = (error as { status?: unknown }).status;
    if (typeof status === 'number') throw new ControlError(status === 401 ? 403 : status, (error as Error).message);
    if ((error as Error).name === 'ServerUnreachableError') throw new ControlError(502, (error as Error).message);
    if (/Not signed in|Signed out by the server/.test((error as Error).message)) throw new ControlError(409, (error as Error).message);
    throw error;
  }
}

/** Maps the downloads' refusals to statuses, with the download concerned beside the message. */
async function downloadCall(call: () => DownloadView | undefined | Promise<DownloadView | undefined>, status = 200): Promise<{ status: number; body: unknown }> {
  try {
    const download = await call();
    if (!download) throw new ControlError(404, 'no such download');
    return ok(download, status);
  } catch (error) {
    if (
      error instanceof DownloadConflictError ||
      error instanceof DownloadFinishedError ||
      error instanceof DownloadNotRestartableError ||
      error instanceof DownloadNotRunningError
    ) {
      throw new ControlError(409, error.message, { download: error.download });
    }
    throw error;
  }
}

/**
 * The local API's routes (paths under /api/v1, docs/client.md). Each validates its input and
 * hands it to the daemon.
 */
export function controlRoutes(handlers: ControlHandlers): Route[] {
  const { downloads } = handlers;
  const startOne = async (sha256: string, outputDir: string | undefined) => {
    const folder = outputDir ?? (await handlers.settings.view()).settings.downloadDir;
    const problem = await outputFolderProblem(folder);
    if (problem) throw new ControlError(400, `outputDir: ${folder} ${problem}`);
    const unavailable = handlers.cannotDownload();
    if (unavailable) throw new ControlError(503, unavailable);
    return { sha256, folder };
  };
  const noBody = async () => ok(undefined);
  return [
    { method: 'GET', path: /^\/status$/, handle: async () => ok(handlers.status()) },
    { method: 'GET', path: /^\/downloads$/, handle: async () => ok({ downloads: downloads.list() }) },
    {
      method: 'POST',
      path: /^\/downloads$/,
      handle: async ({ body }) => {
        const { sha256, outputDir, seed } = parse(StartDownloadSchema, body);
        const { folder } = await startOne(sha256, outputDir);
        return downloadCall(() => downloads.start(sha256, folder, { seed }), 201);
      },
    },
    {
      method: 'POST',
      path: /^\/downloads\/batch$/,
      handle: async ({ body }) => {
        const request = parse(StartDownloadsSchema, body);
        const results = [];
        for (const sha256 of new Set(request.sha256)) {
          const { folder } = await startOne(sha256, request.outputDir);
          try {
            results.push({ download: downloads.start(sha256, folder), alreadyRunning: false });
          } catch (error) {
            if (!(error instanceof DownloadConflictError)) throw error;
            results.push({ download: error.download, alreadyRunning: true });
          }
        }
        return ok({ downloads: results }, 201);
      },
    },
    { method: 'GET', path: /^\/downloads\/([^/]+)$/, handle: ({ params }) => downloadCall(() => downloads.get(params[0]!)) },
    { method: 'POST', path: /^\/downloads\/([^/]+)\/cancel$/, handle: ({ params }) => downloadCall(() => downloads.cancel(params[0]!)) },
    { method: 'POST', path: /^\/downloads\/([^/]+)\/pause$/, handle: ({ params }) => downloadCall(() => downloads.pause(params[0]!)) },
    {
      method: 'POST',
      path: /^\/downloads\/([^/]+)\/(resume|retry)$/,
      handle: ({ params }) => {
        const unavailable = handlers.cannotDownload();
        if (unavailable) throw new ControlError(503, unavailable);
        return downloadCall(() => downloads.resume(params[0]!));
      },
    },
    {
      method: 'POST',
      path: /^\/downloads\/([^/]+)\/open-folder$/,
      handle: async ({ params }) => {
        const download = downloads.get(params[0]!);
        if (!download) throw new ControlError(404, 'no such download');
        // The folder comes from the daemon's own record of the download, never from the request.
        if (!(await openOnDesktop(download.outputDir))) throw new ControlError(409, `there is no desktop here to open it on: the folder is ${download.outputDir}`);
        return ok({ opened: download.outputDir });
      },
    },
    {
      method: 'GET',
      path: /^\/events$/,
      handle: noBody,
      events: (sink, query) => {
        const only = query.get('download');
        const wanted = (download: DownloadView) => only === null || download.id === only;
        const downloadsNow = downloads.list().filter(wanted);
        // `?download=` is the command following one download: that alone.
        if (only !== null) sink('snapshot', { downloads: downloadsNow });
        else sink('snapshot', { downloads: downloadsNow, uploads: handlers.uploads(), shares: handlers.shares.view(), account: handlers.account.view() });
        const stopDownloads = downloads.subscribe((download) => wanted(download) && sink('download', download));
        const stopOthers = only === null ? handlers.subscribe(sink) : () => undefined;
        return () => {
          stopDownloads();
          stopOthers();
        };
      },
    },
    { method: 'GET', path: /^\/uploads$/, handle: async () => ok(handlers.uploads()) },
    { method: 'GET', path: /^\/shares$/, handle: async () => ok(handlers.shares.view()) },
    { method: 'POST', path: /^\/shares$/, handle: async ({ body }) => ok(await handlers.shares.add(parse(SharePathBodySchema, body).path), 201) },
    { method: 'DELETE', path: /^\/shares$/, handle: async ({ body }) => ok(await handlers.shares.remove(parse(SharePathBodySchema, body).path)) },
    { method: 'GET', path: /^\/settings$/, handle: async () => ok(await handlers.settings.view()) },
    { method: 'PATCH', path: /^\/settings$/, handle: async ({ body }) => ok(await handlers.settings.update(parse(SettingsPatchSchema, body))) },
    {
      method: 'GET',
      path: /^\/search$/,
      handle: async ({ query }) => {
        const search = parse(SearchQuerySchema, Object.fromEntries(query));
        return ok(await proxied(() => handlers.directory.search(search)));
      },
    },
    {
      method: 'GET',
      path: /^\/users\/([^/]+)\/files$/,
      handle: async ({ params, query }) => {
        const username = parse(UsernameSchema, decodeURIComponent(params[0]!));
        const { cursor } = parse(BrowseQuerySchema, Object.fromEntries(query));
        return ok(await proxied(() => handlers.directory.browse(username, cursor)));
      },
    },
    { method: 'GET', path: /^\/account$/, handle: async () => ok(handlers.account.view()) },
    {
      method: 'POST',
      path: /^\/account\/sign-in$/,
      handle: async ({ body }) => {
        const { username, password } = parse(LoginRequestSchema, body);
        return ok(await proxied(() => handlers.account.signIn(username, password)));
      },
    },
    { method: 'POST', path: /^\/account\/sign-out$/, handle: async () => ok(await proxied(() => handlers.account.signOut())) },
    {
      method: 'POST',
      path: /^\/account\/password$/,
      handle: async ({ body }) => {
        const { currentPassword, newPassword } = parse(ChangePasswordRequestSchema, body);
        await proxied(() => handlers.directory.changePassword(currentPassword, newPassword));
        return ok({ changed: true });
      },
    },
    { method: 'GET', path: /^\/account\/api-keys$/, handle: async () => ok({ apiKeys: await proxied(() => handlers.directory.apiKeys()) }) },
    {
      method: 'POST',
      path: /^\/account\/api-keys$/,
      handle: async ({ body }) => ok(await proxied(() => handlers.directory.createApiKey(parse(ApiKeyCreateSchema, body).name)), 201),
    },
    {
      method: 'DELETE',
      path: /^\/account\/api-keys\/([^/]+)$/,
      handle: async ({ params }) => {
        await proxied(() => handlers.directory.revokeApiKey(decodeURIComponent(params[0]!)));
        return ok({ revoked: true });
      },
    },
    {
      method: 'POST',
      path: /^\/ui\/login-link$/,
      tokenOnly: true,
      handle: async ({ origin }) => {
        const link = handlers.loginLink(origin);
        if (!link) throw new ControlError(409, 'the web UI is off: restart `peerdex up` without --no-ui');
        return ok(link, 201);
      },
    },
  ];
}
