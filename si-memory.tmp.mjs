// Quick check (not committed): RSS per file of the in-memory index, seeded directly from the bench corpus.
import { fileExtension, fileName, fileType, nameWords } from '#contracts';
const { MemoryIndex } = await import(process.cwd() + '/dist/apps/server/src/search/memory-index/memory-index.js');
const { createCorpus, DEFAULT_CORPUS } = await import(process.cwd() + '/dist/bench/search/corpus.js');
const files = Number(process.argv[2] ?? 1_000_000);
const sessions = Math.max(1, Math.round(files / 100));
const corpus = createCorpus({ ...DEFAULT_CORPUS, files, sessions });
const mib = (n) => (n / 1024 / 1024).toFixed(0);
gc(); gc();
const base = process.memoryUsage();
const index = new MemoryIndex(30_000);
const started = Date.now();
for (const session of corpus.sessions()) {
  index.putSession({ id: session.sessionId, userId: session.userId, username: session.username, usernameKey: session.username, firewalled: session.firewalled, connectedAt: 0, lastSeenAt: Date.now() + 1e9 });
  index.replaceList(session.listId, session.sessionId, session.files.map((f) => {
    const name = fileName(f.path); const ext = fileExtension(name);
    return { path: f.path, name, words: [...new Set(nameWords(name))], size: f.size, sha256: f.sha256, ext, type: fileType(ext), pieceRoot: f.pieceRoot };
  }));
}
const loadMs = Date.now() - started;
gc(); gc();
const after = process.memoryUsage();
console.log(JSON.stringify({ files: index.fileCount, loadMs, rssBaseMiB: mib(base.rss), rssMiB: mib(after.rss), heapMiB: mib(after.heapUsed - base.heapUsed),
  externalMiB: mib(after.external + after.arrayBuffers - base.external - base.arrayBuffers),
  rssBytesPerFile: Math.round((after.rss - base.rss) / index.fileCount), heapBytesPerFile: Math.round((after.heapUsed - base.heapUsed) / index.fileCount) }));
for (const q of ['mp3', 'the', 'love', 'radiohead', 'live', 'jpg 2019', 'im', 'st', 'ma', 'img', 'the love', 'dsc', 'lo ve']) {
  const words = q.split(' ').filter((w) => w.length > 1);
  for (let r = 0; r < 2; r++) {
    const t0 = process.hrtime.bigint();
    const c = index.candidates({ include: words, exclude: [], exts: [], limit: 200 }, 20_000);
    if (r === 1) console.log(q, c.length, (Number(process.hrtime.bigint() - t0) / 1e6).toFixed(2), 'ms');
  }
}
