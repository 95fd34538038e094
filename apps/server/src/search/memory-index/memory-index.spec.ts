import { describe, expect, it } from '@jest/globals';
import { fileExtension, fileType, nameWords, type SearchQuery } from '#contracts';
import { parseSearchWords, runSearch, type SearchStore } from '../search-pipeline.js';
import { type IndexedFile, type IndexedSession, MemoryIndex } from './memory-index.js';

const LEASE = 30_000;
const hash = (n: number) => n.toString(16).padStart(64, '0');

function file(path: string, sha: number, size = 1_000): IndexedFile {
  const name = path.split('/').at(-1)!;
  const ext = fileExtension(name);
  return { path, name, words: [...new Set(nameWords(name))], size, sha256: hash(sha), ext, type: fileType(ext), pieceRoot: null };
}

function session(id: string, username: string, extra: Partial<IndexedSession> = {}): IndexedSession {
  return { id, userId: `u-${username}`, username, usernameKey: username.toLowerCase(), firewalled: true, connectedAt: 1, lastSeenAt: Date.now(), ...extra };
}

function storeOf(index: MemoryIndex): SearchStore {
  return {
    candidates: async (query) => index.candidates(query, 20_000),
    sources: async (hashes, perHash) => index.sources(hashes, perHash),
  };
}

async function search(index: MemoryIndex, q: string, extra: Partial<SearchQuery> = {}) {
  const query = { q, limit: 50, ...extra } as SearchQuery;
  return runSearch(storeOf(index), query, parseSearchWords(q), { candidates: 200 });
}

const names = async (index: MemoryIndex, q: string, extra: Partial<SearchQuery> = {}) =>
  (await search(index, q, extra)).results.map((result) => result.name);

function sample(): MemoryIndex {
  const index = new MemoryIndex(LEASE);
  index.putSession(session('s1', 'Alice'));
  index.putSession(session('s2', 'bob', { firewalled: false, connectedAt: 5 }));
  index.replaceList('l1', 's1', [
    file('music/Radiohead - Creep.mp3', 1),
    file('music/Radiohead - Creep (live).mp3', 2),
    file('music/Radiohead - Karma Police.flac', 3, 50_000_000),
    file('video/Radio Days.mkv', 4),
    file('docs/Radioactivity notes.pdf', 5),
  ]);
  index.replaceList('l2', 's2', [file('Radiohead - Creep.mp3', 1), file('other/Creepy Tales.txt', 6)]);
  return index;
}

describe('memory index: matching', () => {
  it('finds whole words and prefixes, whole-word matches first, grouped by hash', async () => {
    const index = sample();
    const response = await search(index, 'radio');
    expect(response.results.map((result) => [result.name, result.match])).toEqual([
      ['Radio Days.mkv', 'word'],
      ['Radiohead - Creep.mp3', 'prefix'], // two sources
      ['Radiohead - Creep (live).mp3', 'prefix'], // then by hash
      ['Radiohead - Karma Police.flac', 'prefix'],
      ['Radioactivity notes.pdf', 'prefix'],
    ]);
    // one result per hash, counting both sessions that share it
    expect(response.results[1]).toMatchObject({ sha256: hash(1), sourceCount: 2 });
    expect(await names(index, 'creep radiohead')).toEqual(['Radiohead - Creep.mp3', 'Radiohead - Creep (live).mp3']);
    expect(await names(index, 'cree')).toEqual(['Radiohead - Creep.mp3', 'Radiohead - Creep (live).mp3', 'Creepy Tales.txt']);
    expect(await names(index, 'nothinglikethis')).toEqual([]);
  });

  it('applies exclusions as prefixes, and the extension, type and size filters', async () => {
    const index = sample();
    expect(await names(index, 'radiohead -liv')).toEqual(['Radiohead - Creep.mp3', 'Radiohead - Karma Police.flac']);
    expect(await names(index, 'radio', { ext: 'flac,mkv' })).toEqual(['Radio Days.mkv', 'Radiohead - Karma Police.flac']);
    expect(await names(index, 'radio', { type: 'document' })).toEqual(['Radioactivity notes.pdf']);
    expect(await names(index, 'radio', { minSize: 1_000_000 })).toEqual(['Radiohead - Karma Police.flac']);
    expect(await names(index, 'radio', { maxSize: 999 })).toEqual([]);
  });

  it('lists reachable sources first and counts every source exactly', async () => {
    const index = new MemoryIndex(LEASE);
    const files = [file('Shared Song.mp3', 9)];
    for (let n = 0; n < 40; n++) {
      index.putSession(session(`s${n}`, `user${n}`, { firewalled: n % 2 === 0, connectedAt: 100 - n }));
      index.replaceList(`l${n}`, `s${n}`, files);
    }
    const [result] = (await search(index, 'shared song')).results;
    expect(result!.sourceCount).toBe(40);
    expect(result!.sources).toHaveLength(10);
    expect(result!.sources.slice(0, 3).map((source) => [source.sessionId, source.firewalled])).toEqual([
      ['s39', false],
      ['s37', false],
      ['s35', false],
    ]);
  });

  it('pages a large result without repeats or gaps', async () => {
    const index = new MemoryIndex(LEASE);
    index.putSession(session('s1', 'alice'));
    index.replaceList('l1', 's1', Array.from({ length: 120 }, (_, n) => file(`Track ${n} demo.ogg`, 1_000 + n)));
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await search(index, 'demo', { limit: 25, cursor });
      seen.push(...page.results.map((result) => result.sha256));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(new Set(seen).size).toBe(120);
    expect(seen).toHaveLength(120);
  });
});

describe('memory index: what leaves results', () => {
  it('forgets ended sessions, sessions whose lease ran out, and replaced or changed lists', async () => {
    const index = sample();
    index.removeSessions(['s2']);
    expect(await names(index, 'creepy')).toEqual([]);
    expect((await search(index, 'creep radiohead')).results[0]).toMatchObject({ sourceCount: 1 });

    index.touchSessions([['s1', Date.now() - LEASE - 1]]); // times never move back
    expect(await names(index, 'karma')).toEqual(['Radiohead - Karma Police.flac']);
    index.putSession(session('s3', 'carol', { lastSeenAt: Date.now() - LEASE - 1 }));
    index.replaceList('l3', 's3', [file('Stale Thing.mp3', 30)]);
    expect(await names(index, 'stale')).toEqual([]);
    index.touchSessions([['s3', Date.now()]]);
    expect(await names(index, 'stale')).toEqual(['Stale Thing.mp3']);

    index.replaceList('l1', 's1', [file('Only Now.mp3', 40)]);
    expect(await names(index, 'radiohead')).toEqual([]);
    index.applyDelta('l1', ['Only Now.mp3'], [file('Later.mp3', 41)]);
    index.applyDelta('l1', ['Only Now.mp3'], [file('Later.mp3', 41)]); // applying twice changes nothing
    expect(await names(index, 'only')).toEqual([]);
    expect(await search(index, 'later')).toMatchObject({ results: [{ name: 'Later.mp3', sourceCount: 1 }] });
    expect(index.fileCount).toBe(2);
  });

  it('drops a taken-down hash, blocked hashes and names, and blamed sources', async () => {
    const index = sample();
    index.removeHash(hash(1));
    expect(await names(index, 'creep')).toEqual(['Radiohead - Creep (live).mp3', 'Creepy Tales.txt']);
    index.setBlocklist([hash(2)], (_sha, name) => name.includes('Tales'));
    expect(await names(index, 'creep')).toEqual([]);
    index.setBlocklist([], () => false);
    expect(await names(index, 'creep')).toEqual(['Radiohead - Creep (live).mp3']);

    index.setBlames('s1', hash(3), 1);
    expect(await names(index, 'karma')).toEqual(['Radiohead - Karma Police.flac']);
    index.setBlames('s1', hash(3), 2);
    expect(await names(index, 'karma')).toEqual([]);
  });

  it('describes a hash and browses a user from the same state, and compacts without changing answers', async () => {
    const index = sample();
    expect(index.describeHash(hash(1))).toEqual({ size: 1_000, pieceRoot: null, names: ['Radiohead - Creep.mp3'] });
    expect(index.userOnline('alice')).toEqual({ username: 'Alice' });
    const page = index.browse('alice', undefined, 2);
    expect(page.map((row) => row.file.path)).toEqual(['docs/Radioactivity notes.pdf', 'music/Radiohead - Creep (live).mp3']);
    const next = index.browse('alice', { listId: 'l1', path: page[1]!.file.path }, 10);
    expect(next.map((row) => row.file.path)).toEqual(['music/Radiohead - Creep.mp3', 'music/Radiohead - Karma Police.flac', 'video/Radio Days.mkv']);

    index.removeHash(hash(4));
    const before = await search(index, 'radio');
    const compacted = index.compacted();
    expect(compacted.deadFiles).toBe(0);
    expect(compacted.fileCount).toBe(index.fileCount);
    expect(await search(compacted, 'radio')).toEqual(before);
  });
});
