import { type BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { type CheckResult, type HealthReport, type HealthStatus, runCheck, worstStatus } from './health-report.js';

export type ReadinessCheck = () => Promise<CheckResult>;

/** How long one check may take before it counts as failed. */
const CHECK_TIMEOUT_MS = 2_000;

/**
 * Whether this node should receive traffic (GET /health/ready and GET /health). Modules add their
 * own checks at start-up:
 *
 *     constructor(readiness: ReadinessService) {
 *       readiness.register('search:index', async () => ({ status: built ? 'pass' : 'fail', output: '…' }));
 *     }
 *
 * A check answers pass, warn (still serving, but say so) or fail (take this node out of the load
 * balancer); one that throws or takes longer than 2 s fails. Names follow the draft's
 * "component:measurement" form. The database checks live in DatabaseReadinessChecks.
 */
@Injectable()
export class ReadinessService implements BeforeApplicationShutdown {
  private readonly checks = new Map<string, ReadinessCheck>();
  private shuttingDown = false;

  constructor(private readonly config: AppConfig) {
    this.register('node:lifecycle', async () =>
      this.shuttingDown ? { status: 'fail', output: 'shutting down: finishing requests in flight' } : { status: 'pass' },
    );
  }

  /** Adds (or replaces) a named check. */
  register(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  /** From now on readiness fails, so load balancers stop sending traffic while the node drains. */
  beginShutdown(): void {
    this.shuttingDown = true;
  }

  beforeApplicationShutdown(): void {
    this.beginShutdown();
  }

  async ready(): Promise<HealthReport> {
    const names = [...this.checks.keys()];
    const results = await Promise.all(names.map((name) => runCheck(this.checks.get(name)!, CHECK_TIMEOUT_MS)));
    return this.report(
      worstStatus(results.map((result) => result.status)),
      Object.fromEntries(names.map((name, index) => [name, [results[index]!]])),
    );
  }

  /** Liveness: the process answers HTTP. Nothing external is checked, so a database outage never restarts it. */
  live(): HealthReport {
    return this.report('pass', { 'process:uptime': [{ status: 'pass', observedValue: Math.round(process.uptime()), observedUnit: 's', time: new Date().toISOString() }] });
  }

  private report(status: HealthStatus, checks: HealthReport['checks']): HealthReport {
    return { status, version: '1', serviceId: this.config.nodeId, description: 'Peerdex directory server', checks };
  }
}
