/**
 * canary-ramp and rollback with router ecs through their bundles: ECS answered by a local server
 * (the same state machine as the nock tests), CloudWatch by the local fake, judged per ECS step.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeCloudWatch, type FakeCloudWatch } from '../../support/fake-cloudwatch.js';
import { runBundle, runPost, startBundle } from '../../support/harness.js';
import { createEcsFake, serveEcsFake, TD, type EcsFakeOptions, type FakeEcs } from '../../support/traffic/ecs-fake.js';

const LB = 'app/web/0123456789abcdef';
const GREEN = 'targetgroup/green/0123456789abcdef';
const BLUE = 'targetgroup/blue/fedcba9876543210';

let cw: FakeCloudWatch;
let server: { endpoint: string; stop(): Promise<void> } | null = null;

beforeAll(async () => {
  cw = await startFakeCloudWatch({ now: () => Date.now() + 5 * 60_000, scenarios: { [BLUE]: 'healthy' } });
});
afterEach(async () => {
  await server?.stop();
  server = null;
});
afterAll(() => cw?.stop());

async function ecs(opts: EcsFakeOptions): Promise<FakeEcs> {
  const fake = createEcsFake(opts);
  server = await serveEcsFake(fake);
  return fake;
}
const env = () => ({ AWS_ENDPOINT_URL_ECS: server!.endpoint, AWS_ENDPOINT_URL_CLOUDWATCH: cw.endpoint });
const inputs = (over: Record<string, string> = {}) => ({
  router: 'ecs', cluster: 'prod', service: 'orders', 'bake-time': '2s', 'analysis-interval': '1s',
  slo: 'p95 < 200ms\nerror-rate < 1%', 'load-balancer': LB, 'canary-target-group': GREEN, 'baseline-target-group': BLUE, ...over,
});
const answers = (fake: FakeEcs) => fake.calls.filter((c) => c.op === 'ContinueServiceDeployment').map((c) => `${c.body.hookId}:${c.body.action}`);

describe('canary-ramp with router ecs (bundle)', () => {
  it('judges each ECS step at its PAUSE hook and CONTINUEs a healthy canary to promotion', async () => {
    cw.setScenario(GREEN, 'healthy');
    const fake = await ecs({ strategy: 'LINEAR', stepPercent: 50 });
    const run = await runBundle('canary-ramp', { inputs: inputs(), env: env() });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.outputs.result).toBe('promoted');
    expect(run.stdout).toContain('ECS decides the steps from the service\'s deployment configuration: 50, 100%.');
    expect(answers(fake)).toEqual(['ecs-pause-1:CONTINUE', 'ecs-pause-2:CONTINUE']);
    expect(fake.status).toBe('SUCCESSFUL');
    expect(JSON.parse(run.outputs.report).steps.map((s: { percent: number }) => s.percent)).toEqual([50, 100]);
  });

  it('answers ROLLBACK for a failing canary, and rollback then finds nothing more to do', async () => {
    cw.setScenario(GREEN, 'failing');
    const fake = await ecs({ strategy: 'CANARY', canaryPercent: 10 });
    const run = await runBundle('canary-ramp', { inputs: inputs(), env: env() });
    expect(run.outputs.result).toBe('rolled-back');
    expect(answers(fake)).toEqual(['ecs-pause-1:CONTINUE', 'ecs-pause-2:ROLLBACK']);
    expect(fake.status).toBe('ROLLBACK_IN_PROGRESS');

    const rb = await runBundle('rollback', { inputs: { router: 'ecs', cluster: 'prod', service: 'orders' }, env: env() });
    expect(rb.code, rb.stdout).toBe(0);
    expect(rb.outputs.changed).toBe('false');
    expect(rb.stdout).toMatch(/is already ROLLBACK_IN_PROGRESS; nothing to change/);
  });

  it('post rolls the deployment back through its paused hook when main is killed', async () => {
    cw.setScenario(GREEN, 'healthy');
    const fake = await ecs({ strategy: 'CANARY', canaryPercent: 10 });
    const running = startBundle('canary-ramp', { inputs: inputs({ 'bake-time': '10m' }), env: env() });
    await running.waitFor('10% check 1');
    running.child.kill('SIGKILL');
    const main = await running.done;
    const post = await runPost('canary-ramp', main, { env: env() });
    expect(post.code, post.stdout).toBe(0);
    expect(answers(fake)).toEqual(['ecs-pause-1:CONTINUE', 'ecs-pause-2:ROLLBACK']);
    expect(fake.tags.get('mesh-actions:canary-ramp')).toMatch(/^state=done /);
  });

  it('a deployment that never pauses cannot hold the job past the ramp timeout: rolled back at the deadline', async () => {
    cw.setScenario(GREEN, 'healthy');
    const fake = await ecs({ strategy: 'CANARY', canaryPercent: 10, paused: false });
    const started = Date.now();
    const run = await runBundle('canary-ramp', { inputs: inputs({ timeout: '3s' }), env: env(), timeoutMs: 25_000 });
    expect(run.signal, 'killed by the harness: the ECS wait ignored the timeout').toBeNull();
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(run.outputs.result, run.stdout).toBe('rolled-back');
    expect(run.outputs.report).toMatch(/gave up waiting [\d.]+m?s for the PAUSE hook before the shift to 10%/);
    expect(fake.calls.filter((c) => c.op === 'StopServiceDeployment')).toHaveLength(1);
    expect(fake.status).toBe('ROLLBACK_REQUESTED');
  }, 60_000);

  it('rollback with nothing in flight returns the service to its previous task definition, once', async () => {
    const fake = await ecs({ inFlight: false });
    const first = await runBundle('rollback', { inputs: { router: 'ecs', cluster: 'prod', service: 'orders' }, env: env() });
    expect(first.code, first.stdout).toBe(0);
    expect(JSON.parse(first.outputs.after)).toEqual({ taskDefinition: TD(6) });
    const again = await runBundle('rollback', { inputs: { router: 'ecs', cluster: 'prod', service: 'orders' }, env: env() });
    expect(again.outputs.changed).toBe('false');
    expect(fake.calls.filter((c) => c.op === 'UpdateService')).toHaveLength(1);
  });
});
