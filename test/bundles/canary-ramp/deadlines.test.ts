/**
 * Deadlines and cancellation through the built bundle, as the runner runs it (moto ELBv2 behind the
 * fault proxy, the local CloudWatch): a ramp ends within its timeout plus one restore even while every
 * CloudWatch call hangs; repeated SIGINT/SIGTERM never abandon the restore; and when traffic cannot
 * be restored, main's and post's errors say where it stands and the exact commands that restore it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ModifyListenerCommand, type Action } from '@aws-sdk/client-elastic-load-balancing-v2';
import { runBundle, runPost, startBundle } from '../../support/harness.js';
import { forward } from '../../support/traffic/alb-fixture.js';
import { albRouterInputs, shown, useAlbWorld } from '../../support/traffic/alb-world.js';
import { targetGroupDimension } from '../../../actions/lib/arn.js';
import { MARK_TAG } from '../../../actions/traffic/tags.js';

const world = useAlbWorld({ faults: true });
const env = () => world.env();
const inputs = (listenerArn: string, over: Record<string, string> = {}) => albRouterInputs(world.fx, listenerArn, {
  steps: '10,100', 'bake-time': '10m', 'analysis-interval': '1s', slo: 'p95 < 200ms', 'min-requests': '100',
  ...over,
});
/** An annotation as the runner shows it: its file-command escapes (%0A newlines, %25) undone. */
const annotation = (lines: string[]) => shown(lines).replace(/%0D/g, '\r').replace(/%0A/g, '\n');

describe('canary-ramp bundle: deadlines and signals', () => {
  it('ends within its timeout plus one restore while every CloudWatch call hangs, at exactly the baseline', async () => {
    world.proxy.clear();
    world.cw.setScenario(targetGroupDimension(world.fx.canary, 'canary-target-group-arn'), 'healthy');
    const listenerArn = await world.fx.listener([forward([world.fx.stable, 100])]);
    const before = await world.fx.defaultActions(listenerArn);
    world.cw.failNext(1000, 'hang');
    try {
      const started = Date.now();
      const main = await runBundle('canary-ramp', { inputs: inputs(listenerArn, { steps: '5,100', timeout: '20s' }), env: env(), timeoutMs: 80_000 });
      const elapsedMs = Date.now() - started;
      console.info(`every CloudWatch call hanging: the ramp with timeout 20s ended after ${(elapsedMs / 1000).toFixed(1)} s`);
      expect(main.outputs.result, main.stdout).toBe('rolled-back');
      expect(shown(main.errors)).toMatch(/canary-ramp rolled-back: timeout 20s reached at 5%/);
      // Generous: the bound is what matters (before, the ramp was still at 5 % after 120 s), not the exact time.
      expect(elapsedMs).toBeLessThan(20_000 + 15_000);
      expect(await world.fx.defaultActions(listenerArn)).toEqual(before);
      expect((await world.fx.tags(listenerArn))[MARK_TAG]).toMatch(/^state=done owner=1\/1 stable=100 canary=0 step=5 /);
      const post = await runPost('canary-ramp', main, { env: env() });
      expect(post.stdout).toContain('traffic left as it is');
    } finally {
      world.cw.clearFaults();
    }
  }, 90_000);

  it('keeps restoring through repeated SIGINT and SIGTERM: back at the baseline, the mark closed', async () => {
    world.proxy.clear();
    world.cw.setScenario(targetGroupDimension(world.fx.canary, 'canary-target-group-arn'), 'healthy');
    const listenerArn = await world.fx.listener([forward([world.fx.stable, 100])]);
    const before = await world.fx.defaultActions(listenerArn);
    const running = startBundle('canary-ramp', { inputs: inputs(listenerArn), env: env() });
    await running.waitFor('10% check 1');
    // The restore's write is held 3 s by the proxy, so every later signal lands while it is in flight.
    world.proxy.inject({ op: 'ModifyListener', fault: 'delay', delayMs: 3_000, times: 1 });
    running.child.kill('SIGINT');
    await running.waitFor('Rolling back to the baseline');
    for (const sig of ['SIGINT', 'SIGINT', 'SIGTERM', 'SIGINT'] as const) {
      running.child.kill(sig);
      await sleep(150);
    }
    const main = await running.done;
    expect(main.signal, main.stdout).toBeNull();
    expect(main.outputs.result).toBe('rolled-back');
    expect(main.outputs.report).toMatch(/cancelled \(cancelled by SIGINT\)/);
    expect(shown(main.warnings)).toMatch(/Received SIGINT again: ignored while traffic is put back/);
    expect(shown(main.warnings)).toMatch(/Received SIGTERM again: ignored/);
    expect(await world.fx.defaultActions(listenerArn)).toEqual(before);
    expect((await world.fx.tags(listenerArn))[MARK_TAG]).toMatch(/^state=done owner=1\/1 stable=100 canary=0 step=10 /);
    const post = await runPost('canary-ramp', main, { env: env() });
    expect(post.stdout).toContain('traffic left as it is');
  }, 60_000);

  it('when ELB writes keep failing, main and post say where traffic stands and the exact commands that restore it', async () => {
    world.proxy.clear();
    world.cw.setScenario(targetGroupDimension(world.fx.canary, 'canary-target-group-arn'), 'healthy');
    const listenerArn = await world.fx.listener([forward([world.fx.stable, 100])]);
    const before = await world.fx.defaultActions(listenerArn);
    // The first write (20 %) lands; every later one fails, the restore's included.
    world.proxy.inject({ op: 'ModifyListener', fault: '500', times: Infinity, after: 1 });
    try {
      const main = await runBundle('canary-ramp', { inputs: inputs(listenerArn, { steps: '20,60,100', 'bake-time': '1s' }), env: env() });
      expect(main.outputs.result, main.stdout).toBe('failed');
      const error = annotation(main.errors);
      expect(error).toContain('restoring the baseline failed too');
      expect(error).toMatch(new RegExp(`Traffic on ${listenerArn} as read last \\(\\d{4}-[^)]+\\): stable target group ${world.fx.stable} 80%, canary target group ${world.fx.canary} 20%\\.`));
      expect(error).toContain([
        '    - uses: mesh-actions/mesh-actions/rollback@v1',
        '      with:',
        '        router: alb',
        `        listener-arn: ${listenerArn}`,
        `        stable-target-group-arn: ${world.fx.stable}`,
        `        canary-target-group-arn: ${world.fx.canary}`,
        '        to: stable',
        '        region: eu-central-1',
      ].join('\n'));
      expect(error).toContain(`gh workflow run rollback.yml -f router=alb -f target='${listenerArn} ${world.fx.stable} ${world.fx.canary}' -f to=stable -f region=eu-central-1 -f aws-role-arn=`);
      expect(main.summary).toContain('**Traffic is not back at the baseline.**');

      const post = await runPost('canary-ramp', main, { env: env() });
      expect(post.code).not.toBe(0);
      const postError = annotation(post.errors);
      expect(postError).toMatch(new RegExp(`canary-ramp post: restoring the baseline \\(stable 100% / canary 0%\\) on ${listenerArn} failed: `));
      expect(postError).toContain(`stable target group ${world.fx.stable} 80%, canary target group ${world.fx.canary} 20%`);
      expect(postError).toContain(`gh workflow run rollback.yml -f router=alb -f target='${listenerArn} ${world.fx.stable} ${world.fx.canary}'`);

      // The AWS CLI command, as printed, restores the exact listener once ELB accepts writes again.
      for (const text of [error, postError]) {
        const cli = new RegExp(`- the AWS CLI: aws elbv2 modify-listener --listener-arn ${listenerArn} --default-actions '(.+)' --region eu-central-1$`, 'm').exec(text);
        expect(cli, text).not.toBeNull();
        const actions = JSON.parse(cli![1].replace(/'\\''/g, "'")) as Action[];
        expect(actions).toEqual(before);
      }
      world.proxy.clear();
      const cli = /--default-actions '(.+)' --region/.exec(error)!;
      await world.fx.elb.send(new ModifyListenerCommand({ ListenerArn: listenerArn, DefaultActions: JSON.parse(cli[1]) as Action[] }));
      expect(await world.fx.defaultActions(listenerArn)).toEqual(before);
    } finally {
      world.proxy.clear();
    }
  }, 90_000);
});
