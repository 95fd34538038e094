import { describe, expect, it } from '@jest/globals';
import { bytesPerItem, median, overlap, percentile, ratio, summarizeRounds } from './stats.js';

const page = (hashes: string[], counts: number[] = hashes.map(() => 1)) => ({ hashes, sourceCounts: new Map(hashes.map((hash, i) => [hash, counts[i]!])) });

describe('the comparison maths', () => {
  it('takes nearest-rank percentiles and medians', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(values, 0.5)).toBe(50);
    expect(percentile(values, 0.99)).toBe(99);
    expect(percentile([7], 0.99)).toBe(7);
    expect(percentile([], 0.5)).toBeNaN();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('summarizes rounds as the median of each round figure', () => {
    const summary = summarizeRounds([
      { latencies: [1, 2, 3], errors: 0, elapsedMs: 1000, load: 1 },
      { latencies: [10, 20, 30, 40], errors: 1, elapsedMs: 1000, load: 1 },
      { latencies: [2, 4], errors: 0, elapsedMs: 500, load: 1 },
    ]);
    expect(summary.p50).toBe(2);
    expect(summary.perSecond).toBe(4);
    expect(summary.perSecondRange).toEqual([3, 4]);
    expect(summary.searches).toBe(9);
    expect(summary.errors).toBe(1);
  });

  it('measures top-k overlap against the reference and whether source counts agree', () => {
    const result = overlap(
      ['a', 'b', 'c', 'd'],
      [page(['x', 'y']), page(['x', 'z'], [1, 1]), page([]), page(['q'])],
      [page(['y', 'x']), page(['x', 'y'], [2, 1]), page([]), page([])],
    );
    expect(result.queries).toBe(4);
    expect(result.identical).toBe(2);
    expect(result.meanShare).toBeCloseTo((1 + 0.5 + 1 + 0) / 4);
    expect(result.sameSourceCount).toBeCloseTo(2 / 3);
    expect(result.differing).toEqual(['b', 'd']);
    // Counts above the protocol's cap of 25 agree: a server may count exactly.
    expect(overlap(['a'], [page(['x'], [40])], [page(['x'], [25])]).sameSourceCount).toBe(1);
    expect(overlap(['a'], [page(['x'], [24])], [page(['x'], [25])]).sameSourceCount).toBe(0);
  });

  it('writes ratios and bytes per item', () => {
    expect(ratio(3, 2)).toBe('1.50×');
    expect(ratio(1, 0)).toBe('–');
    expect(bytesPerItem(1_500, 500, 10)).toBe(100);
    expect(bytesPerItem(1_500, 500, 0)).toBeNaN();
  });
});
