import type pg from 'pg';
import { type SessionRows } from './rows.js';

/**
 * How rows reach PostgreSQL. Two ways are kept so they can be measured against each other
 * (`--method copy|unnest`): COPY FROM STDIN and multi-row INSERT ... SELECT FROM unnest(...).
 */
export interface Loader {
  /** queues one session's files and words; resolves when the loader can take more */
  addFiles(rows: SessionRows): Promise<void>;
  /** flushes files and words, then writes users, sessions and lists (in foreign-key order) */
  finish(owners: OwnerRows): Promise<void>;
}

export interface OwnerRows {
  users: Array<SessionRows['user']>;
  sessions: Array<SessionRows['session']>;
  lists: Array<SessionRows['list']>;
  passwordHash: string;
}

export type LoaderFactory = (pool: pg.Pool) => Promise<Loader>;
