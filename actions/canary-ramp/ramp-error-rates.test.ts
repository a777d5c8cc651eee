// The error rates a whole ramp keeps, by seeded simulation (deterministic, not timed): the real
// loop (runRamp) and the real gate (evaluateGate) over a simulated service (bench/ramp-sim.ts), the
// default ramp 1, 5, 25, 50 % (5 m each) then 100 %, a check every minute, min-requests 100,
// `p95 < 1.2x baseline` and `error-rate < 2x baseline` at a false-rollback rate of 1 %. Each bound
// is a row of the README's table (bench/slo-judge.md; here 100-400 of the same seeds, so a median
// may be one check off and power a little lower) or one of the early-detection targets: a judge
// that rolls back healthy canaries more often, or catches bad ones later or less often, fails here.
import { describe, expect, it } from 'vitest';
import { DEFAULT_PLAN, healthy, likelihoodRatioOracle, runReferences, runSloGates, scaleInvariantOracle, summarise, withCanary, type Plan, type World } from '../../bench/ramp-sim.js';

/**
 * The targets, in analysis intervals from the first check whose step has min-requests from the
 * canary to the rollback (0: that check): a clearly bad canary (errors 3 % against 0.2 %, p95 +60 %
 * under a relative objective) within 2, an absolute threshold broken twice over within 1.
 */
const TARGET = { clearlyBad: 2, twiceOver: 1 };
/**
 * slo-gate's rows of the README's table: power, and the median of that delay. p95 +60 % at the 1 %
 * step misses the target, and no valid judge of these data can meet it: the last test below.
 */
const TABLE = { errors: { power: 1, delay: 2 }, p95: { power: 0.99, delay: 10 }, late: { power: 1, delay: 0 }, low: { power: 1, delay: 3 } };
const SLACK = { power: 0.02, delay: 1 };

async function ramps(trials: number, w: World, badFrom = Infinity, plan: Plan = DEFAULT_PLAN) {
  const runs = await runSloGates(trials, 20_000, w, plan, badFrom);
  return { ...summarise(runs), runs };
}

const NORMAL = healthy(6000); // 100 requests/s over both versions
const LOW = healthy(1200); // 20 requests/s: the 1 % step sees 12 a minute
const AT_MARGINS = withCanary(NORMAL, { latency: 1.2, errorRate: 0.004 });

describe('ramp-level false rollback (healthy canaries), configured at 1 %', () => {
  it('a canary the same as its baseline', async () => {
    const s = await ramps(400, NORMAL);
    expect(s.rollbackRate).toBeLessThanOrEqual(0.01);
  });

  it('a canary inside its margins (p95 +8 % against 1.2x, errors 1.5x against 2x) is not rolled back more often', async () => {
    const s = await ramps(400, withCanary(NORMAL, { latency: 1.08, errorRate: 0.003 }));
    expect(s.rollbackRate).toBeLessThanOrEqual(0.01);
  });

  it('a canary exactly at its margins (p95 1.2x, errors 2x), the worst healthy one', async () => {
    const s = await ramps(400, AT_MARGINS);
    expect(s.rollbackRate).toBeLessThanOrEqual(0.01);
  });

  it('at 20 requests/s a healthy canary is never rolled back for lack of data: its 1 % step waits for min-requests', async () => {
    const s = await ramps(200, LOW);
    expect(s.rollbackRate).toBeLessThanOrEqual(0.01);
    expect(s.runs.every((r) => !/timeout/.test(r.reason))).toBe(true);
    expect(s.medianWaitMin).toBeGreaterThanOrEqual(2);
  });

  it('a looser configured rate (20 %) is kept, and not spent beyond what these seeds spend today', async () => {
    // The e-values are conservative, so a level loosened by half would still be under 20 %; the
    // seeded count is not: at 30 % these seeds roll back 7 canaries at their margins, at 20 % 5.
    const s = await ramps(200, AT_MARGINS, Infinity, { ...DEFAULT_PLAN, alpha: 0.2 });
    expect(s.rollbackRate).toBeLessThanOrEqual(0.2);
    expect(s.runs.filter((r) => r.rolledBack).length).toBeLessThanOrEqual(5);
  });
});

describe('ramp-level power and detection delay (intervals from the first check with min-requests to the rollback)', () => {
  // Each bad canary, its table row, which delay statistic is held to it, and the target, if any.
  const BAD = [
    { name: 'errors 3 % against 0.2 % from the start: rolled back in the 1 % step, within the target', world: withCanary(NORMAL, { latency: 1, errorRate: 0.03 }), from: 0, row: TABLE.errors, delay: 'medianDelayAfterEvidence', target: TARGET.clearlyBad },
    { name: 'p95 +60 % under `p95 < 1.2x baseline` from the start', world: withCanary(NORMAL, { latency: 1.6, errorRate: 0.002 }), from: 0, row: TABLE.p95, delay: 'medianDelayAfterEvidence', target: Infinity },
    { name: 'bad only from 25 % (p95 +60 %, errors 3 %): the healthy early steps do not hold the evidence back', world: withCanary(NORMAL, { latency: 1.6, errorRate: 0.03 }, 25), from: 25, row: TABLE.late, delay: 'p90DelayAfterEvidence', target: TARGET.clearlyBad },
    { name: 'at 20 requests/s a failing canary (errors 3 %) is still rolled back', world: withCanary(LOW, { latency: 1, errorRate: 0.03 }), from: 0, row: TABLE.low, delay: 'medianDelayAfterEvidence', target: Infinity },
  ] as const;

  it.each(BAD)('$name', async ({ world, from, row, delay, target }) => {
    const s = await ramps(200, world, from);
    expect(s.rollbackRate).toBeGreaterThanOrEqual(row.power - SLACK.power);
    expect(s[delay]).toBeLessThanOrEqual(Math.min(target, row.delay));
  });

  it('an absolute breach twice over (`p95 < 150ms`, canary p95 300 ms) is rolled back within one interval of min-requests', async () => {
    const s = await ramps(100, withCanary(NORMAL, { latency: 2.5, errorRate: 0.002 }), 0, { ...DEFAULT_PLAN, slo: ['p95 < 150ms'] });
    expect(s.rollbackRate).toBe(1);
    expect(Math.max(...s.runs.map((r) => r.delayAfterEvidence!))).toBeLessThanOrEqual(TARGET.twiceOver);
  });

  it('the floor under p95 +60 %: the bounds, told the effect, are valid at the margins and still decide later than the target', () => {
    // The README's reason the target of 2 is out of reach on these data (2000 seeds, as the bench):
    // told the effect and every σ (log-optimal), median 3; told only the effect size, 6.
    const bounds = [
      { bound: (w: World) => likelihoodRatioOracle(w, 1.6, DEFAULT_PLAN.alpha), delay: 3 },
      { bound: (w: World) => scaleInvariantOracle(w, 1.6, DEFAULT_PLAN.alpha, DEFAULT_PLAN.steps[0]), delay: 6 },
    ];
    for (const { bound, delay } of bounds) {
      const run = (w: World, from: number) => summarise(runReferences(bound, 2000, 20_000, w, DEFAULT_PLAN, from));
      expect(run(AT_MARGINS, Infinity).rollbackRate).toBeLessThanOrEqual(DEFAULT_PLAN.alpha);
      const bad = run(withCanary(NORMAL, { latency: 1.6, errorRate: 0.002 }), 0);
      expect(bad.rollbackRate).toBeGreaterThanOrEqual(0.99);
      expect(bad.medianDelayAfterEvidence).toBe(delay);
      expect(bad.medianDelayAfterEvidence).toBeGreaterThan(TARGET.clearlyBad);
    }
  });
});
