import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
/** Suffixes the exposition format reserves for the series of histograms, summaries and counters. */
const RESERVED_SUFFIXES = ['_total', '_bucket', '_count', '_sum', '_created'];

/**
 * The naming rules `promtool check metrics` applies, checked on the parsed exposition so the
 * check runs where promtool is not installed: HELP and TYPE on every family, counters end in
 * `_total`, nothing else does (nor ends in another suffix reserved for generated series), valid
 * names, each family once. Returns the problems found (empty when the exposition is clean).
 */
export function lintExposition(text: string): string[] {
  const problems: string[] = [];
  const declared = new Map<string, { help: boolean; type: boolean }>();
  for (const line of text.split('\n')) {
    const match = /^# (HELP|TYPE) (\S+)/.exec(line);
    if (!match) continue;
    const entry = declared.get(match[2]!) ?? { help: false, type: false };
    if (entry[match[1] === 'HELP' ? 'help' : 'type']) problems.push(`${match[2]}: ${match[1]} appears twice`);
    entry[match[1] === 'HELP' ? 'help' : 'type'] = true;
    declared.set(match[2]!, entry);
  }
  for (const family of parsePrometheusTextFormat(text)) {
    const { name, type } = family;
    const seen = declared.get(name);
    if (!seen?.help || !family.help.trim()) problems.push(`${name}: no HELP text`);
    if (!seen?.type) problems.push(`${name}: no TYPE line`);
    if (!METRIC_NAME.test(name)) problems.push(`${name}: not a valid metric name`);
    if (type === 'COUNTER' && !name.endsWith('_total')) problems.push(`${name}: a counter's name must end in _total`);
    if (type !== 'COUNTER') {
      const suffix = RESERVED_SUFFIXES.find((reserved) => name.endsWith(reserved));
      if (suffix) problems.push(`${name}: a ${type.toLowerCase()} must not end in ${suffix}`);
    }
  }
  return problems;
}

/** promtool's own verdict on an exposition, or undefined when promtool is not installed. */
export async function promtoolCheck(text: string): Promise<{ code: number; output: string } | undefined> {
  const dir = await mkdtemp(join(tmpdir(), 'peerdex-metrics-'));
  const file = join(dir, 'metrics.txt');
  await writeFile(file, text);
  try {
    return await new Promise((resolve) => {
      // promtool reads the exposition on stdin: `promtool check metrics < file`.
      const child = execFile('sh', ['-c', 'command -v promtool >/dev/null || exit 127; promtool check metrics < "$1"', 'sh', file], (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve(code === 127 ? undefined : { code, output: `${stdout}${stderr}` });
      });
      child.stdin?.end();
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
