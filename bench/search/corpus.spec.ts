import { createHash } from 'node:crypto';
import { FileEntrySchema, nameWords } from '#contracts';
import { describe, expect, it } from '@jest/globals';
import { createCorpus, type SeedSession } from './corpus.js';
import { corpusStats } from './corpus-stats.js';

const OPTIONS = { seed: 'spec', files: 20_000, sessions: 200 };

function fingerprint(sessions: Iterable<SeedSession>): string {
  const hash = createHash('sha256');
  for (const session of sessions) hash.update(JSON.stringify(session));
  return hash.digest('hex');
}

describe('the search benchmark corpus', () => {
  const corpus = createCorpus(OPTIONS);
  const sessions = [...corpus.sessions()];
  const stats = corpusStats(sessions);

  it('is the same for the same seed, different for another, and any session can be rebuilt alone', () => {
    expect(fingerprint(createCorpus(OPTIONS).sessions())).toBe(fingerprint(sessions));
    expect(fingerprint(createCorpus({ ...OPTIONS, seed: 'other' }).sessions())).not.toBe(fingerprint(sessions));
    expect(corpus.session(137)).toEqual(sessions[137]);
  });

  it('has exactly the requested files, every session at least one, sizes skewed', () => {
    expect(sessions).toHaveLength(OPTIONS.sessions);
    expect(stats.files).toBe(OPTIONS.files);
    expect(corpus.librarySizes.reduce((a, b) => a + b, 0)).toBe(OPTIONS.files);
    expect(stats.librarySize.min).toBeGreaterThanOrEqual(1);
    expect(stats.librarySize.max).toBeGreaterThan(4 * stats.librarySize.p50);
  });

  it('produces entries the protocol accepts, with unique paths per list and unique ids', () => {
    const ids = new Set<string>();
    const usernames = new Set<string>();
    for (const session of sessions) {
      for (const id of [session.userId, session.sessionId, session.listId]) ids.add(id);
      usernames.add(session.username.toLowerCase());
      expect(session.username).toMatch(/^[A-Za-z0-9_.-]{3,32}$/);
      expect(new Set(session.files.map((file) => file.path)).size).toBe(session.files.length);
      for (const file of session.files) {
        const parsed = FileEntrySchema.safeParse({ path: file.path, size: file.size, sha256: file.sha256, mtime: file.mtime, ...(file.pieceRoot ? { pieceRoot: file.pieceRoot } : {}) });
        if (!parsed.success) throw new Error(`${file.path}: ${parsed.error.message}`);
      }
    }
    expect(ids.size).toBe(3 * OPTIONS.sessions);
    expect(usernames.size).toBe(OPTIONS.sessions);
  });

  it('gives one content one size wherever it is shared, and shares popular content widely', () => {
    const sizeOf = new Map<string, number>();
    for (const file of sessions.flatMap((session) => session.files)) {
      expect(sizeOf.get(file.sha256) ?? file.size).toBe(file.size);
      sizeOf.set(file.sha256, file.size);
    }
    expect(stats.distinctContent).toBeLessThan(0.8 * stats.files);
    // 200 sessions here; a million files over 10,000 sessions puts the head in the hundreds.
    expect(stats.topContent[0]!.sources).toBeGreaterThanOrEqual(20);
    expect(stats.contentSharedBy.atLeast10).toBeGreaterThan(50);
  });

  it('mixes file types the way a file-sharing directory does', () => {
    const share = (type: keyof typeof stats.types) => stats.types[type] / stats.files;
    expect(share('audio')).toBeGreaterThan(0.35);
    expect(share('audio')).toBeLessThan(0.7);
    expect(share('image')).toBeGreaterThan(0.1);
    expect(share('video')).toBeGreaterThan(0.03);
    expect(share('document')).toBeGreaterThan(0.03);
    expect(share('archive') + share('other')).toBeGreaterThan(0.01);
  });

  it('has very common words, a long tail of rare ones, and non-ASCII names', () => {
    const top = new Map(stats.topWords.map(({ word, files }) => [word, files]));
    for (const common of ['mp3', 'the', '01']) expect(top.get(common) ?? 0).toBeGreaterThan(OPTIONS.files / 50);
    expect(stats.wordsInOneFile).toBeGreaterThan(1000);
    expect(stats.nonAsciiNames).toBeGreaterThan(OPTIONS.files / 200);
    const words = new Set(sessions.flatMap((session) => session.files.flatMap((file) => nameWords(file.path))));
    for (const word of ['radiohead', 'beyonce', 'motorhead', 'ros', 'ac', 'u2', 'live', 'remix', '坂本龍一']) expect(words).toContain(word);
  });
});
