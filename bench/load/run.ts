import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { fail, parseCli, print, wholeNumber } from '../search/cli.js';
import { Fleet } from './fleet.js';
import { renderRuns, type TargetRun, writeRuns } from './report.js';
import { runStep, type StepOptions } from './steps.js';
import { startBaseline, startPeerdex, type Target } from './targets.js';

const USAGE = `npm run bench:load -- [options]

Steps the number of live peer sessions up (each a real Socket.IO client that connects, publishes a
small list, heartbeats and searches) against a plain Socket.IO server (the baseline) and then the
directory server, measuring /health and search latency and every handshake and sync outcome.

  --steps LIST              session counts to step through (default 1000,2000,5000,10000)
  --processes N             client processes (default 4)
  --files N                 files each session publishes (default 10)
  --in-flight N             handshakes in flight per client process (default 250)
  --retries N               retries of a 503, after its retryAfter (default 10)
  --hold SECONDS            how long each step holds its sessions while searching (default 15)
  --searches-per-second N   searches during the hold (default 20)
  --step-timeout SECONDS    longest a step's connecting may take; the run ends after it (default 240)
  --database-url URL        a PostgreSQL server to create a fresh database on (default: embedded)
  --sessions-per-user N     sessions sharing one account (PEER_SESSIONS_PER_USER; default 50)
  --env KEY=VALUE           extra server setting, repeatable (e.g. PEER_ADMISSION_CONCURRENCY=8)
  --skip-baseline           only the directory server
  --skip-docs               do not write docs/benchmarks.md`;

const { values } = parseCli(USAGE, () =>
  parseArgs({
    options: {
      steps: { type: 'string', default: '1000,2000,5000,10000' },
      processes: { type: 'string', default: '4' },
      files: { type: 'string', default: '10' },
      'in-flight': { type: 'string', default: '250' },
      retries: { type: 'string', default: '10' },
      hold: { type: 'string', default: '15' },
      'searches-per-second': { type: 'string', default: '20' },
      'step-timeout': { type: 'string', default: '240' },
      'database-url': { type: 'string' },
      'sessions-per-user': { type: 'string', default: '50' },
      env: { type: 'string', multiple: true, default: [] },
      'skip-baseline': { type: 'boolean', default: false },
      'skip-docs': { type: 'boolean', default: false },
      docs: { type: 'string', default: 'docs/benchmarks.md' },
      help: { type: 'boolean', default: false },
    },
  }),
);
if (values.help) {
  print(USAGE);
  process.exit(0);
}
const steps = values.steps.split(',').map((step) => wholeNumber('--steps', step.trim(), 1, 100_000));
if (steps.some((step, n) => n > 0 && step <= steps[n - 1]!)) fail('--steps must increase');
const processes = wholeNumber('--processes', values.processes, 1, 64);
const options: StepOptions = {
  filesPerSession: wholeNumber('--files', values.files, 1, 5_000),
  inFlightPerProcess: wholeNumber('--in-flight', values['in-flight'], 1, 10_000),
  retries: wholeNumber('--retries', values.retries, 0, 1_000),
  // Socket.IO clients give up on a handshake after 20 s by default; acknowledgements get as long.
  timeoutMs: 20_000,
  holdMs: wholeNumber('--hold', values.hold, 1, 3_600) * 1000,
  searchesPerSecond: wholeNumber('--searches-per-second', values['searches-per-second'], 1, 10_000),
  stepTimeoutMs: wholeNumber('--step-timeout', values['step-timeout'], 10, 3_600) * 1000,
};
const env = Object.fromEntries(
  values.env.map((pair) => {
    const at = pair.indexOf('=');
    if (at < 1) fail(`--env must be KEY=VALUE (got "${pair}")`);
    return [pair.slice(0, at), pair.slice(at + 1)];
  }),
);

async function measure(start: () => Promise<Target>): Promise<TargetRun> {
  const target = await start();
  const fleet = Fleet.start(processes);
  const run: TargetRun = { name: target.name === 'baseline' ? 'plain Socket.IO server (baseline)' : 'directory server', steps: [], errors: {} };
  try {
    let opened = 0;
    for (const step of steps) {
      print(`${target.name}: stepping to ${step} sessions…`);
      const result = await runStep(fleet, target, step, opened, options);
      run.steps.push(result);
      print(`  ${result.open} open after ${result.connectSeconds.toFixed(1)} s; /health p99 ${Math.round(result.healthWhileConnecting.p99)} ms while connecting`);
      opened = step;
      if (!result.completed) break;
    }
  } finally {
    await fleet.close();
    run.errors = target.errors();
    await target.stop();
  }
  return run;
}

const runs: TargetRun[] = [];
if (!values['skip-baseline']) runs.push(await measure(startBaseline));
const sessionsPerUser = wholeNumber('--sessions-per-user', values['sessions-per-user'], 1, 10_000);
runs.push(await measure(() => startPeerdex({ databaseUrl: values['database-url'], maxSessions: steps.at(-1)!, sessionsPerUser, env })));

const command = `npm run bench:load -- ${process.argv.slice(2).join(' ')}`.trim();
const markdown = renderRuns(runs, [
  `### Results ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
  '',
  `\`${command}\`: ${processes} client processes, ${options.filesPerSession} files per session, ${options.inFlightPerProcess} handshakes in flight per process, ` +
    `${options.holdMs / 1000} s hold per step with ${options.searchesPerSecond} searches/s; database: ${values['database-url'] ? 'the machine’s PostgreSQL' : 'embedded PostgreSQL'}; ` +
    `${cpus().length} cores shared with other work. Server settings: ${Object.entries(env).map(([key, value]) => `${key}=${value}`).join(', ') || 'defaults'}.`,
]);
print(markdown);
if (!values['skip-docs']) await writeRuns(values.docs, markdown);
