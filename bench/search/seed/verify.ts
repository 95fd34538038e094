import { fileExtension, fileName, fileType, nameWords } from '#contracts';
import type pg from 'pg';
import { SEEDED_NODE_ID, SEEDED_USERNAME_PREFIX } from '../corpus.js';

/** The server's presence lease: a session silent for longer is offline. */
export const LEASE_SECONDS = 30;

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

/** Rows a search may return: live generation of a list whose session exists and is recent. */
const VISIBLE_FILES = `
  FROM shared_files f
  JOIN share_lists l ON l.id = f.list_id AND l.generation = f.generation
  JOIN peer_sessions s ON s.id = l.session_id
  WHERE s.last_seen_at > now() - make_interval(secs => ${LEASE_SECONDS})`;

/**
 * Sanity checks of a seeded database, in SQL: everything seeded is visible under the directory's
 * rules, the word index matches the files' words exactly, and the derived columns are what the
 * server would have written. `expected` is the corpus size the seed was asked for.
 */
export async function verifySeed(pool: pg.Pool, expected: { files: number; sessions: number }): Promise<Check[]> {
  const checks: Check[] = [];
  const check = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail });
  const one = async <T extends Record<string, unknown>>(sql: string, values: unknown[] = []) => (await pool.query<T>(sql, values)).rows[0]!;
  const num = (value: unknown) => Number(value);

  const counts = await one(
    `SELECT (SELECT count(*) FROM shared_files) AS files,
            (SELECT count(*) FROM users WHERE starts_with(username_key, $1)) AS users,
            (SELECT count(*) FROM peer_sessions WHERE node_id = $2) AS sessions,
            (SELECT count(*) FROM share_lists l JOIN peer_sessions s ON s.id = l.session_id WHERE s.node_id = $2) AS lists`,
    [SEEDED_USERNAME_PREFIX, SEEDED_NODE_ID],
  );
  check('row counts', num(counts.files) === expected.files && [counts.users, counts.sessions, counts.lists].every((n) => num(n) === expected.sessions),
    `${counts.files} files; ${counts.users} users, ${counts.sessions} sessions, ${counts.lists} lists (expected ${expected.files} and ${expected.sessions})`);

  const visible = await one(`SELECT count(*) AS n ${VISIBLE_FILES}`);
  check('every file visible to search', num(visible.n) === expected.files, `${visible.n} of ${counts.files} files pass the visibility rules (list generation, live session, last_seen_at within ${LEASE_SECONDS} s)`);

  const lists = await one(
    `SELECT count(*) FILTER (WHERE l.file_count <> coalesce(a.n, 0) OR l.total_bytes <> coalesce(a.bytes, 0)) AS wrong,
            count(*) FILTER (WHERE l.staging_generation IS NOT NULL OR l.detached_at IS NOT NULL OR l.digest IS NOT NULL) AS odd
     FROM share_lists l LEFT JOIN (SELECT list_id, generation, count(*) AS n, sum(size) AS bytes FROM shared_files GROUP BY 1, 2) a
       ON a.list_id = l.id AND a.generation = l.generation`,
  );
  check('list totals', num(lists.wrong) === 0 && num(lists.odd) === 0, `${lists.wrong} lists whose file_count/total_bytes disagree with their files; ${lists.odd} staged, detached or with a digest`);

  const words = await one(
    `SELECT (SELECT count(*) FROM file_words) AS rows,
            (SELECT sum((SELECT count(DISTINCT w) FROM unnest(f.words) AS w)) FROM shared_files f) AS expected,
            (SELECT count(*) FROM file_words fw LEFT JOIN shared_files f ON f.id = fw.file_id WHERE f.id IS NULL OR NOT fw.word = ANY (f.words)) AS stray`,
  );
  // With (word, file_id) unique, equal counts and no stray row make the two sets identical.
  check('file_words = distinct words of each file', num(words.rows) === num(words.expected) && num(words.stray) === 0,
    `${words.rows} rows, ${words.expected} expected, ${words.stray} not matching a word of their file`);

  const columns = await one(
    `SELECT count(*) FILTER (WHERE sha256 !~ '^[0-9a-f]{64}$' OR (piece_root IS NOT NULL AND piece_root !~ '^[0-9a-f]{64}$')) AS bad_hashes,
            count(*) FILTER (WHERE name <> regexp_replace(path, '^.*/', '')) AS bad_names,
            count(*) FILTER (WHERE mime IS NOT NULL OR size < 0 OR mtime IS NULL) AS bad_other,
            count(*) FILTER (WHERE piece_root IS NOT NULL) AS with_pieces
     FROM shared_files`,
  );
  check('hashes, names and sizes', num(columns.bad_hashes) + num(columns.bad_names) + num(columns.bad_other) === 0,
    `${columns.bad_hashes} bad hashes, ${columns.bad_names} names that are not the last path segment, ${columns.bad_other} other; ${columns.with_pieces} with a piece root`);

  // Words, extension and type of a sample, recomputed with the contract's own functions.
  const { rows: sample } = await pool.query<{ path: string; name: string; words: string[]; ext: string; type: string }>(
    `SELECT path, name, words, ext, type::text FROM shared_files WHERE id % 97 = 0`,
  );
  const mismatched = sample.filter((row) => {
    const name = fileName(row.path);
    const ext = fileExtension(name);
    return row.name !== name || row.ext !== ext || row.type !== fileType(ext) || JSON.stringify(row.words) !== JSON.stringify(nameWords(name));
  });
  check('words, ext and type as the contracts compute them', sample.length > 0 && mismatched.length === 0,
    `${sample.length} sampled rows, ${mismatched.length} differ${mismatched[0] ? ` (e.g. ${mismatched[0].path})` : ''}`);

  const sharing = await one(`SELECT max(n) AS top, count(*) FILTER (WHERE n >= 100) AS popular FROM (SELECT count(DISTINCT list_id) AS n FROM shared_files GROUP BY sha256) c`);
  const sizes = await one(`SELECT count(*) AS n FROM (SELECT sha256 FROM shared_files GROUP BY sha256 HAVING count(DISTINCT size) > 1) c`);
  check('content shared by many, one size per content', num(sizes.n) === 0, `most shared content is in ${sharing.top} lists; ${sharing.popular} contents in ≥ 100 lists; ${sizes.n} hashes with two sizes`);

  const sequence = await one(`SELECT (SELECT last_value FROM shared_files_id_seq) AS last, (SELECT coalesce(max(id), 0) FROM shared_files) AS max`);
  check('identity sequence ahead of seeded ids', num(sequence.last) >= num(sequence.max), `sequence at ${sequence.last}, highest id ${sequence.max}`);

  const analyzed = await one(
    `SELECT count(*) FILTER (WHERE coalesce(last_analyze, last_autoanalyze) IS NULL) AS not_analyzed FROM pg_stat_user_tables WHERE relname IN ('shared_files', 'file_words', 'share_lists', 'peer_sessions')`,
  );
  check('tables analyzed', num(analyzed.not_analyzed) === 0, `${analyzed.not_analyzed} directory tables never analyzed`);

  const probe = await one(
    `SELECT (SELECT count(*) FROM file_words WHERE word = 'radiohead') AS word, (SELECT count(*) FROM file_words WHERE word >= 'paran' AND word < 'parao') AS prefix`,
  );
  check('word and prefix lookups find files', num(probe.word) > 0 && num(probe.prefix) > 0, `"radiohead": ${probe.word} files, prefix "paran": ${probe.prefix}`);
  return checks;
}
