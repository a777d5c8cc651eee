/**
 * Where a person reads what to do next, for the errors an action cannot resolve itself. The links
 * point into the major the actions ship from; test/docs/runbooks.test.ts checks every section exists.
 */
const BASE = 'https://github.com/mesh-actions/mesh-actions/blob/v1/';

export const RUNBOOKS = {
  restore: 'docs/runbooks/failed-or-stuck-ramp.md#failed-could-not-restore',
  smokeTest: 'docs/runbooks/failed-or-stuck-ramp.md#smoke-test-failed',
  trivyFindings: 'docs/runbooks/trivy-gate.md#the-gate-found-vulnerabilities',
  trivyInstall: 'docs/runbooks/trivy-gate.md#trivy-was-not-installed-or-refused',
} as const;

export function runbook(which: keyof typeof RUNBOOKS): string {
  return `Runbook: ${BASE}${RUNBOOKS[which]}`;
}
