import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { CORPUS_ARGS, corpusOptions, HELP_ARG, parseCli, print, wholeNumber } from './cli.js';
import { createCorpus } from './corpus.js';
import { corpusStats } from './corpus-stats.js';
import { Random } from './prng.js';

const USAGE = `Prints a sample of the generated corpus and its statistics (nothing is written anywhere).
  node dist/bench/search/corpus-report.js [--files N] [--sessions M] [--seed TEXT] [--sample K]`;

const { values } = parseCli(USAGE, () => parseArgs({ options: { ...CORPUS_ARGS, ...HELP_ARG, sample: { type: 'string', default: '40' } }, strict: true }));
if (values.help) {
  print(USAGE);
  process.exit(0);
}
const options = corpusOptions(values);
const started = performance.now();
const corpus = createCorpus(options);
const catalogMs = performance.now() - started;
const stats = corpusStats(corpus.sessions());
const totalMs = performance.now() - started;

print(`corpus seed "${options.seed}": ${stats.files.toLocaleString('en')} files over ${stats.sessions.toLocaleString('en')} sessions`);
print(`generated in ${(totalMs / 1000).toFixed(1)} s (catalog ${(catalogMs / 1000).toFixed(1)} s); ${(stats.totalBytes / 2 ** 40).toFixed(1)} TiB shared`);
print(`catalog: ${corpus.catalog.artists.length} artists, ${corpus.catalog.music.units.length} album releases, ${corpus.catalog.video.units.length} films/seasons, ${corpus.catalog.books.units.length} books, ${corpus.catalog.software.units.length} software`);
print(`files per session: min ${stats.librarySize.min}, median ${stats.librarySize.p50}, p90 ${stats.librarySize.p90}, p99 ${stats.librarySize.p99}, max ${stats.librarySize.max}`);
print(`types: ${Object.entries(stats.types).map(([type, count]) => `${type} ${((100 * count) / stats.files).toFixed(1)}%`).join(', ')}`);
print(`distinct content: ${stats.distinctContent.toLocaleString('en')}; shared by ≥10 sessions: ${stats.contentSharedBy.atLeast10}, by ≥100: ${stats.contentSharedBy.atLeast100}`);
print('most shared content:');
for (const top of stats.topContent) print(`  ${String(top.sources).padStart(5)} sessions  ${top.name} (${(top.size / 2 ** 20).toFixed(1)} MiB)`);
print(`distinct words: ${stats.distinctWords.toLocaleString('en')} (${stats.wordsInOneFile.toLocaleString('en')} in one file only); ${stats.wordsPerFile.toFixed(2)} distinct words per file`);
print(`commonest words (files): ${stats.topWords.map(({ word, files }) => `${word} ${files}`).join(', ')}`);
print(`non-ASCII names: ${stats.nonAsciiNames.toLocaleString('en')}, e.g. ${stats.nonAsciiExamples.join(' | ')}`);

const sampleSize = wholeNumber('--sample', values.sample, 0, 10_000);
print(`\nsample of ${sampleSize} paths:`);
const random = new Random(`${options.seed}:report`);
for (let i = 0; i < sampleSize; i++) {
  const session = corpus.session(random.int(0, options.sessions - 1));
  const file = random.pick(session.files);
  print(`  ${session.username.padEnd(22)} ${file.path}  [${file.size} B, ${file.sha256.slice(0, 12)}…]`);
}
