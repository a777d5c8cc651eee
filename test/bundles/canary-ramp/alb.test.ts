/**
 * canary-ramp through its built bundle, as the runner runs it: ELBv2 on a real moto server, CloudWatch
 * answered by the local fake (real awsJson1_0 GetMetricData), main and post as separate processes.
 */
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBundle, runPost, startBundle } from '../../support/harness.js';
import { listenOnLoopback, type Listening } from '../../support/loopback.js';
import { forward } from '../../support/traffic/alb-fixture.js';
import { albRouterInputs, shown, useAlbWorld } from '../../support/traffic/alb-world.js';
import { targetGroupDimension } from '../../../actions/lib/arn.js';
import { MARK_TAG } from '../../../actions/traffic/tags.js';

const world = useAlbWorld();
const env = () => world.env();
const SLO = 'p95 < 200ms\nerror-rate < 1%';

const inputs = (listenerArn: string, over: Record<string, string> = {}) => albRouterInputs(world.fx, listenerArn, {
  steps: '10,50,100', 'bake-time': '2s', 'analysis-interval': '1s', slo: SLO, 'min-requests': '100', ...over,
});

async function weightsOf(listenerArn: string): Promise<number[]> {
  const [action] = await world.fx.defaultActions(listenerArn);
  return action.ForwardConfig?.TargetGroups?.map((g) => g.Weight ?? 1) ?? [100];
}

describe('canary-ramp bundle on moto ELBv2 + fake CloudWatch', () => {
  it('promotes a healthy canary step by step to 100 %, with outputs, summary and no mark left; post leaves it alone', async () => {
    world.cw.setScenario(targetGroupDimension(world.fx.canary, 'canary-target-group-arn'), 'healthy');
    const listenerArn = await world.fx.listener([forward([world.fx.stable, 100])]);
    const connectionsBefore = world.cw.connections();
    const checksBefore = world.cw.calls.length;
    const run = await runBundle('canary-ramp', { inputs: inputs(listenerArn), env: env() });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.outputs.result).toBe('promoted');
    expect(JSON.parse(run.outputs.weights)).toEqual({ stable: 0, canary: 100 });
    // Every check of the ramp goes through one CloudWatch client: one kept-alive connection, not one per check.
    expect(world.cw.calls.length - checksBefore).toBeGreaterThanOrEqual(3);
    expect(world.cw.connections() - connectionsBefore).toBe(1);
    expect(run.outputs['steps-completed']).toBe('3');
    const report = JSON.parse(run.outputs.report);
    expect(report.steps.map((s: { percent: number }) => s.percent)).toEqual([10, 50, 100]);
    expect(report.steps[0].checks.length).toBeGreaterThanOrEqual(2);
    expect(report.steps[0].checks.every((c: { verdict: string }) => c.verdict === 'pass')).toBe(true);
    expect(await weightsOf(listenerArn)).toEqual([0, 100]);
    expect((await world.fx.tags(listenerArn))[MARK_TAG]).toMatch(/^state=done owner=1\/1 stable=100 canary=0 step=100 /);
    expect(run.summary).toContain('| 10% | 90 / 10 |');
    expect(run.summary).toContain('```mermaid\nxychart-beta');
    expect(run.summary.trim().split('\n').at(-1)).toMatch(/^\*\*Promoted\*\*: every step passed/);
    expect(shown(run.warnings)).toMatch(/analysis-interval 1s is shorter than the metric period 1m/);
    // CloudWatch was asked about the router's canary target group only: no objective compares with the baseline.
    expect(world.cw.calls.some((c) => c.targets.includes(targetGroupDimension(world.fx.canary, 'canary-target-group-arn')))).toBe(true);
    expect(world.cw.calls.some((c) => c.targets.includes(targetGroupDimension(world.fx.stable, 'stable-target-group-arn')))).toBe(false);

    const post = await runPost('canary-ramp', run);
    expect(post.code).toBe(0);
    expect(post.stdout).toContain('the ramp finished; traffic left as it is');
    expect(await weightsOf(listenerArn)).toEqual([0, 100]);
  });

  it('rolls a failing canary back to the exact baseline without passing its first step', async () => {
    world.cw.setScenario(targetGroupDimension(world.fx.canary, 'canary-target-group-arn'), 'failing');
    const listenerArn = await world.fx.listener([forward([world.fx.stable, 100])]);
    const before = await world.fx.defaultActions(listenerArn);
    const run = await runBundle('canary-ramp', { inputs: inputs(listenerArn), env: env() });
    expect(run.code).not.toBe(0);
    expect(run.outputs.result).toBe('rolled-back');
    expect(run.outputs['steps-completed']).toBe('0');
    const report = JSON.parse(run.outputs.report);
    expect(report.steps).toHaveLength(1);
    expect(report.steps[0].percent).toBe(10);
    // The evidence against 8 % errors is overwhelming at once: one check, no second one needed.
    expect(report.steps[0].checks.map((c: { verdict: string }) => c.verdict)).toEqual(['fail']);
    expect(await world.fx.defaultActions(listenerArn)).toEqual(before);
    expect(shown(run.errors)).toMatch(/canary-ramp rolled-back: decisive failure at 10%.*error-rate.*evidence/);
    expect(run.summary.trim().split('\n').at(-1)).toMatch(/^\*\*Rolled back\*\*: decisive failure at 10%/);
  });

  it('is restored by its post entry when the main process is killed mid-ramp', async () => {
    world.cw.setScenario(targetGroupDimension(world.fx.canary, 'canary-target-group-arn'), 'healthy');
    const listenerArn = await world.fx.listener([forward([world.fx.stable, 100])]);
    const before = await world.fx.defaultActions(listenerArn);
    const running = startBundle('canary-ramp', { inputs: inputs(listenerArn, { 'bake-time': '10m', steps: '25,100' }), env: env() });
    await running.waitFor('25% check 1: pass');
    expect(await weightsOf(listenerArn)).toEqual([75, 25]);
    running.child.kill('SIGKILL');
    const main = await running.done;
    expect(main.signal).toBe('SIGKILL');
    expect((await world.fx.tags(listenerArn))[MARK_TAG]).toMatch(/^state=in-progress owner=1\/1 stable=100 canary=0 step=25 /);

    const post = await runPost('canary-ramp', main, { env: env() });
    expect(post.code, post.stdout).toBe(0);
    expect(shown(post.warnings)).toMatch(/the ramp did not finish; the baseline is restored/);
    expect(await world.fx.defaultActions(listenerArn)).toEqual(before);
    expect((await world.fx.tags(listenerArn))[MARK_TAG]).toMatch(/^state=done owner=1\/1 stable=100 canary=0 step=25 /);
  });

  it('sets result failed when it cannot act (a third target group carries traffic), and writes nothing', async () => {
    const listenerArn = await world.fx.listener([forward([world.fx.stable, 80], [world.fx.spare, 20])]);
    const before = await world.fx.defaultActions(listenerArn);
    const run = await runBundle('canary-ramp', { inputs: inputs(listenerArn), env: env() });
    expect(run.code).not.toBe(0);
    expect(shown(run.errors)).toMatch(/also sends traffic to .*spare.*; set its weight to 0 first/);
    expect(run.outputs.result).toBe('failed');
    expect(run.outputs['steps-completed']).toBe('0');
    expect(run.summary.trim().split('\n').at(-1)).toMatch(/^\*\*Failed\*\*: .*also sends traffic to/);
    expect(await world.fx.defaultActions(listenerArn)).toEqual(before);
    expect((await world.fx.tags(listenerArn))[MARK_TAG]).toBeUndefined();
  });

  it('rolls back by itself when cancelled (SIGTERM), and refuses a concurrent ramp on the same listener', async () => {
    world.cw.setScenario(targetGroupDimension(world.fx.canary, 'canary-target-group-arn'), 'healthy');
    const listenerArn = await world.fx.listener([forward([world.fx.stable, 100])]);
    const before = await world.fx.defaultActions(listenerArn);
    const first = startBundle('canary-ramp', { inputs: inputs(listenerArn, { 'bake-time': '10m', steps: '5,100' }), env: env() });
    await first.waitFor('5% check 1');

    const second = await runBundle('canary-ramp', { inputs: inputs(listenerArn), env: { ...env(), GITHUB_RUN_ID: '2' } });
    expect(second.code).not.toBe(0);
    expect(second.outputs.result).toBe('failed');
    expect(shown(second.errors)).toMatch(/Another canary ramp \(run 1\/1, now at 5%\) is in progress on .*takeover: true/);
    expect(await weightsOf(listenerArn)).toEqual([95, 5]);

    first.child.kill('SIGTERM');
    const cancelled = await first.done;
    expect(cancelled.outputs.result).toBe('rolled-back');
    expect(cancelled.outputs.report).toMatch(/cancelled \(cancelled by SIGTERM\)/);
    expect(await world.fx.defaultActions(listenerArn)).toEqual(before);
    const post = await runPost('canary-ramp', cancelled, { env: env() });
    expect(post.stdout).toContain('traffic left as it is');
  });

  it('a re-run after a lost runner restores the recorded baseline and ramps again; takeover does the same for another run', async () => {
    world.cw.setScenario(targetGroupDimension(world.fx.canary, 'canary-target-group-arn'), 'healthy');
    const listenerArn = await world.fx.listener([forward([world.fx.stable, 100])]);
    const lost = startBundle('canary-ramp', { inputs: inputs(listenerArn, { 'bake-time': '10m', steps: '50,100' }), env: env() });
    await lost.waitFor('50% check 1');
    lost.child.kill('SIGKILL');
    await lost.done;
    expect(await weightsOf(listenerArn)).toEqual([50, 50]);

    const rerun = await runBundle('canary-ramp', { inputs: inputs(listenerArn, { steps: '20,100', 'bake-time': '1s' }), env: { ...env(), GITHUB_RUN_ATTEMPT: '2' } });
    expect(rerun.code, rerun.stdout).toBe(0);
    expect(shown(rerun.warnings)).toMatch(/run 1\/1 \(an earlier attempt of this run\) left a ramp at 50%: starting again from its recorded baseline \(stable 100% \/ canary 0%\)/);
    const report = JSON.parse(rerun.outputs.report);
    expect(report.baseline).toEqual({ stable: 100, canary: 0 });
    expect(report.steps[0].weights).toEqual({ stable: 80, canary: 20 });

    // Another run's abandoned ramp: refused by default, taken over with takeover: true.
    const other = startBundle('canary-ramp', { inputs: inputs(listenerArn, { 'bake-time': '10m', steps: '100:10m' }), env: { ...env(), GITHUB_RUN_ID: '3' } });
    await other.waitFor('100% check 1');
    other.child.kill('SIGKILL');
    await other.done;
    const takeover = await runBundle('canary-ramp', { inputs: inputs(listenerArn, { takeover: 'true', 'dry-run': 'true', timeout: '7h' }), env: env() });
    expect(takeover.code, takeover.stdout).toBe(0);
    expect(shown(takeover.warnings)).toMatch(/timeout 7h is not below GitHub's 6-hour job limit/);
    expect(takeover.outputs.result).toBe('dry-run');
    expect(JSON.parse(takeover.outputs.report).baseline).toEqual({ stable: 0, canary: 100 });
  });
});

describe('canary-ramp bad inputs: a clear error and no AWS call at all', () => {
  let server: Listening;
  let requests = 0;
  beforeAll(async () => {
    server = await listenOnLoopback(createServer((req, res) => {
      requests++;
      res.writeHead(500).end();
    }));
  });
  afterAll(() => server.stop());

  const L = 'arn:aws:elasticloadbalancing:eu-central-1:123456789012:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2';
  const S = 'arn:aws:elasticloadbalancing:eu-central-1:123456789012:targetgroup/stable/73e2d6bc24d8a067';
  const C = 'arn:aws:elasticloadbalancing:eu-central-1:123456789012:targetgroup/canary/83e2d6bc24d8a067';
  const good = { router: 'alb', 'listener-arn': L, 'stable-target-group-arn': S, 'canary-target-group-arn': C, slo: SLO };
  it.each([
    [{ router: 'nginx' }, /Input "router": "nginx" is not one of alb \| ecs \| appmesh/],
    [{ steps: '1,25,5,100' }, /Input "steps": 5 after 25 is not increasing/],
    [{ steps: '1,5,150' }, /Input "steps": 150 is out of range; weights are percents from 1 to 100/],
    [{ steps: '1,5,50' }, /Input "steps" must end at 100/],
    [{ steps: '1,5:ten,100' }, /Input "steps": the bake time in "5:ten": "ten" is not a duration; expected .* from 0s to 24h/],
    [{ 'bake-time': '5 minutes' }, /Input "bake-time": "5 minutes" is not a duration; expected .*1h30m/],
    [{ 'analysis-interval': '0s' }, /Input "analysis-interval": "0s" is out of range; expected a duration from 1s to 1h/],
    [{ 'listener-arn': '' }, /Router "alb" needs input "listener-arn".*or "rule-arn"/],
    [{ 'canary-target-group-arn': '' }, /Input "canary-target-group-arn" is required for router "alb"/],
    [{ 'stable-target-group-arn': 'stable' }, /Input "stable-target-group-arn": "stable" is not valid; expected an ARN like arn:aws:elasticloadbalancing/],
    [{ 'canary-target-group-arn': S }, /must name two different target groups/],
    [{ 'max-failed-checks': '0' }, /Input "max-failed-checks": "0" is not valid; expected a whole number from 1 to 1000/],
    [{ 'on-inconclusive': 'wait' }, /Input "on-inconclusive": "wait" is not one of hold \| fail \| pass/],
    [{ slo: '' }, /slo/],
    [{ router: 'ecs', cluster: 'prod' }, /Input "service" is required for router "ecs"/],
    [{ router: 'appmesh', mesh: 'm', 'virtual-router': 'vr', route: 'r', 'stable-node': 'a', 'canary-node': 'a' }, /"canary-node" and "stable-node" must name two different virtual nodes/],
  ] as [Record<string, string>, RegExp][])('%o', async (over, message) => {
    const before = requests;
    const run = await runBundle('canary-ramp', { inputs: { ...good, ...over }, env: { AWS_ENDPOINT_URL: server.url } });
    expect(run.code).not.toBe(0);
    expect(shown(run.errors)).toMatch(message);
    expect(requests - before).toBe(0);
  });
});
