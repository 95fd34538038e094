import { fileExtension } from '#contracts';
import { type AlbumUnit, type BookUnit, type Catalog, type MovieUnit, type RankedUnits, type SeasonUnit, type Track } from './catalog.js';
import { dotted, fillTemplate, fromHash, pad, segment } from './paths.js';
import { contentHash, type Random } from './prng.js';
import { ARCHIVE_NAMES, DOCUMENT_NAMES, FIRST_NAMES, PHOTO_NAMES } from './vocabulary/other.js';
import { EVENTS, HOME_VIDEO_NAMES } from './vocabulary/video.js';

/** One entry of a generated share list, in the shape of the protocol's FileEntry. */
export interface LibraryFile {
  path: string;
  size: number;
  sha256: string;
  mtime: number;
  pieceRoot: string | null;
  /** content only this peer has (photos, documents, backups): a search for it finds this list */
  personal: boolean;
}

type ItemKind = 'album' | 'single' | 'video' | 'homeVideo' | 'photo' | 'book' | 'doc' | 'software' | 'backup' | 'misc';

/** What kinds of things a peer shares, as weights per item (an album is a dozen files, a photo one). */
const PROFILES: Record<string, { weight: number; items: Partial<Record<ItemKind, number>> }> = {
  general: { weight: 0.45, items: { album: 3, single: 6, video: 1.3, homeVideo: 0.5, photo: 25, book: 3, doc: 6, software: 2, backup: 0.7, misc: 1.5 } },
  audiophile: { weight: 0.3, items: { album: 6, single: 8, video: 0.2, photo: 3, book: 0.5, doc: 1, software: 0.5, misc: 0.5 } },
  cinephile: { weight: 0.1, items: { video: 8, album: 1, single: 2, photo: 3, book: 0.5, doc: 1, software: 1, misc: 0.5 } },
  office: { weight: 0.15, items: { photo: 40, doc: 10, homeVideo: 1.5, single: 1, album: 0.3, book: 1, software: 0.5, backup: 1 } },
};

const BYTES_PER_SECOND: Record<AlbumUnit['format'], [number, number]> = {
  mp3: [24_000, 40_000],
  flac: [90_000, 130_000],
  m4a: [28_000, 33_000],
  ogg: [20_000, 32_000],
  opus: [14_000, 20_000],
};

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;
const MTIME_FROM = Date.UTC(2005, 0, 1);
const MTIME_TO = Date.UTC(2025, 5, 1);

/**
 * Builds one peer's share list: a profile and a folder layout for the peer, then items (albums,
 * films, photos...) until the list has `size` files. Catalog content gets its catalog hash;
 * personal files (photos, documents, backups) get hashes no one else has.
 */
export function buildLibrary(catalog: Catalog, random: Random, owner: string, size: number): LibraryFile[] {
  const builder = new LibraryBuilder(catalog, random, owner);
  const profile = PROFILES[random.weighted(Object.fromEntries(Object.entries(PROFILES).map(([name, p]) => [name, p.weight])))]!;
  const itemWeights = profile.items as Record<ItemKind, number>;
  while (builder.files.length < size) builder.addItem(random.weighted(itemWeights));
  return builder.files.slice(0, size);
}

class LibraryBuilder {
  readonly files: LibraryFile[] = [];
  private readonly paths = new Set<string>();
  private readonly units = new Set<string>();
  private personal = 0;
  private readonly reportsPieces: boolean;
  private readonly musicRoot: string;
  private readonly musicLayout: 'byArtist' | 'release' | 'plain';
  private readonly tidyMovies: boolean;

  constructor(
    private readonly catalog: Catalog,
    private readonly random: Random,
    private readonly owner: string,
  ) {
    this.reportsPieces = random.chance(0.6);
    this.musicRoot = random.pick(['Music', 'Music', 'My Music', 'Shared/Music', 'mp3', 'Musik']);
    this.musicLayout = random.pick(['byArtist', 'byArtist', 'release', 'plain'] as const);
    this.tidyMovies = random.chance(0.35);
  }

  addItem(kind: ItemKind): void {
    switch (kind) {
      case 'album': return this.addAlbum(this.draw(this.catalog.music));
      case 'single': return this.addSingles(this.draw(this.catalog.music));
      case 'video': return this.addVideoUnit(this.draw(this.catalog.video));
      case 'book': return this.addBook(this.draw(this.catalog.books));
      case 'software': {
        const unit = this.draw(this.catalog.software);
        return this.add(`${this.random.pick(['Software', 'Downloads', 'ISO', 'Programs'])}/${unit.fileName}`, unit.key, (s) => fromHash(s, unit.mib[0], unit.mib[1]) * MIB);
      }
      case 'photo': return this.addPersonal(fillTemplate(this.random.pick(PHOTO_NAMES), this.random, { event: this.random.pick(EVENTS) }), this.random.pick(['Pictures', 'DCIM/Camera', 'Photos', 'Bilder']), 150_000, 9_000_000);
      case 'homeVideo': return this.addPersonal(fillTemplate(this.random.pick(HOME_VIDEO_NAMES), this.random, { event: this.random.pick(EVENTS) }), 'Videos', 20 * MIB, 2 * GIB);
      case 'doc': return this.addPersonal(fillTemplate(this.random.pick(DOCUMENT_NAMES), this.random, { name: this.random.pick(FIRST_NAMES), event: this.random.pick(EVENTS) }), this.random.pick(['Documents', 'Documents/Work', 'Dokumente', 'Papers']), 8_000, 6 * MIB);
      case 'backup': return this.addPersonal(fillTemplate(this.random.pick(ARCHIVE_NAMES), this.random, { event: this.random.pick(EVENTS) }), 'Backups', MIB, 4 * GIB);
      case 'misc': return this.addPersonal(this.random.pick(['Thumbs.db', 'desktop.ini', '.DS_Store', 'playlist.m3u', 'favourites.m3u8', 'setup.exe', 'license.key', 'notes']), this.random.pick(['', 'Shared', 'Downloads', 'Misc']), 100, 200_000);
    }
  }

  /** Popular units are drawn most; a peer shares each unit once, so a repeat draws again. */
  private draw<T extends { key: string }>(ranked: RankedUnits<T>): T {
    for (let attempt = 0; attempt < 40; attempt++) {
      const unit = attempt < 8 ? ranked.units[ranked.sampler.sample(this.random)]! : this.random.pick(ranked.units);
      if (!this.units.has(unit.key)) {
        this.units.add(unit.key);
        return unit;
      }
    }
    return this.random.pick(ranked.units);
  }

  private addAlbum(unit: AlbumUnit): void {
    const { album, format } = unit;
    const folder = this.albumFolder(unit);
    const partial = this.random.chance(0.15);
    const from = partial ? this.random.int(0, album.tracks.length - 1) : 0;
    const to = partial ? this.random.int(from, album.tracks.length - 1) : album.tracks.length - 1;
    for (const track of album.tracks.slice(from, to + 1)) {
      this.add(`${folder}/${segment(this.trackName(unit, track))}.${format}`, `${unit.key}:${track.number}`, (s) => trackSize(track, format, s));
    }
    if (this.random.chance(0.6)) this.add(`${folder}/${this.random.pick(['cover.jpg', 'folder.jpg', 'Cover.png', 'front.jpg'])}`, `cover:${album.id}`, (s) => fromHash(s, 40_000, 2_500_000));
    if (format === 'flac' && this.random.chance(0.4)) {
      this.add(`${folder}/${segment(`${album.artist} - ${album.title}`)}.cue`, `${unit.key}:cue`, (s) => fromHash(s, 800, 4_000));
      this.add(`${folder}/${segment(`${album.artist} - ${album.title}`)}.log`, `${unit.key}:log`, (s) => fromHash(s, 3_000, 12_000));
    }
  }

  /** A few tracks of an album, taken out and named "Artist - Title.mp3": the same content as the album's. */
  private addSingles(unit: AlbumUnit): void {
    const { album, format } = unit;
    const folder = this.random.pick([this.musicRoot, `${this.musicRoot}/Singles`, 'Downloads', 'Shared']);
    const picked = new Set<Track>();
    // The first tracks of an album are the hits: log-normal positions favour them.
    for (let count = this.random.int(1, 3); count > 0; count--) picked.add(album.tracks[Math.floor(this.random.logNormal(0, 1.2)) % album.tracks.length]!);
    for (const track of picked) {
      this.add(`${folder}/${segment(`${album.artist} - ${track.title}`)}.${format}`, `${unit.key}:${track.number}`, (s) => trackSize(track, format, s));
    }
  }

  private albumFolder({ album, format }: AlbumUnit): string {
    switch (this.musicLayout) {
      case 'byArtist': return `${this.musicRoot}/${segment(album.artist)}/${album.year} - ${segment(album.title)}`;
      case 'release': return `${this.musicRoot}/${segment(`${album.artist} - ${album.title} (${album.year}) [${format.toUpperCase()}]`)}`;
      case 'plain': return `${this.musicRoot}/${segment(album.artist)}/${segment(album.title)}`;
    }
  }

  private trackName({ album }: AlbumUnit, track: Track): string {
    switch (this.musicLayout) {
      case 'byArtist': return `${pad(track.number, 2)} - ${track.title}`;
      case 'release': return `${pad(track.number, 2)}. ${album.artist} - ${track.title}`;
      case 'plain': return `${track.number} ${track.title}`;
    }
  }

  private addVideoUnit(unit: MovieUnit | SeasonUnit): void {
    if (unit.kind === 'movie') this.addMovie(unit);
    else this.addSeason(unit);
  }

  private addMovie(unit: MovieUnit): void {
    const { title, year, release, group } = unit;
    const base = this.tidyMovies
      ? `Movies/${segment(`${title} (${year})`)}/${segment(`${title} (${year}) ${release.quality}`)}`
      : `Movies/${dotted(title)}.${year}.${release.quality}.${release.source}.${release.codec}-${group}`;
    this.add(`${base}.${release.container}`, unit.key, (s) => fromHash(s, release.gib[0], release.gib[1]) * GIB);
    if (this.random.chance(0.3)) this.add(`${base}.${this.random.pick(['en.srt', 'srt', 'eng.srt'])}`, `${unit.key}:srt`, (s) => fromHash(s, 40_000, 140_000));
    if (this.random.chance(0.15)) this.add(`${base}.nfo`, `${unit.key}:nfo`, (s) => fromHash(s, 1_000, 9_000));
  }

  private addSeason(unit: SeasonUnit): void {
    const { show, season, episodes, release, group } = unit;
    const all = this.random.chance(0.7);
    for (let episode = 1; episode <= episodes; episode++) {
      if (!all && this.random.chance(0.5)) continue;
      const name = `${dotted(show)}.S${pad(season, 2)}E${pad(episode, 2)}.${release.quality}.${release.source}.${release.codec}-${group}.${release.container}`;
      this.add(`TV/${segment(show)}/Season ${season}/${name}`, `${unit.key}:${episode}`, (s) => (fromHash(s, release.gib[0], release.gib[1]) * GIB) / 8);
    }
  }

  private addBook(unit: BookUnit): void {
    const path = this.random.chance(0.6)
      ? `${this.random.pick(['Books', 'eBooks', 'Calibre Library'])}/${segment(`${unit.author} - ${unit.title} (${unit.year})`)}.${unit.format}`
      : `eBooks/${segment(unit.author)}/${segment(unit.title)}.${unit.format}`;
    this.add(path, unit.key, (s) => fromHash(s, 200_000, unit.format === 'pdf' || unit.format === 'djvu' ? 40 * MIB : 6 * MIB));
  }

  private addPersonal(name: string, folder: string, minSize: number, maxSize: number): void {
    const key = `personal:${this.owner}:${this.personal++}`;
    this.add(folder ? `${folder}/${segment(name)}` : segment(name), key, (s) => fromHash(s, minSize, maxSize), true);
  }

  private add(path: string, key: string, sizeOf: (sha256: string) => number, personal = false): void {
    const sha256 = contentHash(`${this.catalog.seed}:${key}`);
    this.files.push({
      path: this.uniquePath(path),
      size: Math.round(sizeOf(sha256)),
      sha256,
      mtime: Math.floor(MTIME_FROM + this.random.next() * (MTIME_TO - MTIME_FROM)),
      pieceRoot: this.reportsPieces ? contentHash(`${this.catalog.seed}:${key}:pieces`) : null,
      personal,
    });
  }

  /** Two items may want the same path ("cover.jpg" in one folder): name the second "cover (2).jpg". */
  private uniquePath(path: string): string {
    let candidate = path;
    for (let copy = 2; this.paths.has(candidate); copy++) {
      const name = path.slice(path.lastIndexOf('/') + 1);
      const ext = fileExtension(name);
      candidate = ext ? `${path.slice(0, path.length - ext.length - 1)} (${copy}).${ext}` : `${path} (${copy})`;
    }
    this.paths.add(candidate);
    return candidate;
  }
}

function trackSize(track: Track, format: AlbumUnit['format'], sha256: string): number {
  const [low, high] = BYTES_PER_SECOND[format];
  return track.seconds * fromHash(sha256, low, high);
}
