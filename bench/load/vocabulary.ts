/**
 * Names of the small lists the load benchmark's peers publish, and the queries it sends: words
 * from a fixed vocabulary, so every query finds something and common words match many files.
 */
const WORDS = [
  'amber', 'anchor', 'autumn', 'banjo', 'beacon', 'blue', 'canyon', 'cedar', 'cinder', 'cobalt',
  'comet', 'coral', 'crimson', 'delta', 'desert', 'drift', 'ember', 'falcon', 'fern', 'fjord',
  'forest', 'garnet', 'glacier', 'harbor', 'hazel', 'horizon', 'indigo', 'island', 'jade', 'juniper',
  'lagoon', 'lantern', 'lunar', 'maple', 'meadow', 'mirror', 'nebula', 'north', 'ocean', 'onyx',
  'orchid', 'pepper', 'pine', 'prairie', 'quartz', 'raven', 'river', 'saffron', 'silver', 'summit',
  'thunder', 'tidal', 'velvet', 'willow', 'winter', 'zephyr',
];
const EXTENSIONS = ['mp3', 'flac', 'mkv', 'jpg', 'pdf'];

/** The n-th file of session `index`: two vocabulary words, a number, an extension. */
export function fileNameFor(index: number, n: number): string {
  const first = WORDS[(index * 7 + n) % WORDS.length]!;
  const second = WORDS[(index * 13 + n * 3 + 1) % WORDS.length]!;
  return `${first} ${second} ${index % 1000} ${n}.${EXTENSIONS[(index + n) % EXTENSIONS.length]}`;
}

/** Queries: single words, word pairs, and a word with an extension filter as text. */
export function loadQueries(): string[] {
  return WORDS.flatMap((word, n) => [word, `${word} ${WORDS[(n + 5) % WORDS.length]}`, `${word.slice(0, 3)} ${EXTENSIONS[n % EXTENSIONS.length]}`]);
}
