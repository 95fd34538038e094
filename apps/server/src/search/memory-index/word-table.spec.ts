import { describe, expect, it } from '@jest/globals';
import { WordTable } from './word-table.js';

describe('word table', () => {
  it('finds every word of a prefix, in descending order, before and after merging thousands of new words', () => {
    const table = new WordTable();
    const words = Array.from({ length: 10_000 }, (_, n) => `w${(n * 7_919) % 10_000}`); // every number once, shuffled
    const wanted = (prefix: string, all: string[]) => all.filter((word) => word.startsWith(prefix)).sort().reverse();
    words.slice(0, 3_000).forEach((word, n) => table.addPosting(table.intern(word), n));
    expect(table.withPrefix('w12').map((id) => table.wordOf(id))).toEqual(wanted('w12', words.slice(0, 3_000)));

    words.slice(3_000).forEach((word, n) => table.addPosting(table.intern(word), n));
    expect(table.withPrefix('w12').map((id) => table.wordOf(id))).toEqual(wanted('w12', words)); // merged now
    table.intern('w12zz'); // a new word is found at once, in order
    expect(table.withPrefix('w12').map((id) => table.wordOf(id))).toEqual(wanted('w12', [...words, 'w12zz']));
    expect(table.countPrefix('w12', 1_000)).toBe(111);
    expect(table.countPrefix('w', 500)).toBe(500);
  });

  it('keeps postings in order when they move from a plain array to a typed one', () => {
    const table = new WordTable();
    const id = table.intern('common');
    for (let n = 0; n < 200; n++) table.addPosting(id, n * 3);
    expect(Array.from(table.postingsOf(id))).toEqual(Array.from({ length: 200 }, (_, n) => n * 3));
  });
});
