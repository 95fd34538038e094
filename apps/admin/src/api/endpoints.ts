import type {
  AdminSessionView,
  AdminStats,
  AdminUserView,
  AuditAction,
  AuditEntryView,
  BanRequest,
  BlocklistCreate,
  BlocklistEntryView,
  Page,
  ReportStatus,
  ReportView,
} from '@contracts/admin';
import type { Role } from '@contracts/auth';
import type { SearchResponse } from '@contracts/search';
import { errorFromResponse } from './errors';
import { session } from './session';

/** The moderation API as the panel uses it; every path is relative to /api/v1. */

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const init: RequestInit = { method };
  if (body !== undefined) {
    init.headers = { 'Content-Type': 'application/json' };
    init.body = JSON.stringify(body);
  }
  const response = await session.fetch(path, init);
  if (!response.ok) throw await errorFromResponse(response);
  return (response.status === 204 ? undefined : await response.json()) as T;
}

function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

const id = (value: string) => encodeURIComponent(value);

export interface PageRequest {
  cursor?: string | null;
  limit?: number;
}

export const api = {
  stats: () => call<AdminStats>('GET', '/admin/stats'),

  users: (params: PageRequest & { q?: string }) => call<Page<AdminUserView>>('GET', `/admin/users${query({ ...params })}`),
  ban: (userId: string, request: BanRequest) => call<AdminUserView>('POST', `/admin/users/${id(userId)}/ban`, request),
  unban: (userId: string) => call<AdminUserView>('POST', `/admin/users/${id(userId)}/unban`),
  changeRole: (userId: string, role: Role) => call<AdminUserView>('PATCH', `/admin/users/${id(userId)}/role`, { role }),

  sessions: (params: PageRequest) => call<Page<AdminSessionView>>('GET', `/admin/sessions${query({ ...params })}`),
  kick: (sessionId: string, reason?: string) => call<unknown>('POST', `/admin/sessions/${id(sessionId)}/kick`, reason ? { reason } : {}),

  search: (params: PageRequest & { q: string }) => call<SearchResponse>('GET', `/search${query({ ...params })}`),
  removeFile: (sha256: string, reason?: string) => call<unknown>('DELETE', `/admin/files/${id(sha256)}`, reason ? { reason } : {}),

  blocklist: (params: PageRequest) => call<Page<BlocklistEntryView>>('GET', `/admin/blocklist${query({ ...params })}`),
  block: (entry: BlocklistCreate) => call<BlocklistEntryView>('POST', '/admin/blocklist', entry),
  unblock: (entryId: string) => call<unknown>('DELETE', `/admin/blocklist/${id(entryId)}`),

  reports: (params: PageRequest & { status?: ReportStatus }) => call<Page<ReportView>>('GET', `/admin/reports${query({ ...params })}`),
  resolveReport: (reportId: string, note?: string) => call<ReportView>('POST', `/admin/reports/${id(reportId)}/resolve`, note ? { note } : {}),
  dismissReport: (reportId: string, note?: string) => call<ReportView>('POST', `/admin/reports/${id(reportId)}/dismiss`, note ? { note } : {}),

  audit: (params: PageRequest & { action?: AuditAction; actorId?: string }) => call<Page<AuditEntryView>>('GET', `/admin/audit${query({ ...params })}`),
};
