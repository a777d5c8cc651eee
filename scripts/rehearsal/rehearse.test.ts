/** The README's main job must keep working: `npm run rehearse` end to end, as a user runs it, on real traffic. */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { describe, expect, it, vi } from 'vitest';
import { InputError } from '../../common/errors.js';
import { SCENARIOS, parseArgs } from './args.js';
import { renderChart } from './chart.js';
import { ListenerFollower, nginxConfig, splitOf, type DataPlane, type Split } from './data-plane.js';
import { findTool, stopAll, track } from './processes.js';
import { prometheusConfig, type Prometheus } from './prometheus.js';
import { rampStatus } from './ramp-stage.js';
import { servedFromMetrics } from './release.js';
import { selector } from './scenarios.js';
import { TimelineSampler, timelineQueries } from './timeline.js';
import { attachServed, rampOutcome, verdictLine, type RampRecord, type StageReport } from './report.js';
import { repoRoot } from '../../test/support/harness.js';

describe('rehearsal options', () => {
  it('runs every scenario by default, in the documented order, each once', () => {
    expect(parseArgs([])).toEqual({ scenarios: [...SCENARIOS], keep: false, help: false });
    expect(parseArgs(['--scenario', 'latency,healthy', '--scenario=latency', '--keep', '--json', 'r.json']))
      .toEqual({ scenarios: ['healthy', 'latency'], keep: true, json: 'r.json', help: false });
    expect(parseArgs(['--scenario', 'all']).scenarios).toEqual([...SCENARIOS]);
    expect(parseArgs(['--help']).help).toBe(true);
  });

  it('refuses what it does not know, naming the accepted forms', () => {
    expect(() => parseArgs(['--scenario', 'chaos'])).toThrow(new InputError('--scenario: "chaos" is not one of healthy | errors | latency | low-traffic | all.'));
    expect(() => parseArgs(['--json'])).toThrow(/--json needs a value/);
    expect(() => parseArgs(['--json', '--keep'])).toThrow(/--json needs a value/);
    expect(() => parseArgs(['--fast'])).toThrow(/Unknown option "--fast"; expected --scenario, --keep, --json FILE or --help/);
  });
});

describe('the data plane stand-in', () => {
  it('writes a weighted upstream, a version at 0 % marked down, and never retries on the other version', () => {
    const conf = nginxConfig({ prefix: '/tmp/p', port: 8000, stablePort: 8001, canaryPort: 8002, split: { stable: 90, canary: 10 } });
    expect(conf).toContain('    server 127.0.0.1:8001 weight=90;\n    server 127.0.0.1:8002 weight=10;');
    expect(conf).toContain('listen 127.0.0.1:8000;');
    expect(conf).toContain('proxy_next_upstream off;');
    expect(conf).toContain('pid /tmp/p/nginx.pid;');
    expect(nginxConfig({ prefix: '/tmp/p', port: 8000, stablePort: 8001, canaryPort: 8002, split: { stable: 100, canary: 0 } }))
      .toContain('    server 127.0.0.1:8001 weight=100;\n    server 127.0.0.1:8002 down;');
  });

  it('reads the listener as canary-ramp leaves it: a plain forward, or weighted target groups', () => {
    expect(splitOf([{ TargetGroupArn: 'blue' }], 'blue', 'green')).toEqual({ stable: 100, canary: 0 });
    expect(splitOf([{ ForwardConfig: { TargetGroups: [{ TargetGroupArn: 'blue', Weight: 90 }, { TargetGroupArn: 'green', Weight: 10 }] } }], 'blue', 'green')).toEqual({ stable: 90, canary: 10 });
    expect(splitOf([{ ForwardConfig: { TargetGroups: [{ TargetGroupArn: 'blue', Weight: 1 }, { TargetGroupArn: 'green', Weight: 3 }] } }], 'blue', 'green')).toEqual({ stable: 25, canary: 75 });
    expect(() => splitOf([{ TargetGroupArn: 'other' }], 'blue', 'green')).toThrow(/forwards to neither blue nor green/);
  });

  it('scrapes every version each second, labelled with its ramp, and logs the queries it answers', () => {
    const yml = prometheusConfig({ groups: [{ targets: ['127.0.0.1:1', '127.0.0.1:2'], labels: { ramp: 'healthy' } }, { targets: ['127.0.0.1:3', '127.0.0.1:4'], labels: { ramp: 'errors' } }], queryLog: '/tmp/q.log' });
    expect(yml).toContain('scrape_interval: 1s');
    expect(yml).toContain('query_log_file: "/tmp/q.log"');
    expect(yml).toContain('      - targets: ["127.0.0.1:1", "127.0.0.1:2"]\n        labels: { ramp: "healthy" }\n      - targets: ["127.0.0.1:3", "127.0.0.1:4"]\n        labels: { ramp: "errors" }');
  });

  it('follows every lane\'s listener with one read per poll, and a lane that stops waits only for the poll under way', async () => {
    const weights: Record<string, number> = { 'listener/a': 10, 'listener/b': 0 };
    const asked: string[][] = [];
    const elb = {
      send: vi.fn(async (cmd: { input: { ListenerArns: string[] } }) => {
        asked.push(cmd.input.ListenerArns);
        return {
          Listeners: cmd.input.ListenerArns.map((arn) => ({
            ListenerArn: arn,
            DefaultActions: [{ ForwardConfig: { TargetGroups: [{ TargetGroupArn: `${arn}/blue`, Weight: 100 - weights[arn] }, { TargetGroupArn: `${arn}/green`, Weight: weights[arn] }] } }],
          })),
        };
      }),
    } as unknown as ElasticLoadBalancingV2Client;
    const plane = (): DataPlane & { applied: Split[] } => {
      let current = { stable: 100, canary: 0 };
      const applied: Split[] = [];
      return { url: '', applied, split: () => current, apply: async (s) => void applied.push((current = s)), stop: async () => undefined };
    };
    const [a, b] = [plane(), plane()];
    const follower = new ListenerFollower(elb, 5);
    const changes: string[] = [];
    const fa = follower.follow('listener/a', { stable: 'listener/a/blue', canary: 'listener/a/green' }, a, (c) => changes.push(`a ${c.split.canary}`));
    const fb = follower.follow('listener/b', { stable: 'listener/b/blue', canary: 'listener/b/green' }, b, (c) => changes.push(`b ${c.split.canary}`));
    await vi.waitFor(() => expect(a.applied).toEqual([{ stable: 90, canary: 10 }]));
    weights['listener/b'] = 50;
    await vi.waitFor(() => expect(b.applied).toEqual([{ stable: 50, canary: 50 }]));
    expect(asked.some((arns) => arns.length === 2)).toBe(true);
    await fa.stop();
    const polls = asked.length;
    weights['listener/a'] = 0;
    weights['listener/b'] = 100;
    await vi.waitFor(() => expect(b.applied.at(-1)).toEqual({ stable: 0, canary: 100 }));
    // a stopped: not read again, its data plane left as it was.
    expect(asked.slice(polls).every((arns) => arns.length === 1 && arns[0] === 'listener/b')).toBe(true);
    expect(a.applied).toEqual([{ stable: 90, canary: 10 }]);
    await fb.stop();
    expect(changes).toEqual(['a 10', 'b 50', 'b 100']);
  });

  it('samples every lane\'s timeline from one round of queries grouped by ramp and version', async () => {
    const q = timelineQueries('auth');
    expect(q.rps).toBe('sum by (ramp, version) (rate(http_requests_total{service="auth"}[3s]))');
    expect(q.p95Ms).toBe('histogram_quantile(0.95, sum by (ramp, version, le) (rate(http_request_duration_seconds_bucket{service="auth"}[3s])))');
    // The report counts the judge's queries by its canary's selector: the timeline's never name one.
    for (const query of Object.values(q)) expect(query).not.toContain(selector('healthy', '1.1.0-healthy'));
    const row = (ramp: string, version: string, value: number) => ({ labels: { ramp, version }, value });
    const answers: Record<string, ReturnType<typeof row>[]> = {
      [q.rps]: [row('healthy', '1.0.0', 180), row('healthy', '1.1.0', 20), row('errors', '1.0.0', 179), row('errors', '1.1.0-errors', 21)],
      [q.errorRate]: [row('errors', '1.1.0-errors', 0.2)],
      [q.p95Ms]: [row('healthy', '1.0.0', 0.004), row('healthy', '1.1.0', 0.005), row('errors', '1.0.0', 0.004), row('errors', '1.1.0-errors', 0.006)],
    };
    const asked: string[] = [];
    const prometheus = { url: '', series: async (promql: string) => (asked.push(promql), answers[promql] ?? []), loggedQueries: () => [], stop: async () => undefined } as Prometheus;
    vi.useFakeTimers();
    try {
      const sampler = new TimelineSampler(prometheus, 'auth');
      const t0 = Date.now();
      const healthy = sampler.sample('healthy', { stable: '1.0.0', canary: '1.1.0' }, () => 10, t0);
      const errors = sampler.sample('errors', { stable: '1.0.0', canary: '1.1.0-errors' }, () => 10, t0);
      await vi.advanceTimersByTimeAsync(2000);
      expect(asked).toHaveLength(6);
      const [h, e] = [healthy.stop(), errors.stop()];
      expect(h).toHaveLength(2);
      expect(h[0]).toEqual({ s: 1, canaryWeight: 10, stable: { rps: 180, errorRate: null, p95Ms: 4 }, canary: { rps: 20, errorRate: null, p95Ms: 5 } });
      expect(e[1]).toEqual({ s: 2, canaryWeight: 10, stable: { rps: 179, errorRate: null, p95Ms: 4 }, canary: { rps: 21, errorRate: 0.2, p95Ms: 6 } });
      await vi.advanceTimersByTimeAsync(2000);
      expect(asked).toHaveLength(6);
    } finally {
      vi.useRealTimers();
    }
  });

  it('tells where a lane\'s ramp is from canary-ramp\'s own step, check and rollback lines', () => {
    expect(rampStatus('Step 10%: shifting listener/app/edge/1', 'starting')).toBe('at 10%');
    expect(rampStatus('  10% check 2: inconclusive: the canary served 3 request(s) in the window, fewer than min-requests (20)', 'at 10%'))
      .toBe('at 10%, waiting for evidence (3 of 20 requests)');
    expect(rampStatus('Rolling back to the baseline (stable 100 % / canary 0 %): error-rate', 'at 10%')).toBe('rolling back');
    expect(rampStatus('  10% check 3: pass: every objective holds', 'at 10%')).toBe('at 10%');
  });

  it('counts what a version served from its own RED counter', () => {
    const text = [
      '# TYPE http_requests_total counter',
      'http_requests_total{route="/verify",method="POST",status_code="200",version="1",service="auth"} 120',
      'http_requests_total{route="/verify",method="POST",status_code="500",version="1",service="auth"} 30',
      'http_request_errors_total{route="/verify",method="POST",version="1",service="auth"} 30',
    ].join('\n');
    expect(servedFromMetrics(text)).toBe(150);
  });
});

describe('the rehearsal\'s processes', () => {
  it('stops a child it did not start (an action\'s bundle) with the rest: SIGTERM, then gone', async () => {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    track('bundle', child);
    await stopAll();
    expect(await exited).toBe('SIGTERM');
  });
});

describe('the rehearsal report', () => {
  const stage = (over: Partial<StageReport>): StageReport => ({ name: 's', expected: 'ok', got: 'ok', ms: 1000, detail: '', ...over });

  it('never says plain "passed" when a stage was skipped', () => {
    expect(verdictLine([stage({}), stage({})], 61_000)).toBe('Rehearsal passed: 2 stages (1m1s).');
    expect(verdictLine([stage({}), stage({ got: 'skipped', skipped: 'nginx not installed' })], 1000)).toBe('Rehearsal passed with 1 stage(s) skipped: 1 ran as expected (1s).');
    expect(verdictLine([stage({ got: 'exit 1' }), stage({ skipped: 'x' })], 1000)).toBe('Rehearsal failed: 1 of 1 stage(s) did not end as expected, 1 skipped (1s).');
    // A stage that ran without one of its parts says so in the last line too.
    expect(verdictLine([stage({ partSkipped: 'the Trivy scan (no trivy on PATH)' }), stage({})], 2000)).toBe('Rehearsal passed: 2 stages (2s). Not run: the Trivy scan (no trivy on PATH).');
  });

  const check = (verdict: 'pass' | 'fail' | 'inconclusive', failing: string[] = []) => ({
    at: '2026-01-01T00:00:01Z', verdict, reason: '',
    objectives: ['p95 < 450ms', 'error-rate < 5%'].map((objective) => ({ objective, verdict: failing.includes(objective) ? 'fail' as const : 'pass' as const, canary: { value: 1, samples: 1 }, baseline: { value: 0.5, samples: 1 }, test: { name: 'threshold' }, reason: '' })),
  });
  const step = (percent: number, checks: ReturnType<typeof check>[]) => ({ percent, weights: { stable: 100 - percent, canary: percent }, startedAt: '2026-01-01T00:00:00Z', checks, outcome: 'rolled-back' as const });

  it('names where a ramp ended and what failed its last check', () => {
    expect(rampOutcome('promoted', [])).toBe('promoted');
    expect(rampOutcome('rolled-back', [step(10, [check('fail', ['error-rate < 5%'])])])).toBe('rolled-back at 10% (error-rate)');
    expect(rampOutcome('rolled-back', [step(10, [check('pass')]), step(50, [check('fail', ['p95 < 450ms', 'error-rate < 5%'])])])).toBe('rolled-back at 50% (p95, error-rate)');
    expect(rampOutcome('rolled-back', [step(10, [check('inconclusive')])])).toBe('rolled-back at 10% (inconclusive)');
  });

  it('gives each step the requests served while the data plane held its weight', () => {
    const period = (canary: number, served: [number, number]): RampRecord['periods'][number] => ({ split: { stable: 100 - canary, canary }, from: '', to: '', served: { stable: served[0], canary: served[1] } });
    const periods = [period(0, [500, 0]), period(10, [900, 100]), period(50, [400, 400]), period(0, [50, 0])];
    const steps = attachServed([step(10, [check('pass')]), step(50, [check('fail', ['p95 < 450ms'])])], periods);
    expect(steps.map((s) => s.served)).toEqual([{ stable: 900, canary: 100 }, { stable: 400, canary: 400 }]);
    expect(steps[1].checks[0].objectives[0]).toEqual({ objective: 'p95 < 450ms', verdict: 'fail', canary: 1, baseline: 0.5 });
  });

  it('charts several series on one time axis', () => {
    const chart = renderChart(
      [{ name: 'stable', mark: '·', values: [1, 1, 1, 1] }, { name: 'canary', mark: '●', values: [null, 1, 20, 20] }],
      { title: 'error rate', unit: '%', height: 4, seconds: [0, 1, 2, 3] },
    );
    expect(chart).toBe([
      'error rate (%)   · stable   ● canary',
      '20 ┤  ●●',
      '   ┤    ',
      '   ┤·●··',
      ' 0 ┤    ',
      '   └────',
      '    0s 3s',
    ].join('\n'));
  });
});

interface Report {
  result: string;
  skipped: number;
  stages: (StageReport & { gate?: { provider: string } })[];
}

describe('npm run rehearse', () => {
  const realTraffic = !!(findTool('nginx') && findTool('prometheus'));

  it('builds, deploys, promotes a healthy canary and rolls back bad ones on their own measured errors and latency, judged through Prometheus', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rehearse-test-'));
    const json = join(dir, 'report.json');
    try {
      const run = spawnSync(process.execPath, [join(repoRoot, 'node_modules/tsx/dist/cli.mjs'), 'scripts/rehearse.ts', '--json', json], {
        cwd: repoRoot,
        encoding: 'utf8',
        timeout: 420_000,
      });
      expect(run.status, run.stdout + run.stderr).toBe(0);
      const lines = run.stdout.trim().split('\n');
      expect(lines[0]).toMatch(/^Rehearsing build → deploy → canary-ramp \(healthy, errors, latency, low-traffic\)/);
      const report = JSON.parse(readFileSync(json, 'utf8')) as Report;
      const byName = (prefix: string) => report.stages.find((s) => s.name.startsWith(prefix));

      // CI installs buildah, nginx and prometheus (.ci/setup.d): there nothing may be skipped.
      if (process.env.CI) expect(report.skipped, run.stdout).toBe(0);
      expect(lines.at(-1)).toMatch(report.skipped ? new RegExp(`^Rehearsal passed with ${report.skipped} stage\\(s\\) skipped`) : /^Rehearsal passed: \d+ stages/);
      expect(byName('deploy-stack: create')?.got).toBe('created');
      expect(byName('deploy-stack: deploy again')?.got).toBe('no changes');
      if (!realTraffic) {
        expect(report.stages.filter((s) => s.name.startsWith('canary-ramp')).every((s) => s.skipped?.includes('npm run setup'))).toBe(true);
        return;
      }

      expect(byName('slo-gate: canary before any traffic')).toMatchObject({ got: 'inconclusive', gate: { provider: 'prometheus' } });
      const ramps = report.stages.filter((s) => s.ramp).map((s) => s.ramp!);
      expect(ramps.map((r) => r.scenario)).toEqual(['healthy', 'errors', 'latency', 'low-traffic']);
      for (const r of ramps) {
        // The judge's PromQL reached the Prometheus server (its query log), for this canary's series.
        expect(r.judge.provider).toBe('prometheus');
        expect(r.judge.queries, r.scenario).toBeGreaterThan(0);
        // Both versions served requests at the first step, by their own counters.
        expect(r.steps[0].percent).toBe(10);
        expect(r.steps[0].served?.stable, r.scenario).toBeGreaterThan(0);
        expect(r.steps[0].served?.canary, r.scenario).toBeGreaterThan(0);
      }
      const [healthy, errors, latency, low] = ramps;
      expect(healthy.result).toBe('promoted');
      expect(healthy.steps.map((s) => s.percent)).toEqual([10, 50, 100]);
      expect(healthy.steps[1].served?.canary).toBeGreaterThan(0);
      expect(byName('rollback: to stable')?.got).toBe('stable 100 %');

      // The bad ones were rolled back while their share was still the first step's, on their own numbers.
      for (const bad of [errors, latency]) {
        expect(bad.result, bad.scenario).toBe('rolled-back');
        expect(bad.steps.map((s) => [s.percent, s.outcome])).toEqual([[10, 'rolled-back']]);
      }
      const lastCheck = (r: RampRecord) => r.steps.at(-1)!.checks.at(-1)!;
      const objective = (r: RampRecord, name: string) => lastCheck(r).objectives.find((o) => o.objective.startsWith(name))!;
      expect(objective(errors, 'error-rate')).toMatchObject({ verdict: 'fail' });
      // Above the objective's 5 % on what the canary itself served (20 % injected; a first check sees few requests).
      expect(objective(errors, 'error-rate').canary).toBeGreaterThan(0.05);
      expect(objective(latency, 'p95')).toMatchObject({ verdict: 'fail' });
      expect(objective(latency, 'p95').canary).toBeGreaterThan(300);
      // A healthy canary on little traffic is not rolled back for lack of data: its steps wait for evidence.
      expect(low.result).toBe('promoted');
      expect(low.steps[0].checks.some((c) => c.verdict === 'inconclusive'), 'the first step waited for evidence').toBe(true);
      expect(errors.load.statuses['500']).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 480_000);
});
