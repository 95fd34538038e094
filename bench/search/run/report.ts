import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import type pg from 'pg';
import { QUERY_WEIGHTS, type QueryKind } from '../queries.js';
import { type IndexingResult } from './indexing.js';
import { type Measurement, summarize, type Summary } from './measure.js';

export interface TransportResult {
  name: string;
  measurement: Measurement;
}

export interface RunReport {
  title: string;
  settings: string[];
  transports: TransportResult[];
  indexing?: IndexingResult;
  environment: string[];
  command: string;
}

/** The product's targets (2 cores, 1M files), checked on the Socket.IO figures. */
export const TARGETS = { p50Ms: 10, p99Ms: 50, perSecond: 300, indexMs: 3_000 };

const ms = (value: number) => (Number.isNaN(value) ? '–' : value < 10 ? value.toFixed(2) : value.toFixed(1));
const ratio = (a: number, b: number) => (Number.isFinite(a / b) ? `${(a / b).toFixed(2)}×` : '–');

function table(header: string[], rows: string[][]): string[] {
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((row) => `| ${row.join(' | ')} |`)];
}

/** The results as markdown: printed by the run and written into docs/benchmarks.md. */
export function renderReport(report: RunReport): string {
  const lines = [`### ${report.title}`, '', ...report.settings.map((s) => `- ${s}`), ''];
  const summaries = report.transports.map((t) => ({ name: t.name, all: summarize(t.measurement), measurement: t.measurement }));
  lines.push(
    ...table(
      ['transport', 'searches', 'errors', 'searches/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'no results'],
      summaries.map(({ name, all }) => [name, String(all.count), String(all.errors), all.perSecond.toFixed(0), ms(all.p50), ms(all.p95), ms(all.p99), ms(all.max), `${(100 * all.emptyShare).toFixed(0)}%`]),
    ),
    '',
  );
  const raw = summaries.find((s) => s.name.startsWith('raw'));
  const others = summaries.filter((s) => s !== raw);
  if (raw && others.length > 0) {
    lines.push(
      ...table(['ratio to raw SQL', 'p50', 'p95', 'p99', 'searches/s'], others.map(({ name, all }) => [`${name} / raw`, ratio(all.p50, raw.all.p50), ratio(all.p95, raw.all.p95), ratio(all.p99, raw.all.p99), ratio(all.perSecond, raw.all.perSecond)])),
      '',
    );
  }
  const kinds = Object.keys(QUERY_WEIGHTS) as QueryKind[];
  const byKind = (summary: Summary) => `${ms(summary.p50)} / ${ms(summary.p99)}`;
  lines.push(
    'p50 / p99 ms by kind of query:',
    '',
    ...table(
      ['kind', 'share of mix', ...summaries.map((s) => s.name)],
      kinds.map((kind) => [kind, `${((100 * summaries[0]!.measurement.samples.filter((s) => s.kind === kind).length) / Math.max(1, summaries[0]!.measurement.samples.length)).toFixed(0)}%`, ...summaries.map((s) => byKind(summarize(s.measurement, kind)))]),
    ),
    '',
  );
  if (report.indexing) {
    const i = report.indexing;
    lines.push(
      `Indexing one ${i.files.toLocaleString('en')}-file list over share:sync (${i.batches} batches, largest ${(i.largestBatchBytes / 1e6).toFixed(2)} MB of JSON): ` +
        `**${(i.indexMs / 1000).toFixed(2)} s** to the final acknowledgement (${Math.round(i.files / (i.indexMs / 1000)).toLocaleString('en')} files/s), ${i.rejected} entries rejected, live list of ${i.fileCount ?? '?'} files; ` +
        `then \`${i.probe.q}\` ${i.probe.found ? 'found' : 'did NOT find'} its file in ${ms(i.probe.searchMs)} ms (${i.probe.attempts} search${i.probe.attempts > 1 ? 'es' : ''}).`,
      '',
    );
  }
  const socket = summaries.find((s) => s.name.startsWith('Socket.IO'));
  if (socket) {
    const check = (ok: boolean) => (ok ? 'met' : '**missed**');
    lines.push(
      `Targets (Socket.IO, end to end): p50 ≤ ${TARGETS.p50Ms} ms ${check(socket.all.p50 <= TARGETS.p50Ms)}, p99 ≤ ${TARGETS.p99Ms} ms ${check(socket.all.p99 <= TARGETS.p99Ms)}, ` +
        `≥ ${TARGETS.perSecond} searches/s ${check(socket.all.perSecond >= TARGETS.perSecond)}` +
        (report.indexing ? `, 100,000-file list indexed in ≤ ${TARGETS.indexMs / 1000} s ${check(report.indexing.indexMs <= TARGETS.indexMs && report.indexing.probe.found)}.` : '.'),
      '',
    );
  }
  lines.push('Environment:', '', ...report.environment.map((e) => `- ${e}`), '', 'Command:', '', '```sh', report.command, '```');
  const errors = report.transports.flatMap((t) => t.measurement.errors.slice(0, 3).map((e) => `${t.name}: ${e}`));
  if (errors.length > 0) lines.push('', 'First errors:', '', ...errors.map((e) => `- ${e.slice(0, 300)}`));
  return lines.join('\n');
}

export async function describeEnvironment(pool: pg.Pool): Promise<string[]> {
  const { rows } = await pool.query<{ name: string; setting: string }>(
    `SELECT name, current_setting(name) AS setting FROM unnest(ARRAY['server_version', 'shared_buffers', 'work_mem', 'effective_cache_size', 'max_parallel_workers_per_gather', 'jit', 'synchronous_commit', 'autovacuum']) AS name`,
  );
  const cpus = os.cpus();
  return [
    `machine: ${os.availableParallelism()} cores (${cpus[0]?.model.trim() ?? 'unknown CPU'}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB memory, ${os.type()} ${os.release()}; Node ${process.version}`,
    `PostgreSQL: ${rows.map((r) => `${r.name} ${r.setting}`).join(', ')}`,
    'the benchmark client, the server and PostgreSQL share the machine (and its 2 cores with other work): compare ratios within a run rather than absolute times across runs',
  ];
}

const START = '<!-- search-bench:results:start -->';
const END = '<!-- search-bench:results:end -->';

/** Replaces the generated part of the `## Search` section; the hand-written part stays. */
export async function writeResults(path: string, markdown: string): Promise<void> {
  const current = await readFile(path, 'utf8').catch(() => '');
  const block = `${START}\n${markdown}\n${END}`;
  const from = current.indexOf(START);
  const to = current.indexOf(END);
  if (from >= 0 && to > from) {
    await writeFile(path, current.slice(0, from) + block + current.slice(to + END.length));
    return;
  }
  const base = current.trim() === '' ? '# Benchmarks\n' : current.trimEnd() + '\n';
  await writeFile(path, `${base}\n## Search\n\n${block}\n`);
}
