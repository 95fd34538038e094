import { GrowableUint32 } from './growable.js';

/** Merge the recently added words into the sorted array once there are this many. */
const UNSORTED_LIMIT = 4_096;

/**
 * Interned words and their postings (file numbers, oldest first). Prefix lookups binary-search a
 * sorted array of the words; words added since the last merge sit in a small unsorted tail that
 * is scanned, so a new word is findable at once and the sort is paid once per few thousand words.
 */
export class WordTable {
  private readonly ids = new Map<string, number>();
  private readonly words: string[] = [];
  private readonly postings: GrowableUint32[] = [];
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
      this.postings.push(new GrowableUint32(2));
      this.unsorted.push(id);
      if (this.unsorted.length >= UNSORTED_LIMIT) this.mergeUnsorted();
    }
    return id;
  }

  addPosting(wordId: number, file: number): void {
    this.postings[wordId]!.push(file);
  }

  postingsOf(wordId: number): Uint32Array {
    return this.postings[wordId]!.view();
  }

  /** Words starting with `prefix` (itself included when it is a word), in descending order. */
  withPrefix(prefix: string): number[] {
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

  private mergeUnsorted(): void {
    const byWord = (a: number, b: number) => (this.words[a]! < this.words[b]! ? -1 : 1);
    this.sorted = [...this.sorted, ...this.unsorted].sort(byWord);
    this.unsorted = [];
  }
}
