import { performance } from 'node:perf_hooks';
import { type BenchQuery, type QueryKind } from '../queries.js';

/** One transport's way of running a query; resolves to the number of results. */
export type Execute = (query: BenchQuery) => Promise<number>;

export interface Sample {
  kind: QueryKind;
  ms: number;
  results: number;
}

export interface Measurement {
  samples: Sample[];
  errors: string[];
  /** time spent measuring, summed over rounds */
  elapsedMs: number;
}

export interface LoadShape {
  concurrency: number;
  durationMs: number;
  /** a bound on requests per call, so a fast transport cannot run away */
  maxRequests: number;
}

/**
 * A closed loop: `concurrency` workers each send a query, wait for its answer, send the next.
 * Queries are taken in order from the mix, starting at `offset`, so every transport and every
 * round runs the same sequence. Stops after durationMs or maxRequests.
 */
export async function runLoad(queries: BenchQuery[], execute: Execute, shape: LoadShape, offset = 0): Promise<Measurement> {
  const samples: Sample[] = [];
  const errors: string[] = [];
  let next = offset;
  let sent = 0;
  const started = performance.now();
  const deadline = started + shape.durationMs;
  const worker = async () => {
    while (performance.now() < deadline && sent < shape.maxRequests) {
      sent++;
      const query = queries[next++ % queries.length]!;
      const begin = performance.now();
      try {
        const results = await execute(query);
        samples.push({ kind: query.kind, ms: performance.now() - begin, results });
      } catch (error) {
        errors.push(`${query.kind} ${JSON.stringify(query.input)}: ${(error as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: shape.concurrency }, worker));
  return { samples, errors, elapsedMs: performance.now() - started };
}

export function merge(measurements: Measurement[]): Measurement {
  return {
    samples: measurements.flatMap((m) => m.samples),
    errors: measurements.flatMap((m) => m.errors),
    elapsedMs: measurements.reduce((sum, m) => sum + m.elapsedMs, 0),
  };
}

export interface Summary {
  count: number;
  errors: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** share of answered searches that found nothing */
  emptyShare: number;
}

/** Exact percentiles (nearest rank) over all samples. */
export function summarize(measurement: Measurement, kind?: QueryKind): Summary {
  const samples = kind ? measurement.samples.filter((s) => s.kind === kind) : measurement.samples;
  const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
  const at = (q: number) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!);
  return {
    count: samples.length,
    errors: kind ? 0 : measurement.errors.length,
    perSecond: kind ? NaN : (samples.length / measurement.elapsedMs) * 1000,
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    max: sorted[sorted.length - 1] ?? NaN,
    emptyShare: samples.length === 0 ? NaN : samples.filter((s) => s.results === 0).length / samples.length,
  };
}
