import { FILE_TYPES, fileExtension, fileType, type FileType, MAX_LISTED_SOURCES, nameWords, parseExtensions, parseQuery, type SearchQuery } from '#contracts';

/**
 * The yardstick: a minimal in-memory inverted index, written from docs/protocol.md "Searching"
 * (not from the server's code), so that the server's search can be compared with what a plain
 * typed-array index does on the same rows. It holds a snapshot: the sessions it was built from
 * count as online for its whole life.
 *
 * Layout (n files, w distinct words, c distinct contents):
 * - words sorted by code unit, so every prefix is one contiguous range of word ids;
 * - postings in CSR form (wordStart[w + 1], postings[sum]): the files of each word, ascending;
 * - each file's word ids in CSR form too, to check the other query words without a second lookup;
 * - per content its distinct sessions, reachable ones first (the source list and its count).
 */

/** The protocol counts sources up to 25 ("25 means 25 or more"), and ranks by that count. */
export const SOURCE_COUNT_CAP = 25;

export interface ReferenceRow {
  sha256: string;
  name: string;
  size: number;
  /** any key naming the session sharing the row (the session's id) */
  session: string;
  firewalled: boolean;
}

export interface ReferenceResult {
  sha256: string;
  name: string;
  size: number;
  ext: string;
  type: FileType;
  /** distinct sessions sharing the content, capped like the protocol's */
  sourceCount: number;
  /** the same, uncapped */
  exactSourceCount: number;
  sources: Array<{ sessionId: string; firewalled: boolean }>;
  match: 'word' | 'prefix';
}

export interface ReferenceResponse {
  results: ReferenceResult[];
  nextCursor: string | null;
}

export class ReferenceQueryError extends Error {}

const TYPE_IDS = new Map<string, number>(FILE_TYPES.map((type, index) => [type, index]));

/** Collects rows, then freezes them into typed arrays. */
export class ReferenceIndexBuilder {
  private readonly contentIds = new Map<string, number>();
  private readonly hashes: string[] = [];
  private readonly sessionIds = new Map<string, number>();
  private readonly sessions: string[] = [];
  private readonly firewalled: boolean[] = [];
  private readonly extIds = new Map<string, number>();
  private readonly exts: string[] = [];
  private readonly wordIds = new Map<string, number>();
  private readonly wordList: string[] = [];
  private readonly names: string[] = [];
  private fileContent: number[] = [];
  private fileSession: number[] = [];
  private fileSize: number[] = [];
  private fileExt: number[] = [];
  /** per file, its distinct (builder) word ids, flattened; fileWordEnd[i] ends file i's */
  private fileWords: number[] = [];
  private fileWordEnd: number[] = [];

  add(row: ReferenceRow): void {
    const name = row.name;
    this.names.push(name);
    this.fileContent.push(intern(this.contentIds, this.hashes, row.sha256));
    let session = this.sessionIds.get(row.session);
    if (session === undefined) {
      session = this.sessions.length;
      this.sessionIds.set(row.session, session);
      this.sessions.push(row.session);
      this.firewalled.push(row.firewalled);
    }
    this.fileSession.push(session);
    this.fileSize.push(row.size);
    this.fileExt.push(intern(this.extIds, this.exts, fileExtension(name)));
    for (const word of new Set(nameWords(name))) this.fileWords.push(intern(this.wordIds, this.wordList, word));
    this.fileWordEnd.push(this.fileWords.length);
  }

  get size(): number {
    return this.names.length;
  }

  build(): ReferenceIndex {
    const files = this.names.length;
    // Sorted word ids: a prefix becomes the range [lowerBound(p), lowerBound(p + U+FFFF)).
    const order = this.wordList.map((_, id) => id).sort((a, b) => compare(this.wordList[a]!, this.wordList[b]!));
    const rank = new Int32Array(order.length);
    order.forEach((id, position) => (rank[id] = position));
    const words = order.map((id) => this.wordList[id]!);

    const fileWordStart = new Int32Array(files + 1);
    const fileWordIds = new Int32Array(this.fileWords.length);
    const wordCount = new Int32Array(words.length + 1);
    for (let file = 0, at = 0; file < files; file++) {
      fileWordStart[file] = at;
      const end = this.fileWordEnd[file]!;
      for (; at < end; at++) {
        const word = rank[this.fileWords[at]!]!;
        fileWordIds[at] = word;
        wordCount[word + 1]!++;
      }
    }
    fileWordStart[files] = fileWordIds.length;
    const wordStart = wordCount;
    for (let w = 0; w < words.length; w++) wordStart[w + 1]! += wordStart[w]!;
    const postings = new Int32Array(fileWordIds.length);
    const fill = wordStart.slice(0, words.length);
    // Files are visited in order, so each word's postings come out ascending.
    for (let file = 0; file < files; file++) {
      for (let at = fileWordStart[file]!; at < fileWordStart[file + 1]!; at++) postings[fill[fileWordIds[at]!]!++] = file;
    }

    const contents = this.hashes.length;
    const fileContent = Int32Array.from(this.fileContent);
    const fileSession = Int32Array.from(this.fileSession);
    // Distinct sessions per content, reachable ones first.
    const perContent: number[][] = Array.from({ length: contents }, () => []);
    for (let file = 0; file < files; file++) perContent[fileContent[file]!]!.push(fileSession[file]!);
    const sourceStart = new Int32Array(contents + 1);
    const sourceList: number[] = [];
    for (let content = 0; content < contents; content++) {
      const distinct = [...new Set(perContent[content])].sort((a, b) => Number(this.firewalled[a]) - Number(this.firewalled[b]) || a - b);
      sourceList.push(...distinct);
      sourceStart[content + 1] = sourceList.length;
    }
    const hashOrder = this.hashes.map((_, id) => id).sort((a, b) => compare(this.hashes[a]!, this.hashes[b]!));
    const hashRank = new Int32Array(contents);
    hashOrder.forEach((id, position) => (hashRank[id] = position));

    const index = new ReferenceIndex({
      words,
      wordStart,
      postings,
      fileWordStart,
      fileWordIds,
      names: this.names,
      fileContent,
      fileSession,
      fileSize: Float64Array.from(this.fileSize),
      fileExt: Uint16Array.from(this.fileExt),
      exts: this.exts,
      hashes: this.hashes,
      hashRank,
      sourceStart,
      sources: Int32Array.from(sourceList),
      sessions: this.sessions,
      firewalled: Uint8Array.from(this.firewalled, Number),
    });
    // The builder's arrays are garbage from here on.
    this.fileContent = this.fileSession = this.fileSize = this.fileExt = this.fileWords = this.fileWordEnd = [];
    return index;
  }
}

interface Tables {
  words: string[];
  wordStart: Int32Array;
  postings: Int32Array;
  fileWordStart: Int32Array;
  fileWordIds: Int32Array;
  names: string[];
  fileContent: Int32Array;
  fileSession: Int32Array;
  fileSize: Float64Array;
  fileExt: Uint16Array;
  exts: string[];
  hashes: string[];
  hashRank: Int32Array;
  sourceStart: Int32Array;
  sources: Int32Array;
  sessions: string[];
  firewalled: Uint8Array;
}

interface Term {
  /** the word ids the term matches as a prefix: [from, to) */
  from: number;
  to: number;
  /** the word id equal to the term, or -1 */
  exact: number;
}

export class ReferenceIndex {
  /** per file / per content, the number of the search that last touched it: no clearing between searches */
  private readonly fileSeen: Uint32Array;
  private readonly contentSeen: Uint32Array;
  private readonly contentMatch: Uint8Array;
  private readonly contentFile: Int32Array;
  /** per extension id, its type id */
  private readonly extType: Uint8Array;
  private searches = 0;

  constructor(private readonly t: Tables) {
    this.extType = Uint8Array.from(t.exts, (ext) => TYPE_IDS.get(fileType(ext))!);
    this.fileSeen = new Uint32Array(t.names.length);
    this.contentSeen = new Uint32Array(t.hashes.length);
    this.contentMatch = new Uint8Array(t.hashes.length);
    this.contentFile = new Int32Array(t.hashes.length);
  }

  get stats(): { files: number; contents: number; words: number; postings: number; sessions: number } {
    return { files: this.t.names.length, contents: this.t.hashes.length, words: this.t.words.length, postings: this.t.postings.length, sessions: this.t.sessions.length };
  }

  search(query: SearchQuery): ReferenceResponse {
    const parsed = parseQuery(query.q);
    if (!parsed.ok) throw new ReferenceQueryError(parsed.message);
    const offset = query.cursor === undefined ? 0 : decodeCursor(query.cursor);
    const include = parsed.query.include.map((word) => this.term(word));
    const exclude = parsed.query.exclude.map((word) => this.term(word)).filter((term) => term.to > term.from);
    if (include.some((term) => term.to === term.from)) return { results: [], nextCursor: null };
    const t = this.t;
    // The driver is the term with the fewest postings; the others are checked on each file's words.
    let driver = include[0]!;
    for (const term of include) if (this.cost(term) < this.cost(driver)) driver = term;
    const exts = parseExtensions(query.ext);
    const extIds = new Set(exts.map((ext) => t.exts.indexOf(ext)).filter((id) => id >= 0));
    if (exts.length > 0 && extIds.size === 0) return { results: [], nextCursor: null };
    const wantedType = query.type === undefined ? -1 : TYPE_IDS.get(query.type)!;
    const minSize = query.minSize ?? 0;
    const maxSize = query.maxSize ?? Number.MAX_SAFE_INTEGER;

    const stamp = ++this.searches;
    const touched: number[] = [];
    for (let at = t.wordStart[driver.from]!; at < t.wordStart[driver.to]!; at++) {
      const file = t.postings[at]!;
      if (this.fileSeen[file] === stamp) continue;
      this.fileSeen[file] = stamp;
      const size = t.fileSize[file]!;
      if (size < minSize || size > maxSize) continue;
      if (extIds.size > 0 && !extIds.has(t.fileExt[file]!)) continue;
      if (wantedType >= 0 && this.extType[t.fileExt[file]!] !== wantedType) continue;
      const match = this.matchFile(file, include, exclude);
      if (match === 0) continue;
      const content = t.fileContent[file]!;
      if (this.contentSeen[content] !== stamp) {
        this.contentSeen[content] = stamp;
        this.contentMatch[content] = match;
        this.contentFile[content] = file;
        touched.push(content);
      } else if (match > this.contentMatch[content]!) {
        this.contentMatch[content] = match;
        this.contentFile[content] = file;
      }
    }

    // Order: whole-word matches first, then more sources (capped), then by hash: one number per content.
    const contents = t.hashes.length;
    const key = (content: number) => (this.contentMatch[content]! * (SOURCE_COUNT_CAP + 1) + this.cappedSources(content)) * contents + (contents - 1 - t.hashRank[content]!);
    const wanted = offset + query.limit + 1;
    const top = topByKey(touched, key, wanted);
    const page = top.slice(offset, offset + query.limit);
    return {
      results: page.map((content) => this.result(content)),
      nextCursor: top.length > offset + query.limit ? encodeCursor(offset + query.limit) : null,
    };
  }

  private term(word: string): Term {
    const from = lowerBound(this.t.words, word);
    const to = lowerBound(this.t.words, `${word}\uffff`);
    return { from, to, exact: from < to && this.t.words[from] === word ? from : -1 };
  }

  private cost(term: Term): number {
    return this.t.wordStart[term.to]! - this.t.wordStart[term.from]!;
  }

  /** 2: every include term is a whole word of the name; 1: some only as a prefix; 0: no match (or excluded) */
  private matchFile(file: number, include: Term[], exclude: Term[]): number {
    const t = this.t;
    const from = t.fileWordStart[file]!;
    const to = t.fileWordStart[file + 1]!;
    let whole = true;
    for (const term of include) {
      let found = false;
      let exact = false;
      for (let at = from; at < to; at++) {
        const word = t.fileWordIds[at]!;
        if (word >= term.from && word < term.to) {
          found = true;
          if (word === term.exact) {
            exact = true;
            break;
          }
        }
      }
      if (!found) return 0;
      whole &&= exact;
    }
    for (const term of exclude) {
      for (let at = from; at < to; at++) {
        const word = t.fileWordIds[at]!;
        if (word >= term.from && word < term.to) return 0;
      }
    }
    return whole ? 2 : 1;
  }

  private cappedSources(content: number): number {
    return Math.min(SOURCE_COUNT_CAP, this.t.sourceStart[content + 1]! - this.t.sourceStart[content]!);
  }

  private result(content: number): ReferenceResult {
    const t = this.t;
    const file = this.contentFile[content]!;
    const name = t.names[file]!;
    const ext = t.exts[t.fileExt[file]!]!;
    const from = t.sourceStart[content]!;
    const to = t.sourceStart[content + 1]!;
    const sources: ReferenceResult['sources'] = [];
    for (let at = from; at < Math.min(to, from + MAX_LISTED_SOURCES); at++) {
      const session = t.sources[at]!;
      sources.push({ sessionId: t.sessions[session]!, firewalled: t.firewalled[session] === 1 });
    }
    return {
      sha256: t.hashes[content]!,
      name,
      size: t.fileSize[file]!,
      ext,
      type: fileType(ext),
      sourceCount: Math.min(SOURCE_COUNT_CAP, to - from),
      exactSourceCount: to - from,
      sources,
      match: this.contentMatch[content] === 2 ? 'word' : 'prefix',
    };
  }
}

/**
 * The `count` items with the largest keys, largest first. A bounded insertion list: most items
 * fall below the current last place and cost one comparison.
 */
export function topByKey(items: number[], key: (item: number) => number, count: number): number[] {
  const best: number[] = [];
  const keys: number[] = [];
  for (const item of items) {
    const k = key(item);
    if (best.length === count && k <= keys[count - 1]!) continue;
    let at = best.length === count ? count - 1 : best.length;
    while (at > 0 && keys[at - 1]! < k) {
      if (at < count) {
        best[at] = best[at - 1]!;
        keys[at] = keys[at - 1]!;
      }
      at--;
    }
    best[at] = item;
    keys[at] = k;
  }
  return best;
}

/** First position in `sorted` whose element is not less than `value` (code-unit order). */
export function lowerBound(sorted: string[], value: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sorted[mid]! < value) low = mid + 1;
    else high = mid;
  }
  return low;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function intern(ids: Map<string, number>, list: string[], value: string): number {
  let id = ids.get(value);
  if (id === undefined) {
    id = list.length;
    ids.set(value, id);
    list.push(value);
  }
  return id;
}

function encodeCursor(offset: number): string {
  return Buffer.from(`o:${offset}`).toString('base64url');
}

function decodeCursor(cursor: string): number {
  const match = /^o:(\d{1,7})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw new ReferenceQueryError('cursor: not a cursor of this index');
  return Number(match[1]);
}
