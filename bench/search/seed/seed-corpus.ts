import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { hash } from '@node-rs/argon2';
import type pg from 'pg';
import { type Corpus } from '../corpus.js';
import { copyLoader } from './copy-loader.js';
import { prepareDatabase, reserveFileIds, touchSeededSessions, vacuumAnalyze } from './database.js';
import { type LoaderFactory, type OwnerRows } from './loader.js';
import { sessionRows } from './rows.js';
import { unnestLoader } from './unnest-loader.js';

export const LOAD_METHODS = { copy: copyLoader, unnest: unnestLoader } satisfies Record<string, LoaderFactory>;
export type LoadMethod = keyof typeof LOAD_METHODS;

export interface SeedTimings {
  files: number;
  fileWords: number;
  sessions: number;
  prepareMs: number;
  loadMs: number;
  vacuumAnalyzeMs: number;
  totalMs: number;
}

/** @node-rs/argon2's Algorithm.Argon2id (a const enum, which isolated modules cannot import). */
const ARGON2ID = 2;

/**
 * Writes a corpus into a migrated database: every session online (last_seen_at = now()), its
 * list live at generation 1, its files and their words, then VACUUM (ANALYZE).
 */
export async function seedCorpus(
  pool: pg.Pool,
  corpus: Corpus,
  options: { method: LoadMethod; reset: boolean; progress?: (done: number, total: number) => void },
): Promise<SeedTimings> {
  const started = performance.now();
  await prepareDatabase(pool, options.reset);
  // Seeded users never log in: one real argon2id hash of a password nobody knows serves them all.
  const passwordHash = await hash(randomBytes(24).toString('base64'), { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 });
  let nextId = await reserveFileIds(pool, corpus.options.files);
  const prepared = performance.now();

  const loader = await LOAD_METHODS[options.method](pool);
  const owners: OwnerRows = { users: [], sessions: [], lists: [], passwordHash };
  let files = 0;
  let fileWords = 0;
  for (const session of corpus.sessions()) {
    const rows = sessionRows(session, nextId);
    nextId += rows.files.length;
    files += rows.files.length;
    for (const file of rows.files) fileWords += new Set(file.words).size;
    owners.users.push(rows.user);
    owners.sessions.push(rows.session);
    owners.lists.push(rows.list);
    await loader.addFiles(rows);
    options.progress?.(files, corpus.options.files);
  }
  await loader.finish(owners);
  // Generating and loading took a while: start the run with every session fresh.
  await touchSeededSessions(pool);
  const loaded = performance.now();

  await vacuumAnalyze(pool);
  const done = performance.now();
  return {
    files,
    fileWords,
    sessions: owners.sessions.length,
    prepareMs: prepared - started,
    loadMs: loaded - prepared,
    vacuumAnalyzeMs: done - loaded,
    totalMs: done - started,
  };
}
