/**
 * Faults through the bundle: a proxy in front of moto injects throttling, 500s and resets into the
 * ELBv2 calls of a real ramp; the fake CloudWatch fails GetMetricData. After main (and post, as the
 * runner runs it) the listener is always promoted or back at the exact baseline. Every fault at every
 * call is in actions/traffic/alb.test.ts (module level, fake clock); these are the end-to-end samples,
 * with real backoff, so they are few.
 */
import { describe, expect, it } from 'vitest';
import { runBundle, runPost } from '../../support/harness.js';
import type { Fault } from '../../support/traffic/fault-proxy.js';
import { forward } from '../../support/traffic/alb-fixture.js';
import { albRouterInputs, shown, useAlbWorld } from '../../support/traffic/alb-world.js';

const world = useAlbWorld({ faults: true });
const env = () => world.env();
const inputs = (listenerArn: string) => albRouterInputs(world.fx, listenerArn, {
  steps: '20,60,100', 'bake-time': '1s', 'analysis-interval': '1s', slo: 'p95 < 200ms', 'min-requests': '100',
});

describe('canary-ramp bundle under faults', () => {
  it.each([
    ['throttle', 'ModifyListener', false, 'promoted', 'left alone'],
    ['reset', 'DescribeListeners', false, 'promoted', 'left alone'],
    ['500', 'ModifyListener', true, 'failed', 'restored'],
  ] as [Fault, string, boolean, string, string][])('%s at %s (persistent: %s) → main %s, post %s, end state promoted or the exact baseline', async (fault, op, persistent, result, postSays) => {
    world.proxy.clear();
    const listenerArn = await world.fx.listener([forward([world.fx.stable, 100])]);
    const before = await world.fx.defaultActions(listenerArn);
    // Persistent faults start mid-ramp (the op's 2nd call) and last until healed; transient ones are two failures.
    world.proxy.inject(persistent ? { op, fault, times: Infinity, after: 1 } : { op, fault, times: 2 });
    const main = await runBundle('canary-ramp', { inputs: inputs(listenerArn), env: env() });
    expect(main.outputs.result, main.stdout).toBe(result);
    expect(main.stdout).toMatch(new RegExp(`::warning::${op}: .*retry 1 in \\d+ ms`));
    world.proxy.clear(); // the fault heals; the runner runs post
    const post = await runPost('canary-ramp', main, { env: env() });
    expect(post.code, post.stdout).toBe(0);
    expect(post.stdout + post.warnings.join('\n')).toContain(postSays === 'restored' ? 'the baseline is restored' : 'traffic left as it is');
    const end = await world.fx.defaultActions(listenerArn);
    if (result === 'promoted') expect(end[0].ForwardConfig?.TargetGroups?.map((g) => g.Weight)).toEqual([0, 100]);
    else expect(end).toEqual(before);
  });

  it('rolls back when CloudWatch keeps failing: a judge that cannot measure counts as a failed check', async () => {
    world.proxy.clear();
    const listenerArn = await world.fx.listener([forward([world.fx.stable, 100])]);
    const before = await world.fx.defaultActions(listenerArn);
    world.cw.failNext(1000, 'server-error');
    try {
      const main = await runBundle('canary-ramp', { inputs: inputs(listenerArn), env: env() });
      expect(main.outputs.result).toBe('rolled-back');
      expect(JSON.parse(main.outputs.report).steps[0].checks.map((c: { verdict: string }) => c.verdict)).toEqual(['error', 'error']);
      expect(main.outputs.report).toMatch(/the judge failed/);
      expect(await world.fx.defaultActions(listenerArn)).toEqual(before);
    } finally {
      world.cw.failNext(0, 'server-error');
    }
  });
});
