import { createHash } from 'node:crypto';
import type { SearchResult } from '#contracts';

/** What a result says about the file itself. */
type FileFields = Pick<SearchResult, 'sha256' | 'name' | 'size' | 'ext' | 'type' | 'pieceRoot'>;

/** One index row that matched a search. */
export interface Candidate extends FileFields {
  sessionId: string;
  exact: boolean;
}

/** Candidates of one content hash. */
export interface RankedGroup extends FileFields {
  exact: boolean;
  /** distinct sessions among the candidates: the ranking's popularity signal */
  seenSources: number;
}

/**
 * Groups candidates by hash and orders the groups: whole-word matches first, then by how many
 * sources were seen, then by hash so the order is total and pages are stable.
 */
export function rankCandidates(candidates: Candidate[]): RankedGroup[] {
  const groups = new Map<string, RankedGroup & { sessions: Set<string> }>();
  for (const candidate of candidates) {
    let group = groups.get(candidate.sha256);
    if (!group) {
      const { sessionId: _sessionId, ...file } = candidate;
      group = { ...file, seenSources: 0, sessions: new Set() };
      groups.set(candidate.sha256, group);
    }
    group.exact ||= candidate.exact;
    group.sessions.add(candidate.sessionId);
    group.seenSources = group.sessions.size;
  }
  return [...groups.values()].map(({ sessions: _sessions, ...group }) => group).sort(compareGroups);
}

export function compareGroups(a: CursorKey, b: CursorKey): number {
  if (a.exact !== b.exact) return a.exact ? -1 : 1;
  if (a.seenSources !== b.seenSources) return b.seenSources - a.seenSources;
  return a.sha256 < b.sha256 ? -1 : a.sha256 > b.sha256 ? 1 : 0;
}

export interface CursorKey {
  exact: boolean;
  seenSources: number;
  sha256: string;
}

/**
 * Opaque cursor: the ranking key of the last result of a page plus a fingerprint of the search,
 * so a cursor cannot be replayed against a different query.
 */
export function encodeCursor(key: CursorKey, fingerprint: string): string {
  return Buffer.from(JSON.stringify({ f: fingerprint, e: key.exact ? 1 : 0, n: key.seenSources, h: key.sha256 })).toString('base64url');
}

export function decodeCursor(cursor: string, fingerprint: string): CursorKey | 'invalid' | 'other-query' {
  try {
    const raw = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { f?: unknown; e?: unknown; n?: unknown; h?: unknown };
    if (typeof raw.f !== 'string' || typeof raw.n !== 'number' || typeof raw.h !== 'string' || (raw.e !== 0 && raw.e !== 1)) return 'invalid';
    if (raw.f !== fingerprint) return 'other-query';
    return { exact: raw.e === 1, seenSources: raw.n, sha256: raw.h };
  } catch {
    return 'invalid';
  }
}

/** Identifies a search independently of its page: every parameter except cursor and limit. */
export function searchFingerprint(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 16);
}

/** The page after `after` (or the first), and whether more follow. */
export function pageOf<T extends CursorKey>(ranked: T[], after: CursorKey | undefined, limit: number): { page: T[]; more: boolean } {
  const start = after ? ranked.findIndex((group) => compareGroups(group, after) > 0) : 0;
  if (start < 0) return { page: [], more: false };
  const page = ranked.slice(start, start + limit);
  return { page, more: start + limit < ranked.length };
}
