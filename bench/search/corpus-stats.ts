import { fileExtension, fileName, fileType, nameWords, type FileType } from '#contracts';
import { type SeedSession } from './corpus.js';

/** Figures that show whether a generated corpus looks like a real directory. */
export interface CorpusStats {
  files: number;
  sessions: number;
  totalBytes: number;
  librarySize: { min: number; p50: number; p90: number; p99: number; max: number };
  types: Record<FileType, number>;
  distinctContent: number;
  /** most widely shared content: sessions sharing it, and one of its names */
  topContent: Array<{ sources: number; name: string; size: number }>;
  contentSharedBy: { atLeast10: number; atLeast100: number };
  distinctWords: number;
  wordsPerFile: number;
  /** words by the number of files containing them */
  topWords: Array<{ word: string; files: number }>;
  wordsInOneFile: number;
  nonAsciiNames: number;
  nonAsciiExamples: string[];
}

export function corpusStats(sessions: Iterable<SeedSession>): CorpusStats {
  const types: Record<FileType, number> = { audio: 0, video: 0, image: 0, document: 0, archive: 0, other: 0 };
  const sources = new Map<string, { sessions: number; lastSession: number; name: string; size: number }>();
  const wordFiles = new Map<string, number>();
  const sizes: number[] = [];
  const nonAsciiExamples = new Set<string>();
  let files = 0;
  let totalBytes = 0;
  let wordCount = 0;
  let nonAsciiNames = 0;
  for (const session of sessions) {
    sizes.push(session.files.length);
    for (const file of session.files) {
      files++;
      totalBytes += file.size;
      const name = fileName(file.path);
      types[fileType(fileExtension(name))]++;
      const content = sources.get(file.sha256);
      if (!content) sources.set(file.sha256, { sessions: 1, lastSession: session.index, name, size: file.size });
      else if (content.lastSession !== session.index) {
        content.sessions++;
        content.lastSession = session.index;
      }
      const words = new Set(nameWords(name));
      wordCount += words.size;
      for (const word of words) wordFiles.set(word, (wordFiles.get(word) ?? 0) + 1);
      // eslint-disable-next-line no-control-regex
      if (/[^\u0000-\u007f]/.test(name)) {
        nonAsciiNames++;
        if (nonAsciiExamples.size < 12 && nonAsciiExamples.size * 500 < nonAsciiNames) nonAsciiExamples.add(name);
      }
    }
  }
  sizes.sort((a, b) => a - b);
  const at = (q: number) => sizes[Math.min(sizes.length - 1, Math.floor(q * sizes.length))] ?? 0;
  const content = [...sources.values()];
  return {
    files,
    sessions: sizes.length,
    totalBytes,
    librarySize: { min: sizes[0] ?? 0, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sizes[sizes.length - 1] ?? 0 },
    types,
    distinctContent: sources.size,
    topContent: content
      .sort((a, b) => b.sessions - a.sessions)
      .slice(0, 10)
      .map(({ sessions: count, name, size }) => ({ sources: count, name, size })),
    contentSharedBy: { atLeast10: content.filter((c) => c.sessions >= 10).length, atLeast100: content.filter((c) => c.sessions >= 100).length },
    distinctWords: wordFiles.size,
    wordsPerFile: files === 0 ? 0 : wordCount / files,
    topWords: [...wordFiles.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 25)
      .map(([word, count]) => ({ word, files: count })),
    wordsInOneFile: [...wordFiles.values()].filter((count) => count === 1).length,
    nonAsciiNames,
    nonAsciiExamples: [...nonAsciiExamples],
  };
}
