import { performance } from 'node:perf_hooks';
import { type SearchQueryInput } from '#contracts';
import { type BenchQuery, type QueryKind } from '../queries.js';
import { type Contestant } from './contestants.js';
import { loadAverage } from './processes.js';
import { type Round } from './stats.js';

/** A contestant's copy of the query mix: second pages carry its own cursors (they are opaque). */
export interface Entrant {
  contestant: Contestant;
  queries: BenchQuery[];
}

/** Fetches every secondPage query's first page with the contestant itself and keeps its cursor. */
export async function entrant(contestant: Contestant, mix: BenchQuery[]): Promise<Entrant> {
  const cursors = new Map<string, string | null>();
  const queries: BenchQuery[] = [];
  for (const query of mix) {
    if (query.kind !== 'secondPage') {
      queries.push(query);
      continue;
    }
    const key = JSON.stringify(query.input);
    if (!cursors.has(key)) cursors.set(key, (await contestant.search(query.input)).nextCursor);
    const cursor = cursors.get(key);
    queries.push(cursor ? { kind: query.kind, input: { ...query.input, cursor } } : query);
  }
  return { contestant, queries };
}

export interface RoundShape {
  concurrency: number;
  /** stop after this many searches… */
  maxSearches: number;
  /** …or after this long, whichever comes first */
  durationMs: number;
  /** where in the mix this round starts: every contestant of a round runs the same sequence */
  offset: number;
}

export interface KindSample {
  kind: QueryKind;
  ms: number;
}

/** A closed loop of `concurrency` workers over the entrant's queries. */
export async function runRound(entry: Entrant, shape: RoundShape, kinds: KindSample[] = []): Promise<Round> {
  const latencies: number[] = [];
  let errors = 0;
  let next = shape.offset;
  let sent = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const deadline = started + shape.durationMs;
  const worker = async () => {
    while (performance.now() < deadline && sent < shape.maxSearches) {
      sent++;
      const query = entry.queries[next++ % entry.queries.length]!;
      const begin = performance.now();
      try {
        await entry.contestant.search(query.input);
        const ms = performance.now() - begin;
        latencies.push(ms);
        kinds.push({ kind: query.kind, ms });
      } catch (error) {
        errors++;
        firstError ??= `${JSON.stringify(query.input)}: ${(error as Error).message}`;
      }
    }
  };
  await Promise.all(Array.from({ length: shape.concurrency }, worker));
  if (firstError) process.stdout.write(`  ${entry.contestant.name}: ${errors} errors, first: ${firstError.slice(0, 300)}\n`);
  return { latencies, errors, elapsedMs: performance.now() - started, load: loadAverage() };
}

/**
 * Interleaved rounds: in round r every entrant runs the same stretch of the mix, in an order
 * rotated by one each round, so none always follows the same neighbour.
 */
export async function interleave(
  entries: Entrant[],
  rounds: number,
  shape: Omit<RoundShape, 'offset'>,
  onRound: (name: string, round: number, result: Round) => void,
  kinds?: Map<string, KindSample[]>,
): Promise<Map<string, Round[]>> {
  const results = new Map<string, Round[]>(entries.map((entry) => [entry.contestant.name, []]));
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[(round + i) % entries.length]!;
      const result = await runRound(entry, { ...shape, offset: round * 1009 }, kinds?.get(entry.contestant.name));
      results.get(entry.contestant.name)!.push(result);
      onRound(entry.contestant.name, round, result);
    }
  }
  return results;
}

/** The overlap sample: distinct first-page queries of the mix (second pages depend on cursors). */
export function overlapSample(mix: BenchQuery[], size: number): SearchQueryInput[] {
  const seen = new Set<string>();
  const sample: SearchQueryInput[] = [];
  for (const query of mix) {
    if (query.kind === 'secondPage') continue;
    const input = { ...query.input, limit: 20 };
    const key = JSON.stringify(input);
    if (seen.has(key)) continue;
    seen.add(key);
    sample.push(input);
    if (sample.length === size) break;
  }
  return sample;
}
