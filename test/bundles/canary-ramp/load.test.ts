/**
 * Synthetic load through canary-ramp's built bundle (autocannon loaded from the bundle's own chunk),
 * as the runner runs it: ELBv2 on moto, CloudWatch answered by the local fake, the load sent to a
 * loopback server that counts what arrives. The process must end by itself with the load stopped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBundle, startBundle } from '../../support/harness.js';
import { forward } from '../../support/traffic/alb-fixture.js';
import { albRouterInputs, shown, useAlbWorld } from '../../support/traffic/alb-world.js';
import { targetGroupDimension } from '../../../actions/lib/arn.js';
import { startTarget, type LoadTarget } from '../../support/load-target.js';

const world = useAlbWorld();
let target: LoadTarget;
beforeAll(async () => {
  target = await startTarget();
});
afterAll(() => target?.stop());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const arrived = (path: string) => target.received.filter((r) => r.url === path).length;

const inputs = (listenerArn: string, path: string, over: Record<string, string> = {}) => albRouterInputs(world.fx, listenerArn, {
  steps: '10,50,100',
  'bake-time': '2s',
  'analysis-interval': '1s',
  slo: 'p95 < 200ms\nerror-rate < 1%',
  'load-url': `${target.url}${path}`,
  'load-rate': '20',
  'load-headers': 'X-Canary: always',
  ...over,
});

describe('canary-ramp bundle with synthetic load', () => {
  it('sends the load during the bakes, says so in the log and summary, and exits with it stopped', async () => {
    world.cw.setScenario(targetGroupDimension(world.fx.canary, 'canary-target-group-arn'), 'healthy');
    const listenerArn = await world.fx.listener([forward([world.fx.stable, 100])]);
    const run = await runBundle('canary-ramp', { inputs: inputs(listenerArn, '/healthy'), env: world.env() });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.outputs.result).toBe('promoted');
    expect(run.stdout).toContain(`Synthetic load during every bake: autocannon GET ${target.url}/healthy at 20 requests/s over 4 connections, 10s timeout per request.`);
    expect(run.stdout).toMatch(/ {2}10% synthetic load: \d+ requests \(0 non-2xx, 0 errors\) in \d+s at 20\/s/);
    const report = JSON.parse(run.outputs.report);
    const sent = report.steps.slice(0, 2).map((s: { load: { requests: number } }) => s.load.requests);
    for (const n of sent) expect(n).toBeGreaterThanOrEqual(20);
    expect(report.steps[2].load).toBeUndefined();
    expect(run.summary).toMatch(/\*\*Synthetic load\*\* \(autocannon\) to http:\/\/127\.0\.0\.1:\d+\/healthy at 20 requests\/s during each bake/);
    const atExit = arrived('/healthy');
    expect(atExit).toBeGreaterThanOrEqual(sent[0] + sent[1]);
    expect(target.received.find((r) => r.url === '/healthy')!.headers['x-canary']).toBe('always');
    await sleep(1000);
    expect(arrived('/healthy')).toBe(atExit);
  });

  it('stops the load when the runner cancels the job (SIGTERM mid-bake): rolled back, nothing arrives after the exit', async () => {
    world.cw.setScenario(targetGroupDimension(world.fx.canary, 'canary-target-group-arn'), 'healthy');
    const listenerArn = await world.fx.listener([forward([world.fx.stable, 100])]);
    const running = startBundle('canary-ramp', { inputs: inputs(listenerArn, '/cancelled', { 'bake-time': '10m', steps: '25,100' }), env: world.env() });
    await running.waitFor('25% check 1: pass');
    expect(arrived('/cancelled')).toBeGreaterThan(0);
    running.child.kill('SIGTERM');
    const run = await running.done;
    expect(run.signal).toBeNull();
    expect(run.outputs.result).toBe('rolled-back');
    expect(run.stdout).toMatch(/25% synthetic load: \d+ requests/);
    const atExit = arrived('/cancelled');
    await sleep(1000);
    expect(arrived('/cancelled')).toBe(atExit);
  });

  it('refuses load-tool k6 when k6 is not on PATH, before any AWS call', async () => {
    const listenerArn = await world.fx.listener([forward([world.fx.stable, 100])]);
    const before = await world.fx.defaultActions(listenerArn);
    const tagsBefore = await world.fx.tags(listenerArn);
    const run = await runBundle('canary-ramp', { inputs: inputs(listenerArn, '/k6', { 'load-tool': 'k6' }), env: { ...world.env(), PATH: '/nonexistent' } });
    expect(run.code).not.toBe(0);
    expect(shown(run.errors)).toMatch(/Input "load-tool": k6 is not on PATH; install it before this step/);
    expect(await world.fx.defaultActions(listenerArn)).toEqual(before);
    expect(await world.fx.tags(listenerArn)).toEqual(tagsBefore);
    expect(arrived('/k6')).toBe(0);
  });
});
