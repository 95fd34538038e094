import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, withClient } from '../../../../test/support/database.js';
import { eventually } from '../../../../test/support/eventually.js';
import { OverloadedError } from '../common/errors.js';
import { AppConfig } from '../config/app-config.js';
import { PrismaService } from '../database/prisma.service.js';
import { AdmissionService } from './admission.service.js';

const config = (env: Record<string, string>) => AppConfig.fromEnv({ JWT_SECRET: 'x'.repeat(32), ...env });

/** A job that runs until `finish()` is called, recording when it started. */
function gate(log: string[], name: string) {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return { work: async () => (log.push(name), await done, name), finish };
}

describe('admission', () => {
  it('runs what fits, queues up to the limit per kind, refuses the rest with 503 and a retry time', async () => {
    const admission = new AdmissionService(config({ PEER_ADMISSION_CONCURRENCY: '1', PEER_HANDSHAKE_QUEUE: '1', SHARE_SYNC_QUEUE: '2' }));
    const log: string[] = [];
    const running = gate(log, 'running');
    const first = admission.run('publish', running.work);
    const queued = [gate(log, 'handshake'), gate(log, 'publish 1'), gate(log, 'publish 2')];
    const results = [admission.run('handshake', queued[0]!.work), admission.run('publish', queued[1]!.work), admission.run('publish', queued[2]!.work)];
    await expect(admission.run('handshake', async () => 'never')).rejects.toThrow(OverloadedError);
    const refusal = await admission.run('publish', async () => 'never').catch((error: OverloadedError) => error);
    expect(refusal).toBeInstanceOf(OverloadedError);
    expect((refusal as OverloadedError).status).toBe(503);
    expect((refusal as OverloadedError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(admission.load).toEqual({ running: 1, queued: 3 });

    running.finish();
    queued.forEach((job) => job.finish());
    expect(await Promise.all([first, ...results])).toEqual(['running', 'handshake', 'publish 1', 'publish 2']);
    // The handshake queued first, yet both publishes of established sessions ran before it.
    expect(log).toEqual(['running', 'publish 1', 'publish 2', 'handshake']);
  });

  it('refuses a request whose expected wait passes PEER_ADMISSION_MAX_WAIT although its queue has room', async () => {
    const admission = new AdmissionService(config({ PEER_ADMISSION_CONCURRENCY: '1', PEER_ADMISSION_MAX_WAIT: '100ms' }));
    const log: string[] = [];
    const running = gate(log, 'running');
    const jobs = [admission.run('publish', running.work)];
    // Before any job has finished, a job is expected to take 50 ms: a wait of two fits in 100 ms, of three not.
    jobs.push(admission.run('handshake', async () => 'handshake 1'), admission.run('handshake', async () => 'handshake 2'));
    await expect(admission.run('handshake', async () => 'never')).rejects.toThrow(OverloadedError);
    // A publish waits only for the running job: queued handshakes are not ahead of it.
    jobs.push(admission.run('publish', async () => 'publish'));
    running.finish();
    expect(await Promise.all(jobs)).toEqual(['running', 'handshake 1', 'handshake 2', 'publish']);
  });

  it('skips a job whose client left while it waited', async () => {
    const admission = new AdmissionService(config({ PEER_ADMISSION_CONCURRENCY: '1' }));
    const log: string[] = [];
    const running = gate(log, 'running');
    const first = admission.run('handshake', running.work);
    let connected = true;
    const left = admission.run('handshake', async () => (log.push('left'), 'ran'), () => connected);
    connected = false;
    running.finish();
    await first;
    await expect(left).rejects.toThrow(/left before its turn/);
    expect(log).toEqual(['running']);
  });

  describe('with a real database pool', () => {
    let prisma: PrismaService;
    let url: string;

    beforeAll(async () => {
      url = await createTestDatabase();
      prisma = new PrismaService(config({ DATABASE_URL: url, DATABASE_POOL_SIZE: '1' }));
      await prisma.onModuleInit();
    });
    afterAll(() => prisma.onModuleDestroy());

    it('answers 503 (not 500) when no connection is free to start a transaction in time', async () => {
      const admission = new AdmissionService(config({ PEER_ADMISSION_CONCURRENCY: '2' }));
      // The pool's only connection is busy for longer than a transaction may wait for one.
      const busy = prisma.$queryRaw`SELECT 1 AS slept FROM pg_sleep(4)`.then(() => undefined);
      await eventually(async () => {
        const { rows } = await withClient(url, (client) =>
          client.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE '%pg_sleep(4)%' AND pid <> pg_backend_pid()`),
        );
        expect(rows[0].n).toBe(1);
      });
      const refused = await admission
        .run('publish', () => prisma.$transaction(async (tx) => tx.$queryRaw`SELECT 1`))
        .catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(OverloadedError);
      expect((refused as OverloadedError).message).toMatch(/too busy to start a transaction; retry in \d+ s/);
      await busy;
    });
  });
});
