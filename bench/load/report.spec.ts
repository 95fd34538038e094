import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { addCounters, diffCounters, emptyCounters, percentile } from './protocol.js';
import { writeRuns } from './report.js';

describe('load benchmark bookkeeping', () => {
  it('adds the counters of several processes and takes what one step added', () => {
    const one = { ...emptyCounters(), sessionsReady: 3, handshakesFailed: { 401: 1 }, drops: { 'ping timeout': 2 } };
    const two = { ...emptyCounters(), sessionsReady: 4, syncsOk: 4, handshakesFailed: { 401: 2, timeout: 1 } };
    const total = addCounters([one, two]);
    expect(total).toMatchObject({ sessionsReady: 7, syncsOk: 4, handshakesFailed: { 401: 3, timeout: 1 }, drops: { 'ping timeout': 2 } });
    expect(diffCounters(total, one)).toEqual({ ...emptyCounters(), sessionsReady: 4, syncsOk: 4, handshakesFailed: { 401: 2, timeout: 1 } });
  });

  it('takes nearest-rank percentiles', () => {
    const samples = Array.from({ length: 100 }, (_, n) => 100 - n);
    expect(percentile(samples, 0.5)).toBe(50);
    expect(percentile(samples, 0.99)).toBe(99);
    expect(percentile([], 0.5)).toBeNaN();
  });

  it('replaces only its own block of docs/benchmarks.md, appending it the first time', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'load-report-')), 'benchmarks.md');
    await writeFile(path, '# Benchmarks\n\n## Load\n\nhand-written\n');
    await writeRuns(path, 'first');
    await writeFile(path, (await readFile(path, 'utf8')) + '\n## Later\n');
    await writeRuns(path, 'second');
    const text = await readFile(path, 'utf8');
    expect(text).toBe('# Benchmarks\n\n## Load\n\nhand-written\n\n<!-- load-bench:results:start -->\nsecond\n<!-- load-bench:results:end -->\n\n## Later\n');
  });
});
