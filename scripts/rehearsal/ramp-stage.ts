/**
 * One ramp on real traffic: canary-ramp's bundle against a lane's listener in moto, judged through
 * Prometheus, while the lane's data plane follows the weights it writes and load runs through it;
 * and slo-gate on a canary with no traffic yet.
 */
import type { Readable } from 'node:stream';
import { tryParseDuration } from '../../common/duration.js';
import type { RampReport } from '../../actions/canary-ramp/summary.js';
import { startBundle, runBundle } from '../../test/support/harness.js';
import type { Scenario } from './args.js';
import type { DataPlane, ListenerFollower, Split } from './data-plane.js';
import { startLoad } from './load.js';
import { track } from './processes.js';
import type { Prometheus } from './prometheus.js';
import { served, type Version } from './release.js';
import { attachServed, rampOutcome, servedLine, type Period, type RampRecord, type StageReport } from './report.js';
import { MIN_REQUESTS, PROMETHEUS_STEP, REGION, SCENARIO_PLANS, SLO, STABLE_VERSION, STEPS, selector, type ScenarioPlan } from './scenarios.js';
import { laneStage, stage, type Lane } from './stages.js';
import type { TimelineSampler } from './timeline.js';

/** One ramp's own release: a stable and a canary behind their own data plane. */
export interface RampLane {
  scenario: Scenario;
  stable: Version;
  canary: Version;
  plane: DataPlane;
}

export interface LaneArns {
  listener: string;
  stable: string;
  canary: string;
}

/** What the ramps running at once share: the metrics server, one listener follower, one timeline sampler. */
export interface Shared {
  prometheus: Prometheus;
  follower: ListenerFollower;
  timelines: TimelineSampler;
  env: Record<string, string>;
  /** A token from the auth service for the load's POST /verify (every version has the signing key). */
  token: string;
}

/** The lane's status from canary-ramp's log: its step, and while a step waits, its evidence so far. */
export function rampStatus(line: string, status: string): string {
  const step = /^Step (\d+%)/.exec(line);
  if (step) return `at ${step[1]}`;
  const waiting = /^\s*(\d+%) check \d+: inconclusive: .*served (\d+) request\(s\) in the window, fewer than min-requests \((\d+)\)/.exec(line);
  if (waiting) return `at ${waiting[1]}, waiting for evidence (${waiting[2]} of ${waiting[3]} requests)`;
  if (/^Rolling back/.test(line)) return 'rolling back';
  return status;
}

/** The requests each version served between weight changes, as the services themselves count them. */
class PeriodRecorder {
  readonly periods: Period[] = [];
  private constructor(private readonly stable: Version, private readonly canary: Version, private open: { split: Split; stable: number | null; canary: number | null; at: string }) {}

  static async start(plane: DataPlane, stable: Version, canary: Version): Promise<PeriodRecorder> {
    return new PeriodRecorder(stable, canary, { split: plane.split(), ...(await PeriodRecorder.counts(stable, canary)) });
  }

  private static async counts(stable: Version, canary: Version) {
    return { stable: await served(stable), canary: await served(canary), at: new Date().toISOString() };
  }

  /** Ends the open period; the next one, at `next`, starts now. */
  async close(next?: Split): Promise<void> {
    const now = await PeriodRecorder.counts(this.stable, this.canary);
    const diff = (a: number | null, b: number | null) => (a === null || b === null ? null : b - a);
    this.periods.push({ split: this.open.split, from: this.open.at, to: now.at, served: { stable: diff(this.open.stable, now.stable), canary: diff(this.open.canary, now.canary) } });
    if (next) this.open = { split: next, ...now };
  }
}

/** canary-ramp's inputs for one lane. */
function rampInputs(plan: ScenarioPlan, scenario: Scenario, arns: LaneArns, prometheus: Prometheus): Record<string, string> {
  return {
    router: 'alb',
    'listener-arn': arns.listener,
    'stable-target-group-arn': arns.stable,
    'canary-target-group-arn': arns.canary,
    steps: STEPS,
    // Several checks with data per step: the first scrapes after a shift hold no canary requests
    // yet, and one early check from a handful of requests must not be a step's only look.
    'bake-time': '8s',
    'analysis-interval': '1s',
    // Room for a first step to gather evidence on a busy machine; a quiet canary's steps wait
    // for theirs (they do not count as inconclusive) up to the ramp's timeout.
    'max-inconclusive': '8',
    timeout: plan.timeout,
    provider: 'prometheus',
    'prometheus-url': prometheus.url,
    'prometheus-step': PROMETHEUS_STEP,
    'canary-selector': selector(scenario, plan.version),
    'baseline-selector': selector(scenario, STABLE_VERSION),
    'min-requests': String(MIN_REQUESTS),
    slo: SLO,
    region: REGION,
  };
}

/** canary-ramp's step, check and rollback lines, as they come. */
function onRampLines(stdout: Readable, onLine: (line: string) => void): void {
  let pending = '';
  stdout.on('data', (d: Buffer) => {
    const lines = (pending + d.toString()).split('\n');
    pending = lines.pop() ?? '';
    for (const l of lines) if (/^(Step \d+%|\s+\d+% check \d+|Rolling back)/.test(l)) onLine(l);
  });
}

/** `onFirstStep` hears when the ramp has set its first step's weight (or ended before it). */
export async function rampStage(lane: Lane, rampLane: RampLane, arns: LaneArns, shared: Shared, onFirstStep?: () => void): Promise<StageReport> {
  const { scenario, plane, stable, canary } = rampLane;
  const { prometheus, env, token } = shared;
  const plan = SCENARIO_PLANS[scenario];
  return laneStage(lane, `canary-ramp: ${plan.title}, steps ${STEPS}`, plan.expected, async (progress) => {
    const t0 = Date.now();
    const recorder = await PeriodRecorder.start(plane, stable, canary);
    let changes = Promise.resolve();
    const follower = shared.follower.follow(arns.listener, { stable: arns.stable, canary: arns.canary }, plane, (c) => {
      changes = changes.then(() => recorder.close(c.split));
      progress(`data plane now stable ${c.split.stable} % / canary ${c.split.canary} %`);
    });
    const load = startLoad({ url: plane.url, rate: plan.rate, token });
    const timeline = shared.timelines.sample(scenario, { stable: STABLE_VERSION, canary: canary.version }, () => plane.split().canary, t0);
    const queriesBefore = prometheus.loggedQueries().length;
    const running = startBundle('canary-ramp', { inputs: rampInputs(plan, scenario, arns, prometheus), env, timeoutMs: 60_000 + (tryParseDuration(plan.timeout) ?? 60_000) });
    // A rehearsal that fails elsewhere or is interrupted stops the ramp too (SIGTERM: it rolls back).
    track(`canary-ramp ${scenario}`, running.child);
    onRampLines(running.child.stdout!, (l) => {
      if (/^\s+\d+% check 1:/.test(l)) onFirstStep?.();
      lane.status = rampStatus(l, lane.status);
      progress(l.trim());
    });
    const result = await running.done;
    onFirstStep?.();
    // Let the data plane catch up with the final weights, then close the last period.
    await new Promise((r) => setTimeout(r, 500));
    await follower.stop();
    await changes;
    await recorder.close();
    const report = JSON.parse(result.outputs.report || '{"steps":[]}') as RampReport;
    // The query log is the server's: other lanes' queries and the timeline's are in it too; only the
    // judge names this canary's selector (the timeline selects by service alone and groups by ramp).
    const canarySelector = selector(scenario, plan.version);
    const judgeQueries = prometheus.loggedQueries().slice(queriesBefore).filter((q) => q.includes(canarySelector)).length;
    const ramp: RampRecord = {
      scenario,
      canary: { version: plan.version, faults: plan.faults },
      stable: { version: STABLE_VERSION },
      load: { rate: plan.rate, ...(await load.stop()) },
      judge: { provider: 'prometheus', url: prometheus.url, queries: judgeQueries },
      result: report.result ?? `exit ${result.code}`,
      reason: report.reason ?? '',
      steps: attachServed(report.steps, recorder.periods),
      periods: recorder.periods,
      timeline: timeline.stop(),
    };
    const got = result.outputs.result ? rampOutcome(result.outputs.result, report.steps) : `exit ${result.code}`;
    lane.status = got;
    return { got, detail: `${servedLine(ramp.steps)}; judge: ${judgeQueries} Prometheus queries`, ramp, result };
  });
}

/** slo-gate on a canary that has had no traffic yet: no data is not a pass. */
export async function gateStage(prometheus: Prometheus, rampLane: RampLane, env: Record<string, string>): Promise<void> {
  await stage('slo-gate: canary before any traffic (Prometheus)', 'inconclusive', async () => {
    const result = await runBundle('slo-gate', {
      inputs: {
        provider: 'prometheus',
        'prometheus-url': prometheus.url,
        'prometheus-step': PROMETHEUS_STEP,
        'canary-selector': selector(rampLane.scenario, rampLane.canary.version),
        'baseline-selector': selector(rampLane.scenario, STABLE_VERSION),
        window: '1m',
        'min-requests': String(MIN_REQUESTS),
        slo: SLO,
      },
      env,
    });
    const report = JSON.parse(result.outputs.report || '{}') as { provider?: string; requests?: unknown };
    return {
      got: result.outputs.result ?? `exit ${result.code}`,
      detail: result.outputs.reason ?? '',
      gate: { provider: report.provider ?? 'prometheus', result: result.outputs.result ?? '', reason: result.outputs.reason ?? '', requests: report.requests },
      result,
    };
  });
}
