import { readFile, writeFile } from 'node:fs/promises';
import type { Latency, StepResult } from './steps.js';

export interface TargetRun {
  name: string;
  steps: StepResult[];
  /** errors the server logged during the run, by message */
  errors: Record<string, number>;
}

const ms = (value: number) => (Number.isNaN(value) ? '–' : value < 10 ? value.toFixed(1) : Math.round(value).toLocaleString('en-US'));
const pair = (latency: Latency) => `${ms(latency.p50)} / ${ms(latency.p99)}${latency.failed ? ` (${latency.failed} failed)` : ''}`;
const counts = (map: Record<string, number>) =>
  Object.entries(map)
    .map(([key, value]) => `${value} ${key}`)
    .join(', ') || '0';

/** One table per target, one row per step. */
export function renderRuns(runs: TargetRun[], header: string[]): string {
  const lines = [...header, ''];
  for (const run of runs) {
    lines.push(
      `**${run.name}**`,
      '',
      '| sessions | connect s | handshake ms p50 / p99 | handshakes 503 (retried) / failed | syncs ok / 503 (retried) / failed | sync ms p50 / p99 | /health ms while connecting | /health ms held | search ms p50 / p99 (n) | dropped |',
      '|---|---|---|---|---|---|---|---|---|---|',
    );
    for (const step of run.steps) {
      const c = step.counters;
      lines.push(
        `| ${step.open.toLocaleString('en-US')} of ${step.target.toLocaleString('en-US')}${step.completed ? '' : ' (step timed out)'} ` +
          `| ${step.connectSeconds.toFixed(1)} | ${pair(step.handshake)} | ${c.handshakesRefused503} / ${counts(c.handshakesFailed)} ` +
          `| ${c.syncsOk} / ${c.syncsRefused503} / ${counts(c.syncsFailed)} | ${pair(step.sync)} ` +
          `| ${pair(step.healthWhileConnecting)} | ${pair(step.healthHeld)} | ${pair(step.search)} (${step.search.count}) | ${counts(c.drops)} |`,
      );
    }
    const errors = Object.entries(run.errors);
    lines.push('', `Errors the server logged: ${errors.length === 0 ? 'none' : errors.map(([message, n]) => `${n} × "${message}"`).join('; ')}.`, '');
  }
  return lines.join('\n');
}

const START = '<!-- load-bench:results:start -->';
const END = '<!-- load-bench:results:end -->';

/** Puts the results between the markers in docs/benchmarks.md (added at the end the first time). */
export async function writeRuns(path: string, markdown: string): Promise<void> {
  const current = await readFile(path, 'utf8');
  const block = `${START}\n${markdown}\n${END}`;
  const [before, rest] = current.includes(START) ? current.split(START) : [current.trimEnd() + '\n\n', END];
  const after = rest!.slice(rest!.indexOf(END) + END.length);
  await writeFile(path, `${before}${block}${after.startsWith('\n') ? after : `\n${after}`}`);
}
