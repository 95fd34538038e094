import { fileExtension, fileName, fileType, nameWords, type SearchQueryInput } from '#contracts';
import { type AlbumUnit, MUSIC_POPULARITY } from './catalog.js';
import { type Corpus } from './corpus.js';
import { Random, ZipfSampler } from './prng.js';
import { DJS, KNOWN_ALBUMS, OTHER_REAL_ARTISTS, TITLE_WORDS, VENUES } from './vocabulary/music.js';
import { BOOK_AUTHORS, BOOK_TITLE_WORDS, DOCUMENT_NAMES, FIRST_NAMES } from './vocabulary/other.js';
import { KNOWN_MOVIES, KNOWN_SHOWS } from './vocabulary/video.js';

/** What users type, with how often (weights, not percentages). */
export const QUERY_WEIGHTS = {
  rareWord: 12,
  artistTitle: 20,
  artistOnly: 8,
  prefix: 10,
  commonWord: 8,
  twoCharacter: 5,
  exclusion: 8,
  filtered: 14,
  nonAscii: 5,
  secondPage: 10,
} as const;
export type QueryKind = keyof typeof QUERY_WEIGHTS;

export interface BenchQuery {
  kind: QueryKind;
  input: SearchQueryInput;
}

const COMMON_WORDS = ['the', 'mp3', '01', 'live', 'remix', 'love', 'jpg', 'of', '1080p', 'flac'];
const TWO_CHARACTER_WORDS = ['ac', 'u2', 'dj', 'tv', 'mc', 'ha'];
const NON_ASCII_QUERIES = ['beyoncé halo', 'motörhead ace of spades', 'sigur rós', '坂本龍一', 'björk', 'céline dion', 'måneskin', 'ágætis byrjun', 'Достоевский', '千と千尋の神隠し'];
/** Broad queries whose second page users ask for. */
const PAGED_QUERIES = ['love', 'live', 'beatles', '1080p', 'radiohead', 'the night', 'remix', 'img 2019'];
/** Every word of the real names and everyday vocabulary: what is left is made up, hence rare. */
const EVERYDAY = new Set(
  nameWords(
    [
      ...TITLE_WORDS, ...COMMON_WORDS, ...OTHER_REAL_ARTISTS, ...DJS, ...VENUES, ...BOOK_AUTHORS, ...BOOK_TITLE_WORDS, ...DOCUMENT_NAMES,
      ...FIRST_NAMES, ...KNOWN_SHOWS, ...KNOWN_MOVIES.map(([title]) => title),
      ...Object.entries(KNOWN_ALBUMS).flatMap(([artist, albums]) => [artist, ...albums.flatMap((album) => [album.title, ...album.tracks])]),
      'mp3 flac jpg jpeg png mkv mp4 pdf img dsc pxl vid deluxe edition remastered expanded anniversary bonus tracks',
    ].join(' '),
  ),
);

/**
 * A deterministic list of `count` queries drawn from the corpus: popular content is searched
 * most (the catalog's own popularity law), rare words come from real seeded files so they
 * exist. `secondPage` queries are first pages here; the runner fetches their cursor first.
 */
export function buildQueryMix(corpus: Corpus, count: number, seed = `${corpus.options.seed}:queries`): BenchQuery[] {
  const random = new Random(seed);
  const music = corpus.catalog.music;
  // Only the head of the catalog, with the catalog's popularity law: those albums are certainly shared.
  const head = new ZipfSampler(Math.min(music.units.length, 400), MUSIC_POPULARITY.exponent, MUSIC_POPULARITY.offset);
  const popularAlbum = (): AlbumUnit => {
    // "R.E.M." has no word of two letters: nobody can search for it by name.
    for (let attempt = 0; attempt < 1_000; attempt++) {
      const unit = music.units[head.sample(random)]!;
      if (typed(unit.album.artist) !== '') return unit;
    }
    throw new Error('no searchable artist among the most popular albums');
  };
  // Decorations like "(Live at Wembley 1986)" are left out, as are one-letter words the server refuses.
  const plainTitle = (title: string) => typed(title.replace(/\s*\(.*\)\s*/g, ' '));
  const queries: BenchQuery[] = [];
  while (queries.length < count) {
    const kind = random.weighted(QUERY_WEIGHTS);
    const query = (input: SearchQueryInput) => queries.push({ kind, input });
    switch (kind) {
      case 'rareWord':
        query({ q: rareWord(corpus, random) });
        break;
      case 'artistTitle': {
        const unit = popularAlbum();
        const track = random.pick(unit.album.tracks);
        query({ q: `${artistWords(unit.album.artist, random)} ${plainTitle(track.title)}`.toLowerCase() });
        break;
      }
      case 'artistOnly':
        query({ q: artistWords(popularAlbum().album.artist, random) });
        break;
      case 'prefix': {
        const unit = popularAlbum();
        const words = nameWords(`${unit.album.artist} ${random.pick(unit.album.tracks).title}`).filter((w) => w.length >= 6 && !EVERYDAY.has(w));
        query({ q: words.length > 0 ? random.pick(words).slice(0, random.int(4, 5)) : random.pick(['radio', 'paran', 'karm', 'beatl', 'nirv']) });
        break;
      }
      case 'commonWord':
        query({ q: random.pick(COMMON_WORDS) });
        break;
      case 'twoCharacter':
        query({ q: random.pick(TWO_CHARACTER_WORDS) });
        break;
      case 'exclusion': {
        const unit = popularAlbum();
        query({ q: `${artistWords(unit.album.artist, random)} -${random.pick(['live', 'remix', 'mp3', 'demo', 'flac'])}` });
        break;
      }
      case 'filtered':
        query(filteredQuery(random, popularAlbum, plainTitle));
        break;
      case 'nonAscii':
        query({ q: random.pick(NON_ASCII_QUERIES) });
        break;
      case 'secondPage':
        query({ q: random.pick(PAGED_QUERIES), limit: 50 });
        break;
    }
  }
  return queries;
}

function typed(text: string): string {
  return nameWords(text)
    .filter((word) => word.length >= 2)
    .join(' ');
}

/** "The Beatles" is typed "beatles" as often as in full. */
function artistWords(artist: string, random: Random): string {
  const words = typed(artist).split(' ');
  if (words.length > 1 && words[0] === 'the' && random.chance(0.5)) return words.slice(1).join(' ');
  return words.join(' ');
}

function filteredQuery(random: Random, popularAlbum: () => AlbumUnit, plainTitle: (title: string) => string): SearchQueryInput {
  switch (random.int(0, 5)) {
    case 0:
      return { q: artistWords(popularAlbum().album.artist, random), ext: 'flac' };
    case 1:
      return { q: random.pick(['matrix', 'inception', 'lost', 'breaking bad', 'the dark', 'star wars']), type: 'video' };
    case 2:
      return { q: random.pick(['ubuntu', 'debian', 'iso', 'linux']), minSize: 1_000_000_000 };
    case 3: {
      const unit = popularAlbum();
      return { q: `${artistWords(unit.album.artist, random)} ${plainTitle(random.pick(unit.album.tracks).title)}`.toLowerCase(), ext: 'mp3,flac', type: 'audio' };
    }
    case 4:
      return { q: random.pick(['live', 'love', 'night']), type: 'audio', minSize: 10_000_000, maxSize: 60_000_000 };
    default:
      return { q: random.pick(['img', 'dsc', 'screenshot']), type: 'image', maxSize: 5_000_000 };
  }
}

/** A word that names one made-up artist, album, book or place: found, but in few files. */
function rareWord(corpus: Corpus, random: Random): string {
  for (let attempt = 0; attempt < 50; attempt++) {
    const session = corpus.session(random.int(0, corpus.options.sessions - 1));
    const file = random.pick(session.files);
    const name = fileName(file.path);
    if (!['audio', 'document'].includes(fileType(fileExtension(name)))) continue;
    const words = nameWords(name).filter((word) => word.length >= 5 && !EVERYDAY.has(word) && !/^\d+$/.test(word));
    if (words.length > 0) return random.pick(words);
  }
  return 'kestrel';
}
