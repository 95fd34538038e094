import { GrowableUint32 } from './growable.js';

/**
 * Postings start as a plain array and move to a typed array once this long: most words are rare,
 * and a typed array per word costs more (memory and garbage collection) than a small array.
 */
const TYPED_FROM = 64;
/** A lookup merges the recently added words into the sorted array once there are this many. */
const UNSORTED_LIMIT = 4_096;

/**
 * Interned words and their postings (file numbers, oldest first). Prefix lookups binary-search a
 * sorted array of the words; words added since the last merge sit in an unsorted tail that is
 * scanned, so a new word is findable at once. The tail is merged (sorted alone, then merged in
 * one pass) by the first lookup that finds it long: a bulk load sorts once, not per few thousand words.
 */
export class WordTable {
  private readonly ids = new Map<string, number>();
  private readonly words: string[] = [];
  private readonly postings: Array<number[] | GrowableUint32> = [];
  private sorted: number[] = [];
  private unsorted: number[] = [];

  get size(): number {
    return this.words.length;
  }

  idOf(word: string): number | undefined {
    return this.ids.get(word);
  }

  wordOf(id: number): string {
    return this.words[id]!;
  }

  /** The word's number, interning it first if new. */
  intern(word: string): number {
    let id = this.ids.get(word);
    if (id === undefined) {
      id = this.words.length;
      this.ids.set(word, id);
      this.words.push(word);
      this.postings.push([]);
      this.unsorted.push(id);
    }
    return id;
  }

  addPosting(wordId: number, file: number): void {
    const postings = this.postings[wordId]!;
    postings.push(file);
    if (Array.isArray(postings) && postings.length >= TYPED_FROM) {
      const typed = new GrowableUint32(TYPED_FROM * 2);
      for (const posting of postings) typed.push(posting);
      this.postings[wordId] = typed;
    }
  }

  /** File numbers, oldest first. */
  postingsOf(wordId: number): ArrayLike<number> {
    const postings = this.postings[wordId]!;
    return Array.isArray(postings) ? postings : postings.view();
  }

  /** Words starting with `prefix` (itself included when it is a word), in descending order. */
  withPrefix(prefix: string): number[] {
    this.mergeIfLong();
    const found: number[] = [];
    for (let index = this.firstAtOrAfter(prefix); index < this.sorted.length; index++) {
      const id = this.sorted[index]!;
      if (!this.words[id]!.startsWith(prefix)) break;
      found.push(id);
    }
    found.reverse();
    const recent = this.unsorted.filter((id) => this.words[id]!.startsWith(prefix));
    if (recent.length === 0) return found;
    return [...found, ...recent].sort((a, b) => (this.words[a]! < this.words[b]! ? 1 : -1));
  }

  /** Postings of the words starting with `prefix`, counted up to `cap`. */
  countPrefix(prefix: string, cap: number): number {
    this.mergeIfLong();
    let count = 0;
    for (let index = this.firstAtOrAfter(prefix); index < this.sorted.length && count < cap; index++) {
      const id = this.sorted[index]!;
      if (!this.words[id]!.startsWith(prefix)) break;
      count += this.postings[id]!.length;
    }
    for (const id of this.unsorted) if (count < cap && this.words[id]!.startsWith(prefix)) count += this.postings[id]!.length;
    return Math.min(count, cap);
  }

  /** Position of the first sorted word not below `word` (binary search). */
  private firstAtOrAfter(word: string): number {
    let low = 0;
    let high = this.sorted.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.words[this.sorted[middle]!]! < word) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  private mergeIfLong(): void {
    if (this.unsorted.length < UNSORTED_LIMIT) return;
    const word = (id: number) => this.words[id]!;
    const tail = this.unsorted.sort((a, b) => (word(a) < word(b) ? -1 : 1));
    const merged = new Array<number>(this.sorted.length + tail.length);
    let left = 0;
    let right = 0;
    for (let index = 0; index < merged.length; index++) {
      merged[index] = right >= tail.length || (left < this.sorted.length && word(this.sorted[left]!) < word(tail[right]!)) ? this.sorted[left++]! : tail[right++]!;
    }
    this.sorted = merged;
    this.unsorted = [];
  }
}
