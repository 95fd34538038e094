/**
 * Health reports in the shape of the IETF draft "Health Check Response Format for HTTP APIs"
 * (draft-inadarei-api-health-check), served as application/health+json.
 */
export type HealthStatus = 'pass' | 'warn' | 'fail';

export const HEALTH_CONTENT_TYPE = 'application/health+json';

/** What one check says about its component; `time` is added when the check runs. */
export interface CheckResult {
  status: HealthStatus;
  /** why it is not passing (never secrets) */
  output?: string;
  componentType?: 'datastore' | 'component' | 'system';
  observedValue?: number | string | boolean;
  observedUnit?: string;
}

export interface HealthReport {
  status: HealthStatus;
  version: string;
  serviceId: string;
  description: string;
  checks: Record<string, Array<CheckResult & { time: string }>>;
}

const RANK: Record<HealthStatus, number> = { pass: 0, warn: 1, fail: 2 };

/** The overall status is the worst of the checks'. */
export function worstStatus(statuses: HealthStatus[]): HealthStatus {
  return statuses.reduce<HealthStatus>((worst, status) => (RANK[status] > RANK[worst] ? status : worst), 'pass');
}

/** Runs a check with a time limit; a check that throws or does not answer in time fails. */
export async function runCheck(check: () => Promise<CheckResult>, timeoutMs: number): Promise<CheckResult & { time: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => resolve({ status: 'fail', output: `no answer within ${timeoutMs} ms` }), timeoutMs);
  });
  try {
    const result = await Promise.race([
      check().catch((error: unknown): CheckResult => ({ status: 'fail', output: error instanceof Error ? error.message : String(error) })),
      timeout,
    ]);
    return { ...result, time: new Date().toISOString() };
  } finally {
    clearTimeout(timer);
  }
}
