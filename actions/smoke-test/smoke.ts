/** Rounds of checks until one passes whole, the attempts run out, or the deadline comes. */
import type { Clock } from '../../common/clock.js';
import type { Check, SmokePlan } from './plan.js';
import type { Probe, ProbeOptions } from './probes.js';

export interface CheckResult extends Probe {
  check: string;
  round: number;
}

export interface SmokeReport {
  result: 'pass' | 'fail';
  rounds: number;
  /** The last round's results: what the release answered when the step ended. */
  checks: CheckResult[];
  reason: string;
}

export interface SmokeDeps {
  probe(check: Check, opts: ProbeOptions): Promise<Probe>;
  clock: Clock;
  signal: AbortSignal;
  log(message: string): void;
}

export async function runSmoke(plan: SmokePlan, deps: SmokeDeps): Promise<SmokeReport> {
  const deadline = deps.clock.now() + plan.timeoutMs;
  let last: CheckResult[] = [];
  let round = 0;
  while (round < plan.attempts) {
    round++;
    const remaining = deadline - deps.clock.now();
    if (remaining <= 0) break;
    const opts: ProbeOptions = { headers: plan.headers, body: plan.body, grpcTls: plan.grpcTls, timeoutMs: Math.min(plan.requestTimeoutMs, remaining), signal: deps.signal };
    last = await Promise.all(plan.checks.map(async (check) => ({ ...(await deps.probe(check, opts)), check: check.line, round })));
    const failed = last.filter((c) => !c.ok);
    if (!failed.length) return { result: 'pass', rounds: round, checks: last, reason: `all ${last.length} check(s) passed in round ${round}` };
    deps.log(`round ${round}/${plan.attempts}: ${failed.length} of ${last.length} failed (${failed.map((f) => `${f.check}: ${f.got}`).join('; ')})`);
    if (round < plan.attempts && deadline - deps.clock.now() > plan.intervalMs) await deps.clock.sleep(plan.intervalMs, deps.signal);
    else if (round < plan.attempts) break;
  }
  const failed = last.filter((c) => !c.ok);
  const why = deps.clock.now() >= deadline || round < plan.attempts ? `the timeout came after ${round} round(s)` : `${round} round(s)`;
  return {
    result: 'fail', rounds: round, checks: last,
    reason: last.length ? `${failed.length} of ${last.length} check(s) still failing after ${why}: ${failed.map((f) => `${f.check} → ${f.got}`).join('; ')}` : `no round ran before the timeout`,
  };
}

export function renderSmokeSummary(report: SmokeReport): string {
  const rows = report.checks.map((c) => `| ${c.ok ? '✅' : '❌'} | \`${c.check.replace(/\|/g, '\\|')}\` | ${c.got.replace(/\|/g, '\\|')} | ${c.ms} ms |`);
  return [
    `## smoke-test: ${report.result}`,
    '',
    `${report.reason}.`,
    '',
    '| | check | answer | time |',
    '|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
