import { BLAMES_TO_DELIST, fileType, type FileType, type SourceView } from '#contracts';
import type { Candidate } from '../ranking.js';
import type { CandidateQuery } from '../search.repository.js';
import { GrowableFloat64, GrowableUint32 } from './growable.js';
import { WordTable } from './word-table.js';

/** One entry of a live share list, as the index keeps it. */
export interface IndexedFile {
  path: string;
  name: string;
  /** distinct words of the name (nameWords) */
  words: string[];
  size: number;
  sha256: string;
  ext: string;
  type: FileType;
  pieceRoot: string | null;
}

/** A peer session as search sees it. Times are epoch milliseconds. */
export interface IndexedSession {
  id: string;
  userId: string;
  username: string;
  usernameKey: string;
  firewalled: boolean;
  connectedAt: number;
  lastSeenAt: number;
}

export interface BrowseRow {
  listId: string;
  sessionId: string;
  file: IndexedFile;
}

interface ListRecord {
  id: string;
  sessionId: string;
  files: number[];
}

const NONE = 0xffffffff;
/** A word's postings are counted up to here to pick the rarest word of a query. */
const RARITY_CAP = 2_000;

/**
 * Every visible file of the directory, in memory (docs/architecture.md, "Search"). Files are
 * numbered in arrival order and kept column-wise in typed arrays; words, hashes, extensions and
 * directories are interned. A removed file is only marked dead (postings skip it) and the space
 * is reclaimed by rebuilding (`compacted`) once dead files outnumber live ones.
 *
 * Visibility is decided when a search reads, as the SQL did: the file's list belongs to a session
 * whose lease runs (last heartbeat younger than `leaseMs`), its hash is not blocklisted, and a
 * source blamed for a hash by BLAMES_TO_DELIST downloaders is not listed for it.
 */
export class MemoryIndex {
  private readonly words = new WordTable();
  // per file
  private readonly fileHash = new GrowableUint32(1024);
  private readonly fileList = new GrowableUint32(1024);
  private readonly fileSize = new GrowableFloat64(1024);
  private readonly fileExt = new GrowableUint32(1024);
  private readonly fileDir = new GrowableUint32(1024);
  private readonly fileWordStart = new GrowableUint32(1024);
  private readonly fileWordCount = new GrowableUint32(1024);
  private readonly fileNextOfHash = new GrowableUint32(1024);
  private readonly fileNames: string[] = [];
  private readonly fileWords = new GrowableUint32(4096);
  private dead = new Uint8Array(1024);
  private deadCount = 0;
  // per hash
  private readonly hashIds = new Map<string, number>();
  private readonly hashes: string[] = [];
  private readonly pieceRoots: Array<string | null> = [];
  private readonly hashHead = new GrowableUint32(1024);
  // interned strings
  private readonly exts = new Interned();
  private readonly dirs = new Interned();
  // lists, sessions and rules
  private readonly listIds = new Map<string, number>();
  private readonly lists: Array<ListRecord | undefined> = [];
  private readonly sessions = new Map<string, IndexedSession>();
  private readonly listOfSession = new Map<string, number>();
  private readonly blockedHashes = new Set<string>();
  private readonly blames = new Map<string, number>();

  /** counts the writes that can make a file appear in results: a cached ranking older than the last one is stale */
  private visibilityGains = 0;

  constructor(readonly leaseMs: number) {}

  get additions(): number {
    return this.visibilityGains;
  }

  get fileCount(): number {
    return this.fileNames.length - this.deadCount;
  }

  get deadFiles(): number {
    return this.deadCount;
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  // ---- writes ----

  /** Adds or updates a session (a handshake, a reachability change). */
  putSession(session: IndexedSession): void {
    const known = this.sessions.get(session.id);
    if (!known) this.visibilityGains++;
    this.sessions.set(session.id, known ? { ...session, lastSeenAt: Math.max(known.lastSeenAt, session.lastSeenAt) } : session);
  }

  hasSession(sessionId: string): boolean {
    return this.sessions.has(sessionId);
  }

  setFirewalled(sessionId: string, firewalled: boolean): void {
    const session = this.sessions.get(sessionId);
    if (session) session.firewalled = firewalled;
  }

  /** Heartbeats written by a node: times only move forward, and unknown sessions are ignored. */
  touchSessions(heartbeats: Array<[id: string, at: number]>): void {
    for (const [id, at] of heartbeats) {
      const session = this.sessions.get(id);
      if (session && at > session.lastSeenAt) session.lastSeenAt = at;
    }
  }

  /** Ended sessions: gone with their lists (a list adopted later is read again). */
  removeSessions(ids: string[]): void {
    for (const id of ids) {
      const list = this.listOfSession.get(id);
      if (list !== undefined) this.dropList(list);
      this.sessions.delete(id);
    }
  }

  /** Replaces a list's files (a full list made live, an adopted list); a null session drops it. */
  replaceList(listId: string, sessionId: string | null, files: Iterable<IndexedFile>): void {
    const known = this.listIds.get(listId);
    if (known !== undefined) this.dropList(known);
    if (sessionId === null || !this.sessions.has(sessionId)) return;
    const previous = this.listOfSession.get(sessionId);
    if (previous !== undefined) this.dropList(previous);
    const list = this.lists.length;
    this.lists.push({ id: listId, sessionId, files: [] });
    this.listIds.set(listId, list);
    this.listOfSession.set(sessionId, list);
    for (const file of files) this.addFile(list, file);
  }

  /** Adds files to a list, creating it when new (loading from PostgreSQL, file by file). */
  appendToList(listId: string, sessionId: string, file: IndexedFile): void {
    let list = this.listIds.get(listId);
    if (list === undefined) {
      if (!this.sessions.has(sessionId)) return;
      list = this.lists.length;
      this.lists.push({ id: listId, sessionId, files: [] });
      this.listIds.set(listId, list);
      this.listOfSession.set(sessionId, list);
    }
    this.addFile(list, file);
  }

  /** A share:delta: paths removed, entries added (an added path replaces the entry there). Idempotent. */
  applyDelta(listId: string, removedPaths: string[], added: IndexedFile[]): void {
    const list = this.listIds.get(listId);
    if (list === undefined) return;
    const record = this.lists[list]!;
    const doomed = new Set([...removedPaths, ...added.map((file) => file.path)]);
    record.files = record.files.filter((file) => {
      if (!doomed.has(this.pathOf(file))) return true;
      this.kill(file);
      return false;
    });
    for (const file of added) this.addFile(list, file);
  }

  /** A takedown: every entry with this hash leaves the index. */
  removeHash(sha256: string): void {
    const hash = this.hashIds.get(sha256);
    if (hash === undefined) return;
    for (let file = this.hashHead.get(hash); file !== NONE; file = this.fileNextOfHash.get(file)) {
      if (this.dead[file]) continue;
      const record = this.lists[this.fileList.get(file)];
      if (record) record.files = record.files.filter((other) => other !== file);
      this.kill(file);
    }
  }

  /**
   * The blocklist as it is now: blocked hashes are hidden, and files it forbids are removed (the
   * database purged them already; this catches what this index holds).
   */
  setBlocklist(hashes: Iterable<string>, blocks: (sha256: string, name: string) => boolean): void {
    this.visibilityGains++; // an entry taken off the blocklist shows its files again
    this.blockedHashes.clear();
    for (const hash of hashes) this.blockedHashes.add(hash);
    for (const record of this.lists) {
      if (!record) continue;
      record.files = record.files.filter((file) => {
        if (!blocks(this.hashes[this.fileHash.get(file)]!, this.fileNames[file]!)) return true;
        this.kill(file);
        return false;
      });
    }
  }

  /** How many downloaders blamed a session for a hash (docs/protocol.md, "Blame delisting"). */
  setBlames(sessionId: string, sha256: string, count: number): void {
    const key = `${sessionId} ${sha256}`;
    if (count >= BLAMES_TO_DELIST) this.blames.set(key, count);
    else this.blames.delete(key);
  }

  // ---- reads ----

  /**
   * Matching files, whole-word matches first, in the order today's SQL walked them: the rarest
   * word's postings newest first (exact, then word, then longer words), at most `limit` matches
   * and `maxPostings` postings.
   */
  candidates(query: CandidateQuery, maxPostings: number, now = Date.now()): Candidate[] {
    const onlineSince = now - this.leaseMs;
    const driver = query.include.length === 1 ? query.include[0]! : this.rarestWord(query.include);
    const others = query.include.filter((word) => word !== driver);
    const otherIds = others.map((word) => this.words.idOf(word));
    const includeIds = query.include.map((word) => this.words.idOf(word));
    const allWhole = includeIds.every((id) => id !== undefined);
    const exts = query.exts.length > 0 ? new Set(query.exts) : undefined;
    const found: Candidate[] = [];
    let budget = maxPostings;

    const passes = (file: number): string | undefined => {
      if (this.dead[file]) return undefined;
      const record = this.lists[this.fileList.get(file)];
      if (!record) return undefined;
      const session = this.sessions.get(record.sessionId);
      if (!session || session.lastSeenAt <= onlineSince) return undefined;
      const size = this.fileSize.get(file);
      if (query.minSize !== undefined && size < query.minSize) return undefined;
      if (query.maxSize !== undefined && size > query.maxSize) return undefined;
      if (exts && !exts.has(this.exts.value(this.fileExt.get(file)))) return undefined;
      if (query.type && fileType(this.exts.value(this.fileExt.get(file))) !== query.type) return undefined;
      if (query.blockedHashes !== false && this.blockedHashes.has(this.hashes[this.fileHash.get(file)]!)) return undefined;
      if (query.exclude.length > 0 && query.exclude.some((word) => this.hasPrefix(file, word))) return undefined;
      return record.sessionId;
    };
    const take = (file: number, sessionId: string, exact: boolean) => {
      const hash = this.fileHash.get(file);
      const ext = this.exts.value(this.fileExt.get(file));
      found.push({
        sha256: this.hashes[hash]!,
        name: this.fileNames[file]!,
        size: this.fileSize.get(file),
        ext,
        type: fileType(ext),
        pieceRoot: this.pieceRoots[hash]!,
        sessionId,
        exact,
      });
    };

    const driverId = this.words.idOf(driver);
    for (const kind of ['exact', 'word'] as const) {
      if (driverId === undefined || found.length >= query.limit || budget <= 0) break;
      if (kind === 'exact' && !allWhole) continue;
      const postings = this.words.postingsOf(driverId);
      for (let index = postings.length - 1; index >= 0 && budget > 0 && found.length < query.limit; index--) {
        budget--;
        const file = postings[index]!;
        const whole = allWhole && otherIds.every((id) => this.hasWord(file, id!));
        if (kind === 'exact' ? !whole : whole || !others.every((word) => this.hasPrefix(file, word))) continue;
        const sessionId = passes(file);
        if (sessionId !== undefined) take(file, sessionId, kind === 'exact');
      }
    }
    if (found.length < query.limit && budget > 0) {
      const seen = new Set<number>();
      for (const wordId of this.words.withPrefix(driver)) {
        if (wordId === driverId) continue;
        const postings = this.words.postingsOf(wordId);
        for (let index = postings.length - 1; index >= 0 && budget > 0 && found.length < query.limit; index--) {
          budget--;
          const file = postings[index]!;
          if (seen.has(file)) continue;
          seen.add(file);
          if (driverId !== undefined && this.hasWord(file, driverId)) continue;
          if (!others.every((word) => this.hasPrefix(file, word))) continue;
          const sessionId = passes(file);
          if (sessionId !== undefined) take(file, sessionId, false);
        }
        if (budget <= 0 || found.length >= query.limit) break;
      }
    }
    return found;
  }

  /**
   * Online sources of each hash, counted exactly, and `perHash` of them (reachable ones first,
   * then the longest connected). A hash with no source is absent from the answer.
   */
  sources(hashes: string[], perHash: number, now = Date.now()): Map<string, { count: number; sources: SourceView[] }> {
    const result = new Map<string, { count: number; sources: SourceView[] }>();
    for (const sha256 of hashes) {
      const sessions = this.sourceSessions(sha256, now);
      if (sessions.length === 0) continue;
      sessions.sort(
        (a, b) => Number(a.firewalled) - Number(b.firewalled) || a.connectedAt - b.connectedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
      );
      result.set(sha256, {
        count: sessions.length,
        sources: sessions.slice(0, perHash).map((session) => ({ sessionId: session.id, username: session.username, firewalled: session.firewalled })),
      });
    }
    return result;
  }

  /** The names (up to 20, sorted), size and piece root of a hash among online sessions. */
  describeHash(sha256: string, now = Date.now()): { size: number; pieceRoot: string | null; names: string[] } | undefined {
    const hash = this.hashIds.get(sha256);
    if (hash === undefined) return undefined;
    const names = new Set<string>();
    let size: number | undefined;
    for (let file = this.hashHead.get(hash); file !== NONE; file = this.fileNextOfHash.get(file)) {
      if (!this.visible(file, now)) continue;
      names.add(this.fileNames[file]!);
      size ??= this.fileSize.get(file);
    }
    if (size === undefined) return undefined;
    return { size, pieceRoot: this.pieceRoots[hash]!, names: [...names].sort().slice(0, 20) };
  }

  /** Whether a user (by username key) has an online session; undefined when none is known. */
  userOnline(usernameKey: string, now = Date.now()): { username: string } | undefined {
    for (const session of this.sessions.values()) {
      if (session.usernameKey === usernameKey && session.lastSeenAt > now - this.leaseMs) return { username: session.username };
    }
    return undefined;
  }

  /** A page of a user's files over their online sessions, ordered by (list id, path). */
  browse(usernameKey: string, after: { listId: string; path: string } | undefined, limit: number, now = Date.now()): BrowseRow[] {
    const lists = [...this.sessions.values()]
      .filter((session) => session.usernameKey === usernameKey && session.lastSeenAt > now - this.leaseMs)
      .flatMap((session) => {
        const list = this.listOfSession.get(session.id);
        return list === undefined ? [] : [this.lists[list]!];
      })
      .filter((record) => !after || record.id >= after.listId)
      .sort((a, b) => (a.id < b.id ? -1 : 1));
    const rows: BrowseRow[] = [];
    for (const record of lists) {
      const files = record.files
        .map((file) => ({ file, path: this.pathOf(file) }))
        .filter((entry) => !after || record.id > after.listId || entry.path > after.path)
        .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      for (const { file } of files) {
        if (rows.length >= limit) return rows;
        rows.push({ listId: record.id, sessionId: record.sessionId, file: this.fileOf(file) });
      }
    }
    return rows;
  }

  /** Every live list with its session and files: what a compaction copies. */
  *liveLists(): Generator<{ listId: string; sessionId: string; files: IndexedFile[] }> {
    for (const record of this.lists) {
      if (record) yield { listId: record.id, sessionId: record.sessionId, files: record.files.map((file) => this.fileOf(file)) };
    }
  }

  /** A fresh index holding the same state without the dead files' space. */
  compacted(): MemoryIndex {
    const fresh = new MemoryIndex(this.leaseMs);
    for (const session of this.sessions.values()) fresh.putSession({ ...session });
    for (const list of this.liveLists()) fresh.replaceList(list.listId, list.sessionId, list.files);
    for (const hash of this.blockedHashes) fresh.blockedHashes.add(hash);
    for (const [key, count] of this.blames) fresh.blames.set(key, count);
    return fresh;
  }

  // ---- internals ----

  private addFile(list: number, file: IndexedFile): void {
    this.visibilityGains++;
    const id = this.fileNames.length;
    let hash = this.hashIds.get(file.sha256);
    if (hash === undefined) {
      hash = this.hashes.length;
      this.hashIds.set(file.sha256, hash);
      this.hashes.push(file.sha256);
      this.pieceRoots.push(file.pieceRoot);
      this.hashHead.push(NONE);
    } else if (file.pieceRoot && !this.pieceRoots[hash]) {
      this.pieceRoots[hash] = file.pieceRoot;
    }
    this.fileNames.push(file.name);
    this.fileHash.push(hash);
    this.fileList.push(list);
    this.fileSize.push(file.size);
    this.fileExt.push(this.exts.intern(file.ext));
    // A path is its directory plus the name: directories are shared by many files.
    const dir = file.path.endsWith(file.name) ? file.path.slice(0, file.path.length - file.name.length) : `\0${file.path}`;
    this.fileDir.push(this.dirs.intern(dir));
    this.fileNextOfHash.push(this.hashHead.get(hash));
    this.hashHead.set(hash, id);
    this.fileWordStart.push(this.fileWords.length);
    this.fileWordCount.push(file.words.length);
    for (const word of file.words) {
      const wordId = this.words.intern(word);
      this.fileWords.push(wordId);
      this.words.addPosting(wordId, id);
    }
    if (id >= this.dead.length) {
      const grown = new Uint8Array(this.dead.length * 2);
      grown.set(this.dead);
      this.dead = grown;
    }
    this.lists[list]!.files.push(id);
  }

  private dropList(list: number): void {
    const record = this.lists[list];
    if (!record) return;
    for (const file of record.files) this.kill(file);
    this.lists[list] = undefined;
    this.listIds.delete(record.id);
    if (this.listOfSession.get(record.sessionId) === list) this.listOfSession.delete(record.sessionId);
  }

  private kill(file: number): void {
    if (this.dead[file]) return;
    this.dead[file] = 1;
    this.deadCount++;
  }

  private visible(file: number, now: number): boolean {
    if (this.dead[file]) return false;
    const record = this.lists[this.fileList.get(file)];
    const session = record && this.sessions.get(record.sessionId);
    return !!session && session.lastSeenAt > now - this.leaseMs && !this.blockedHashes.has(this.hashes[this.fileHash.get(file)]!);
  }

  private sourceSessions(sha256: string, now: number): IndexedSession[] {
    const hash = this.hashIds.get(sha256);
    if (hash === undefined) return [];
    const found = new Map<string, IndexedSession>();
    for (let file = this.hashHead.get(hash); file !== NONE; file = this.fileNextOfHash.get(file)) {
      if (!this.visible(file, now)) continue;
      const session = this.sessions.get(this.lists[this.fileList.get(file)]!.sessionId)!;
      if (found.has(session.id) || this.blames.has(`${session.id} ${sha256}`)) continue;
      found.set(session.id, session);
    }
    return [...found.values()];
  }

  private hasWord(file: number, wordId: number): boolean {
    const start = this.fileWordStart.get(file);
    const end = start + this.fileWordCount.get(file);
    for (let index = start; index < end; index++) if (this.fileWords.get(index) === wordId) return true;
    return false;
  }

  private hasPrefix(file: number, prefix: string): boolean {
    const start = this.fileWordStart.get(file);
    const end = start + this.fileWordCount.get(file);
    for (let index = start; index < end; index++) if (this.words.wordOf(this.fileWords.get(index)).startsWith(prefix)) return true;
    return false;
  }

  private rarestWord(words: string[]): string {
    const counted = words.map((word) => ({ word, postings: this.words.countPrefix(word, RARITY_CAP) }));
    // Among words that all reach the cap, the longest is the likeliest to be rare.
    return counted.reduce((rarest, row) =>
      row.postings < rarest.postings || (row.postings === rarest.postings && row.word.length > rarest.word.length) ? row : rarest,
    ).word;
  }

  private pathOf(file: number): string {
    const dir = this.dirs.value(this.fileDir.get(file));
    return dir.startsWith('\0') ? dir.slice(1) : dir + this.fileNames[file]!;
  }

  private fileOf(file: number): IndexedFile {
    const start = this.fileWordStart.get(file);
    const ext = this.exts.value(this.fileExt.get(file));
    const hash = this.fileHash.get(file);
    return {
      path: this.pathOf(file),
      name: this.fileNames[file]!,
      words: Array.from(this.fileWords.view().subarray(start, start + this.fileWordCount.get(file)), (id) => this.words.wordOf(id)),
      size: this.fileSize.get(file),
      sha256: this.hashes[hash]!,
      ext,
      type: fileType(ext),
      pieceRoot: this.pieceRoots[hash]!,
    };
  }
}

/** Strings stored once, numbered. */
class Interned {
  private readonly ids = new Map<string, number>();
  private readonly values: string[] = [];

  intern(value: string): number {
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.ids.set(value, id);
      this.values.push(value);
    }
    return id;
  }

  value(id: number): string {
    return this.values[id]!;
  }
}
