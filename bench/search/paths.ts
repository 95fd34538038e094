import { type Random } from './prng.js';

/** What a file system would accept in one path segment: no separators, no reserved characters. */
export function segment(text: string): string {
  const cleaned = text
    .replace(/[/\\]/g, '_')
    .replace(/[:*?"<>|]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[. ]+$/, '');
  return cleaned === '' || cleaned === '.' || cleaned === '..' ? '_' : cleaned;
}

/** "The Matrix" → "The.Matrix", the way release names are written. */
export function dotted(text: string): string {
  return segment(text)
    .replace(/['’!,&()]/g, '')
    .replace(/\s+/g, '.')
    .replace(/\.{2,}/g, '.');
}

export function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** Fills {date} {time} {isodate} {dottime} {ms} {year} {mm} {q} {n1}..{n7} from one random moment. */
export function fillTemplate(template: string, random: Random, extra: Record<string, string> = {}): string {
  const year = random.int(2008, 2025);
  const month = random.int(1, 12);
  const day = random.int(1, 28);
  const hour = random.int(0, 23);
  const minute = random.int(0, 59);
  const second = random.int(0, 59);
  const date = `${year}${pad(month, 2)}${pad(day, 2)}`;
  const values: Record<string, string> = {
    date,
    time: `${pad(hour, 2)}${pad(minute, 2)}${pad(second, 2)}`,
    isodate: `${year}-${pad(month, 2)}-${pad(day, 2)}`,
    dottime: `${pad(hour, 2)}.${pad(minute, 2)}.${pad(second, 2)}`,
    ms: pad(random.int(0, 999), 3),
    year: String(year),
    mm: pad(month, 2),
    q: String(random.int(1, 4)),
    n1: String(random.int(1, 9)),
    n3: pad(random.int(1, 999), 3),
    n4: pad(random.int(1, 9999), 4),
    n5: pad(random.int(1, 99999), 5),
    n7: pad(random.int(1, 9_999_999), 7),
    ...extra,
  };
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}

/** A number in [low, high) taken from a content hash, so a content's size is the same everywhere. */
export function fromHash(sha256: string, low: number, high: number, offset = 0): number {
  const unit = parseInt(sha256.slice(offset, offset + 8), 16) / 2 ** 32;
  return low + unit * (high - low);
}
