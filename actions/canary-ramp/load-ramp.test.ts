/**
 * The synthetic load through the ramp: running during every bake, stopped when the step is decided
 * (advance, promote, rollback, cancellation, timeout), never during a shift or a restore. First with
 * a recording load under a FakeClock (the exact order of events), then with autocannon against a
 * loopback server on the system clock (the load arrives during each bake and nothing after the end).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock, systemClock } from '../../common/clock.js';
import { CancelledError } from '../lib/runner.js';
import type { Verdict } from '../metrics/types.js';
import { parseLoadPlan } from './load-plan.js';
import { emptyStats, openLoad, type LoadRun, type SyntheticLoad } from './load.js';
import { runRamp, type Judge, type RampSettings } from './ramp.js';
import { renderRampSummary } from './summary.js';
import { weightsFor, type Baseline } from '../traffic/port.js';
import { MemoryRouter } from '../../test/support/memory-router.js';
import { cancelledAtCheck, gate, scripted } from '../../test/support/ramp-judge.js';
import { startTarget, type LoadTarget } from '../../test/support/load-target.js';

/** Weights in memory; every write goes to the shared event log. */
class LoggingRouter extends MemoryRouter {
  constructor(private readonly events: string[]) {
    super();
  }
  override async shift(percent: number): Promise<void> {
    await super.shift(percent);
    this.events.push(`shift ${percent}`);
  }
  override async restore(b: Baseline): Promise<void> {
    await super.restore(b);
    this.events.push(`restore ${b.weights.canary}`);
  }
}

/** A load that only records when it starts and stops, and at which canary weight. */
class RecordingLoad implements SyntheticLoad {
  readonly description = 'recording';
  running = 0;
  constructor(private readonly events: string[], private readonly router: MemoryRouter) {}
  start(): LoadRun {
    this.running++;
    this.events.push(`start at ${this.router.weights.canary}`);
    const stats = { ...emptyStats(parseLoadPlan({ 'load-url': 'http://127.0.0.1:1/' })!), requests: 7 };
    let stopped = false;
    return {
      stats: () => stats,
      stop: async () => {
        if (!stopped) {
          stopped = true;
          this.running--;
          this.events.push(`stop at ${this.router.weights.canary}`);
        }
        return stats;
      },
    };
  }
}

const answering = (...verdicts: Verdict[]): Judge => scripted(...verdicts).judge;

const MIN = 60_000;
const settings = (over: Partial<RampSettings> = {}): RampSettings => ({
  steps: [{ percent: 1, bakeMs: 5 * MIN }, { percent: 5, bakeMs: 5 * MIN }, { percent: 100, bakeMs: 0 }],
  intervalMs: MIN, warmupMs: 0, maxFailedChecks: 1, onInconclusive: 'hold', maxInconclusive: 3, timeoutMs: 60 * MIN,
  ...over,
});

function world() {
  const events: string[] = [];
  const router = new LoggingRouter(events);
  const load = new RecordingLoad(events, router);
  const deps = (judge: Judge, signal = new AbortController().signal, clock = new FakeClock()) =>
    ({ router, judge, clock, signal, load, onStep: async () => undefined, log: () => undefined });
  return { events, router, load, deps };
}

describe('runRamp with synthetic load (recording load, FakeClock)', () => {
  it('runs the load during each bake and stops it before the next shift; the promotion step, not baked, gets none', async () => {
    const { events, router, load, deps } = world();
    const out = await runRamp(settings(), await router.snapshot(), deps(answering('pass')));
    expect(out.result).toBe('promoted');
    expect(events).toEqual(['shift 1', 'start at 1', 'stop at 1', 'shift 5', 'start at 5', 'stop at 5', 'shift 100']);
    expect(load.running).toBe(0);
    expect(out.steps.map((s) => s.load?.requests)).toEqual([7, 7, undefined]);
  });

  it('a baked promotion step (100:10m) runs the load too, and it stops when the ramp ends', async () => {
    const { events, router, load, deps } = world();
    const out = await runRamp(settings({ steps: [{ percent: 50, bakeMs: 2 * MIN }, { percent: 100, bakeMs: 2 * MIN }] }), await router.snapshot(), deps(answering('pass')));
    expect(out.result).toBe('promoted');
    expect(events).toEqual(['shift 50', 'start at 50', 'stop at 50', 'shift 100', 'start at 100', 'stop at 100']);
    expect(load.running).toBe(0);
  });

  it('stops the load when the step fails, before the rollback restores the baseline', async () => {
    const { events, router, load, deps } = world();
    const out = await runRamp(settings(), await router.snapshot(), deps(answering('pass', 'fail')));
    expect(out.result).toBe('rolled-back');
    expect(events).toEqual(['shift 1', 'start at 1', 'stop at 1', 'restore 0']);
    expect(load.running).toBe(0);
    expect(out.steps[0].load?.requests).toBe(7);
  });

  it('stops the load on cancellation mid-bake, before the restore', async () => {
    const { events, router, load, deps } = world();
    const { judge, signal } = cancelledAtCheck(7);
    const out = await runRamp(settings(), await router.snapshot(), deps(judge, signal));
    expect(out.result).toBe('rolled-back');
    expect(out.reason).toMatch(/cancelled/);
    expect(events).toEqual(['shift 1', 'start at 1', 'stop at 1', 'shift 5', 'start at 5', 'stop at 5', 'restore 0']);
    expect(load.running).toBe(0);
  });

  it('stops the load at the timeout, while a step waits for evidence, whichever on-timeout decides', async () => {
    for (const onTimeout of ['rollback', 'promote'] as const) {
      const { events, router, load, deps } = world();
      const waiting: Judge = async () => ({ ...gate('inconclusive'), awaitingData: true });
      const out = await runRamp(settings({ timeoutMs: 12 * MIN, onTimeout }), await router.snapshot(), deps(waiting));
      expect(out.result).toBe(onTimeout === 'promote' ? 'promoted' : 'rolled-back');
      expect(events.slice(0, 3)).toEqual(['shift 1', 'start at 1', 'stop at 1']);
      expect(events.slice(3)).toEqual([onTimeout === 'promote' ? 'shift 100' : 'restore 0']);
      expect(load.running).toBe(0);
    }
  });

  it('says the load in the summary: target, rate, and per step what was sent and what failed', async () => {
    const { router, deps } = world();
    const out = await runRamp(settings(), await router.snapshot(), deps(answering('pass')));
    out.steps[0].load = { ...out.steps[0].load!, requests: 1204, non2xx: 3, errors: 1, durationMs: 300_000 };
    const md = renderRampSummary({ ...out, result: 'promoted', resource: router.resource, baseline: weightsFor(0) });
    expect(md).toContain('**Synthetic load** (autocannon) to http://127.0.0.1:1/ at 10 requests/s during each bake, judged with the rest of the traffic: 1,211 requests, 3 non-2xx, 1 errors.');
    expect(md).toContain('- 1%: 1,204 requests (3 non-2xx, 1 errors) in 300s at 10/s');
    expect(md).toContain('- 5%: 7 requests (0 non-2xx, 0 errors) in 0s at 10/s');
  });
});

describe('runRamp with autocannon against a loopback server (system clock)', () => {
  let target: LoadTarget;
  beforeAll(async () => {
    target = await startTarget();
  });
  afterAll(() => target.stop());

  const RATE = 20;
  /** The default for 20 requests/s: one connection per 5 requests/s. */
  const CONNECTIONS = 4;
  const short = (over: Partial<RampSettings> = {}): RampSettings => ({
    steps: [{ percent: 10, bakeMs: 1500 }, { percent: 50, bakeMs: 1500 }, { percent: 100, bakeMs: 0 }],
    intervalMs: 500, warmupMs: 0, maxFailedChecks: 1, onInconclusive: 'hold', maxInconclusive: 3, timeoutMs: MIN,
    ...over,
  });

  async function rampWithLoad(path: string, judgeWith: (counted: () => number, router: MemoryRouter) => Judge, signal?: AbortSignal) {
    const events: string[] = [];
    const router = new LoggingRouter(events);
    const load = await openLoad(parseLoadPlan({ 'load-url': `${target.url}${path}`, 'load-rate': String(RATE) })!, { deadline: Date.now() + MIN, warn: () => undefined });
    const counted = () => target.received.filter((r) => r.url === path).length;
    const out = await runRamp(short(), await router.snapshot(), {
      router, judge: judgeWith(counted, router), clock: systemClock, signal: signal ?? new AbortController().signal, load, onStep: async () => undefined, log: () => undefined,
    });
    const atEnd = counted();
    // Requests already written when the load stopped may still be read by a busy server after the
    // end; after a grace the count must hold still.
    await new Promise((r) => setTimeout(r, 1000));
    const afterGrace = counted();
    await new Promise((r) => setTimeout(r, 1000));
    return { out, atEnd, afterGrace, later: counted(), events };
  }

  it('the load arrives during the bake of each step and stops at the promotion', async () => {
    // What the server had received by each check, and at which weight.
    const seen: { canary: number; count: number }[] = [];
    const { out, atEnd, afterGrace, later } = await rampWithLoad('/promote', (counted, router) => async () => {
      seen.push({ canary: router.weights.canary, count: counted() });
      return gate('pass');
    });
    expect(out.result).toBe('promoted');
    for (const s of out.steps.slice(0, 2)) {
      // About RATE × 1.5 s per bake (autocannon sends each second's share at its start).
      expect(s.load!.requests, `${s.percent}%`).toBeGreaterThanOrEqual(RATE);
      expect(s.load!.requests).toBeLessThanOrEqual(RATE * 3);
      expect(s.load!.errors).toBe(0);
      // Requests kept arriving while the step was judged: more by its last check than by its first.
      const checks = seen.filter((c) => c.canary === s.percent);
      expect(checks.length).toBeGreaterThanOrEqual(3);
      expect(checks.at(-1)!.count).toBeGreaterThan(checks[0].count);
    }
    expect(out.steps[2].load).toBeUndefined();
    // Everything the server got is what the two bakes counted (bar a request per connection in flight
    // at a stop), and nothing was sent after the ramp ended.
    const counted = out.steps[0].load!.requests + out.steps[1].load!.requests;
    expect(atEnd).toBeGreaterThanOrEqual(counted);
    expect(afterGrace).toBeLessThanOrEqual(counted + 2 * CONNECTIONS);
    expect(later).toBe(afterGrace);
  });

  it('stops the load on a rollback: nothing arrives after the ramp ends', async () => {
    const { out, atEnd, afterGrace, later, events } = await rampWithLoad('/rollback', () => answering('pass', 'fail'));
    expect(out.result).toBe('rolled-back');
    expect(events).toEqual(['shift 10', 'restore 0']);
    expect(out.steps[0].load!.requests).toBeGreaterThan(0);
    expect(atEnd).toBeGreaterThanOrEqual(out.steps[0].load!.requests);
    expect(afterGrace).toBeLessThanOrEqual(out.steps[0].load!.requests + CONNECTIONS);
    expect(later).toBe(afterGrace);
  });

  it('stops the load on an abort signal mid-bake: nothing arrives after the ramp ends', async () => {
    const controller = new AbortController();
    let checks = 0;
    const { out, atEnd, afterGrace, later } = await rampWithLoad('/abort', () => async () => {
      if (++checks === 2) setTimeout(() => controller.abort(new CancelledError('SIGTERM')), 100);
      return gate('pass');
    }, controller.signal);
    expect(out.result).toBe('rolled-back');
    expect(out.reason).toMatch(/cancelled \(cancelled by SIGTERM\)/);
    expect(out.steps[0].load!.requests).toBeGreaterThan(0);
    expect(atEnd).toBeGreaterThan(0);
    expect(afterGrace).toBeLessThanOrEqual(out.steps[0].load!.requests + (out.steps[1]?.load?.requests ?? 0) + 2 * CONNECTIONS);
    expect(later).toBe(afterGrace);
  });
});
