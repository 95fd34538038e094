import { Random, ZipfSampler } from './prng.js';
import { ALBUM_EDITIONS, DJS, KNOWN_ALBUMS, OTHER_REAL_ARTISTS, TITLE_WORDS, TRACK_DECORATIONS, VENUES } from './vocabulary/music.js';
import { BOOK_AUTHORS, BOOK_FORMATS, BOOK_TITLE_WORDS, SOFTWARE, SYLLABLES } from './vocabulary/other.js';
import { KNOWN_MOVIES, KNOWN_SHOWS, RELEASES, RELEASE_GROUPS, type Release } from './vocabulary/video.js';

/**
 * The shared catalog: every piece of content that more than one peer may share (albums, films,
 * series, software, books). Each category is ranked by popularity (real titles first, the
 * generated long tail after) and sampled with a Zipf–Mandelbrot law, so the same content, with
 * the same SHA-256 and size, turns up in many libraries.
 */
export interface Track {
  number: number;
  title: string;
  seconds: number;
}
export interface Album {
  id: number;
  artist: string;
  title: string;
  year: number;
  tracks: Track[];
}
export type AudioFormat = 'mp3' | 'flac' | 'm4a' | 'ogg' | 'opus';
export interface AlbumUnit { kind: 'album'; key: string; album: Album; format: AudioFormat }
export interface MovieUnit { kind: 'movie'; key: string; title: string; year: number; release: Release; group: string }
export interface SeasonUnit { kind: 'season'; key: string; show: string; season: number; episodes: number; release: Release; group: string }
export interface SoftwareUnit { kind: 'software'; key: string; fileName: string; mib: [number, number] }
export interface BookUnit { kind: 'book'; key: string; author: string; title: string; year: number; format: keyof typeof BOOK_FORMATS }
export type VideoUnit = MovieUnit | SeasonUnit;

export interface RankedUnits<T> {
  /** most popular first */
  units: T[];
  sampler: ZipfSampler;
}

export interface Catalog {
  seed: string;
  artists: string[];
  music: RankedUnits<AlbumUnit>;
  video: RankedUnits<VideoUnit>;
  software: RankedUnits<SoftwareUnit>;
  books: RankedUnits<BookUnit>;
}

/** Zipf–Mandelbrot law of album popularity: about 300 of 10,000 peers share the top album. */
export const MUSIC_POPULARITY = { exponent: 1.0, offset: 30 } as const;

/** Catalog sizes for a corpus of `files` files; one million files gives about 25,000 albums. */
export function buildCatalog(seed: string, files: number): Catalog {
  const random = new Random(`${seed}:catalog`);
  const scale = files / 1_000_000;
  const albums = buildAlbums(random, Math.max(60, Math.round(25_000 * scale)));
  const artists = [...new Set(albums.map((album) => album.artist))];
  return {
    seed,
    artists,
    music: ranked(albumUnits(random, albums), MUSIC_POPULARITY.exponent, MUSIC_POPULARITY.offset),
    video: ranked(videoUnits(random, Math.max(20, Math.round(4_000 * scale)), Math.max(6, Math.round(300 * scale))), 1.0, 10),
    software: ranked(softwareUnits(), 0.9, 2),
    books: ranked(bookUnits(random, Math.max(50, Math.round(10_000 * scale))), 1.0, 20),
  };
}

function ranked<T>(units: T[], exponent: number, offset: number): RankedUnits<T> {
  return { units, sampler: new ZipfSampler(units.length, exponent, offset) };
}

/** "Velmora", "Kastrin": made-up words, so the long tail has rare words to search for. */
export function madeUpWord(random: Random, syllables = random.int(2, 3)): string {
  let word = '';
  for (let i = 0; i < syllables; i++) word += random.pick(SYLLABLES);
  // Heavy-metal umlauts and Nordic letters, so accent folding is exercised beyond the real names.
  if (random.chance(0.04)) word = word.replace('o', 'ö');
  else if (random.chance(0.03)) word = word.replace('a', 'å');
  return word[0]!.toUpperCase() + word.slice(1);
}

function madeUpArtist(random: Random): string {
  const form = random.weighted({ single: 4, pair: 3, the: 2, dj: 0.5, and: 1 });
  const word = () => madeUpWord(random);
  switch (form) {
    case 'single':
      return word();
    case 'pair':
      return `${word()} ${word()}`;
    case 'the':
      return `The ${word()}s`;
    case 'dj':
      return `DJ ${word()}`;
    default:
      return `${word()} & the ${titleCase(random.pick(TITLE_WORDS))}s`;
  }
}

export function titleCase(word: string): string {
  return word.length === 0 ? word : word[0]!.toUpperCase() + word.slice(1);
}

export function madeUpTitle(random: Random, words: readonly string[], min: number, max: number): string {
  const count = random.int(min, max);
  return Array.from({ length: count }, () => titleCase(random.pick(words))).join(' ');
}

function buildAlbums(random: Random, count: number): Album[] {
  const albums: Album[] = [];
  const add = (artist: string, title: string, year: number, trackTitles: string[]) => {
    const tracks = trackTitles.map((trackTitle, index) => ({ number: index + 1, title: trackTitle, seconds: random.int(140, 420) }));
    albums.push({ id: albums.length, artist, title, year, tracks });
  };
  for (const [artist, known] of Object.entries(KNOWN_ALBUMS)) {
    for (const album of known) add(artist, album.title, album.year, album.tracks);
  }
  const generatedTracks = (artist: string) =>
    Array.from({ length: random.int(7, 15) }, () => decorateTrack(random, madeUpTitle(random, TITLE_WORDS, 1, 4), artist));
  for (const artist of [...Object.keys(KNOWN_ALBUMS), ...OTHER_REAL_ARTISTS]) {
    for (let i = random.int(1, 4); i > 0 && albums.length < count; i--) add(artist, generatedAlbumTitle(random), random.int(1965, 2024), generatedTracks(artist));
  }
  while (albums.length < count) {
    const artist = madeUpArtist(random);
    for (let i = random.int(1, 5); i > 0 && albums.length < count; i--) add(artist, generatedAlbumTitle(random), random.int(1970, 2024), generatedTracks(artist));
  }
  return albums;
}

function generatedAlbumTitle(random: Random): string {
  const title = random.chance(0.15) ? madeUpWord(random) : madeUpTitle(random, TITLE_WORDS, 1, 4);
  return random.chance(0.08) ? `${title} (${random.pick(ALBUM_EDITIONS)})` : title;
}

function decorateTrack(random: Random, title: string, artist: string): string {
  if (!random.chance(0.12)) return title;
  const decoration = random
    .pick(TRACK_DECORATIONS)
    .replace('{venue}', random.pick(VENUES))
    .replace('{year}', String(random.int(1975, 2023)))
    .replace('{dj}', random.pick(DJS))
    .replace('{artist}', random.pick(OTHER_REAL_ARTISTS.filter((other) => other !== artist)));
  return `${title} (${decoration})`;
}

/** Known albums keep the top ranks; the generated rest is shuffled so rank is not generation order. */
function albumUnits(random: Random, albums: Album[]): AlbumUnit[] {
  const knownCount = Object.values(KNOWN_ALBUMS).reduce((sum, list) => sum + list.length, 0);
  const units: AlbumUnit[] = [];
  const formatsOf = (album: Album): AudioFormat[] => {
    const formats: AudioFormat[] = ['mp3'];
    if (album.id < knownCount || random.chance(0.3)) formats.push('flac');
    if (random.chance(0.06)) formats.push(random.pick(['m4a', 'ogg', 'opus'] as const));
    return formats;
  };
  for (const album of albums) {
    for (const format of formatsOf(album)) units.push({ kind: 'album', key: `album:${album.id}:${format}`, album, format });
  }
  const head = units.filter((unit) => unit.album.id < knownCount);
  return [...head, ...shuffle(random, units.filter((unit) => unit.album.id >= knownCount))];
}

function videoUnits(random: Random, movies: number, shows: number): VideoUnit[] {
  const units: VideoUnit[] = [];
  const titles: Array<[string, number]> = [...KNOWN_MOVIES];
  while (titles.length < movies) {
    const title = random.chance(0.4) ? `The ${madeUpTitle(random, TITLE_WORDS, 1, 2)}` : random.chance(0.3) ? madeUpWord(random) : madeUpTitle(random, TITLE_WORDS, 1, 3);
    titles.push([title, random.int(1950, 2024)]);
  }
  titles.forEach(([title, year], index) => {
    for (let i = random.int(1, 3); i > 0; i--) {
      const release = random.pick(RELEASES);
      units.push({ kind: 'movie', key: `movie:${index}:${release.quality}:${release.source}:${i}`, title, year, release, group: random.pick(RELEASE_GROUPS) });
    }
  });
  const showNames = [...KNOWN_SHOWS];
  while (showNames.length < shows) showNames.push(random.chance(0.5) ? `The ${madeUpWord(random)}` : madeUpTitle(random, TITLE_WORDS, 1, 3));
  showNames.forEach((show, index) => {
    for (let season = 1, seasons = random.int(1, 8); season <= seasons; season++) {
      const release = random.pick(RELEASES.slice(0, 6));
      units.push({ kind: 'season', key: `season:${index}:${season}`, show, season, episodes: random.int(6, 13), release, group: random.pick(RELEASE_GROUPS) });
    }
  });
  const knownTitles = new Set([...KNOWN_MOVIES.map(([title]) => title), ...KNOWN_SHOWS]);
  const isKnown = (unit: VideoUnit) => knownTitles.has(unit.kind === 'movie' ? unit.title : unit.show);
  return [...shuffle(random, units.filter(isKnown)), ...shuffle(random, units.filter((unit) => !isKnown(unit)))];
}

function softwareUnits(): SoftwareUnit[] {
  // Newest version first: it is the one most peers share.
  return SOFTWARE.flatMap(({ pattern, versions, mib }) =>
    [...versions].reverse().map((version) => ({ kind: 'software' as const, key: `software:${pattern}:${version}`, fileName: pattern.replace('{v}', version), mib })),
  ).sort((a, b) => versionRank(a.key) - versionRank(b.key));
}

function versionRank(key: string): number {
  const entry = SOFTWARE.find(({ pattern }) => key.startsWith(`software:${pattern}:`))!;
  return [...entry.versions].reverse().indexOf(key.slice(key.lastIndexOf(':') + 1));
}

function bookUnits(random: Random, count: number): BookUnit[] {
  const units: BookUnit[] = [];
  while (units.length < count) {
    const author = random.chance(0.2) ? random.pick(BOOK_AUTHORS) : `${madeUpWord(random)} ${madeUpWord(random)}`;
    const title = madeUpTitle(random, BOOK_TITLE_WORDS, 2, 5);
    const format = random.weighted(BOOK_FORMATS);
    units.push({ kind: 'book', key: `book:${units.length}:${format}`, author, title, year: random.int(1900, 2024), format });
  }
  return units;
}

function shuffle<T>(random: Random, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}
