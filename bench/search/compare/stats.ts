/** Report maths of the comparison: percentiles, medians over rounds, ratios, top-20 overlap. */

/** Nearest-rank percentile of unsorted values; NaN for none. */
export function percentile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** One round of one contestant: its latencies and how long it ran. */
export interface Round {
  latencies: number[];
  errors: number;
  elapsedMs: number;
  /** 1-minute load average of the machine when the round ended */
  load: number;
}

export interface RoundSummary {
  /** medians over rounds of each round's own figure */
  p50: number;
  p99: number;
  perSecond: number;
  searches: number;
  errors: number;
  /** the lowest and highest round throughput: how much rounds moved */
  perSecondRange: [number, number];
}

export function summarizeRounds(rounds: Round[]): RoundSummary {
  const perSecond = rounds.map((round) => (round.latencies.length / round.elapsedMs) * 1000);
  return {
    p50: median(rounds.map((round) => percentile(round.latencies, 0.5))),
    p99: median(rounds.map((round) => percentile(round.latencies, 0.99))),
    perSecond: median(perSecond),
    searches: rounds.reduce((sum, round) => sum + round.latencies.length, 0),
    errors: rounds.reduce((sum, round) => sum + round.errors, 0),
    perSecondRange: [Math.min(...perSecond), Math.max(...perSecond)],
  };
}

/** a / b as "1.23×"; "–" when either is missing. */
export function ratio(a: number, b: number): string {
  const value = a / b;
  return Number.isFinite(value) ? `${value.toFixed(2)}×` : '–';
}

export interface TopPage {
  hashes: string[];
  /** sourceCount per hash, as the contestant reported it */
  sourceCounts: Map<string, number>;
}

export interface Overlap {
  queries: number;
  /** mean over queries of |ours ∩ theirs| / |theirs| (1 when both are empty) */
  meanShare: number;
  /** queries whose top-k hash sets are equal */
  identical: number;
  /** hashes in both with the same sourceCount (counted up to `cap`), over hashes in both */
  sameSourceCount: number;
  /** the queries that differ, for the report */
  differing: string[];
}

/**
 * How much of `reference`'s top-k a contestant returned, query by query. The order inside the
 * top-k is not compared: ties (same match, same capped source count) are broken by hash in the
 * protocol, so equal sets with equal counts mean equal order.
 */
export function overlap(labels: string[], ours: TopPage[], reference: TopPage[], k = 20, cap = 25): Overlap {
  let share = 0;
  let identical = 0;
  let both = 0;
  let sameCount = 0;
  const differing: string[] = [];
  labels.forEach((label, index) => {
    const a = new Set(ours[index]!.hashes.slice(0, k));
    const b = reference[index]!.hashes.slice(0, k);
    const common = b.filter((hash) => a.has(hash));
    share += b.length === 0 ? (a.size === 0 ? 1 : 0) : common.length / b.length;
    if (common.length === b.length && a.size === b.length) identical++;
    else differing.push(label);
    for (const hash of common) {
      both++;
      // The protocol lets a server count sources exactly instead of up to 25: compare up to the cap.
      if (Math.min(cap, ours[index]!.sourceCounts.get(hash)!) === Math.min(cap, reference[index]!.sourceCounts.get(hash)!)) sameCount++;
    }
  });
  return { queries: labels.length, meanShare: labels.length === 0 ? NaN : share / labels.length, identical, sameSourceCount: both === 0 ? NaN : sameCount / both, differing };
}

/** Bytes per item of the memory beyond a baseline; NaN without items. */
export function bytesPerItem(rss: number, baselineRss: number, items: number): number {
  return items > 0 ? (rss - baselineRss) / items : NaN;
}
