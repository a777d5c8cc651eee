/**
 * Deadlines and cancellation through the built bundle, as the runner runs it (moto ELBv2 behind the
 * fault proxy, the local CloudWatch): a ramp ends within its timeout plus one restore even while every
 * CloudWatch call hangs; repeated SIGINT/SIGTERM never abandon the restore; and when traffic cannot
 * be restored, main's and post's errors say where it stands and the exact commands that restore it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModifyListenerCommand, type Action } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { FakeCloudWatch } from '../support/fake-cloudwatch.js';
import { runBundle, runPost, startBundle } from '../support/harness.js';
import type { FaultProxy } from '../traffic/fault-proxy.js';
import { forward, type AlbFixture } from '../traffic/alb-fixture.js';
import { shown, startAlbWorld, type AlbWorld } from '../traffic/alb-world.js';
import { targetGroupDimension } from '../../actions/traffic/alb.js';
import { MARK_TAG } from '../../actions/traffic/tags.js';

let world: AlbWorld;
let proxy: FaultProxy;
let cw: FakeCloudWatch;
let fx: AlbFixture;

beforeAll(async () => {
  world = await startAlbWorld({ faults: true });
  ({ cw, fx, proxy } = world as Required<AlbWorld>);
});
afterAll(() => world?.stop());

const env = () => world.env();
const inputs = (listenerArn: string, over: Record<string, string> = {}) => ({
  router: 'alb', 'listener-arn': listenerArn, 'stable-target-group-arn': fx.stable, 'canary-target-group-arn': fx.canary,
  steps: '10,100', 'bake-time': '10m', 'analysis-interval': '1s', slo: 'p95 < 200ms', 'min-requests': '100',
  ...over,
});
/** An annotation as the runner shows it: its file-command escapes (%0A newlines, %25) undone. */
const annotation = (lines: string[]) => shown(lines).replace(/%0D/g, '\r').replace(/%0A/g, '\n');

describe('canary-ramp bundle: deadlines and signals', () => {
  it('ends within its timeout plus one restore while every CloudWatch call hangs, at exactly the baseline', async () => {
    proxy.clear();
    cw.setScenario(targetGroupDimension(fx.canary), 'healthy');
    const listenerArn = await fx.listener([forward([fx.stable, 100])]);
    const before = await fx.defaultActions(listenerArn);
    cw.failNext(1000, 'hang');
    try {
      const started = Date.now();
      const main = await runBundle('canary-ramp', { inputs: inputs(listenerArn, { steps: '5,100', timeout: '20s' }), env: env(), timeoutMs: 80_000 });
      const elapsedMs = Date.now() - started;
      console.info(`every CloudWatch call hanging: the ramp with timeout 20s ended after ${(elapsedMs / 1000).toFixed(1)} s`);
      expect(main.outputs.result, main.stdout).toBe('rolled-back');
      expect(shown(main.errors)).toMatch(/canary-ramp rolled-back: timeout 20s reached at 5%/);
      // Generous: the bound is what matters (before, the ramp was still at 5 % after 120 s), not the exact time.
      expect(elapsedMs).toBeLessThan(20_000 + 15_000);
      expect(await fx.defaultActions(listenerArn)).toEqual(before);
      expect((await fx.tags(listenerArn))[MARK_TAG]).toMatch(/^state=done owner=1\/1 stable=100 canary=0 step=5 /);
      const post = await runPost('canary-ramp', main, { env: env() });
      expect(post.stdout).toContain('traffic left as it is');
    } finally {
      cw.clearFaults();
    }
  }, 90_000);

  it('keeps restoring through repeated SIGINT and SIGTERM: back at the baseline, the mark closed', async () => {
    proxy.clear();
    cw.setScenario(targetGroupDimension(fx.canary), 'healthy');
    const listenerArn = await fx.listener([forward([fx.stable, 100])]);
    const before = await fx.defaultActions(listenerArn);
    const running = startBundle('canary-ramp', { inputs: inputs(listenerArn), env: env() });
    await running.waitFor('10% check 1');
    // The restore's write is held 3 s by the proxy, so every later signal lands while it is in flight.
    proxy.inject({ op: 'ModifyListener', fault: 'delay', delayMs: 3_000, times: 1 });
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
    expect(await fx.defaultActions(listenerArn)).toEqual(before);
    expect((await fx.tags(listenerArn))[MARK_TAG]).toMatch(/^state=done owner=1\/1 stable=100 canary=0 step=10 /);
    const post = await runPost('canary-ramp', main, { env: env() });
    expect(post.stdout).toContain('traffic left as it is');
  }, 60_000);

  it('when ELB writes keep failing, main and post say where traffic stands and the exact commands that restore it', async () => {
    proxy.clear();
    cw.setScenario(targetGroupDimension(fx.canary), 'healthy');
    const listenerArn = await fx.listener([forward([fx.stable, 100])]);
    const before = await fx.defaultActions(listenerArn);
    // The first write (20 %) lands; every later one fails, the restore's included.
    proxy.inject({ op: 'ModifyListener', fault: '500', times: Infinity, after: 1 });
    try {
      const main = await runBundle('canary-ramp', { inputs: inputs(listenerArn, { steps: '20,60,100', 'bake-time': '1s' }), env: env() });
      expect(main.outputs.result, main.stdout).toBe('failed');
      const error = annotation(main.errors);
      expect(error).toContain('restoring the baseline failed too');
      expect(error).toMatch(new RegExp(`Traffic on ${listenerArn} as read last \\(\\d{4}-[^)]+\\): stable target group ${fx.stable} 80%, canary target group ${fx.canary} 20%\\.`));
      expect(error).toContain([
        '    - uses: mesh-actions/mesh-actions/rollback@v1',
        '      with:',
        '        router: alb',
        `        listener-arn: ${listenerArn}`,
        `        stable-target-group-arn: ${fx.stable}`,
        `        canary-target-group-arn: ${fx.canary}`,
        '        to: stable',
        '        region: eu-central-1',
      ].join('\n'));
      expect(error).toContain(`gh workflow run rollback.yml -f router=alb -f target='${listenerArn} ${fx.stable} ${fx.canary}' -f to=stable -f region=eu-central-1 -f aws-role-arn=`);
      expect(main.summary).toContain('**Traffic is not back at the baseline.**');

      const post = await runPost('canary-ramp', main, { env: env() });
      expect(post.code).not.toBe(0);
      const postError = annotation(post.errors);
      expect(postError).toMatch(new RegExp(`canary-ramp post: restoring the baseline \\(stable 100% / canary 0%\\) on ${listenerArn} failed: `));
      expect(postError).toContain(`stable target group ${fx.stable} 80%, canary target group ${fx.canary} 20%`);
      expect(postError).toContain(`gh workflow run rollback.yml -f router=alb -f target='${listenerArn} ${fx.stable} ${fx.canary}'`);

      // The AWS CLI command, as printed, restores the exact listener once ELB accepts writes again.
      for (const text of [error, postError]) {
        const cli = new RegExp(`- the AWS CLI: aws elbv2 modify-listener --listener-arn ${listenerArn} --default-actions '(.+)' --region eu-central-1$`, 'm').exec(text);
        expect(cli, text).not.toBeNull();
        const actions = JSON.parse(cli![1].replace(/'\\''/g, "'")) as Action[];
        expect(actions).toEqual(before);
      }
      proxy.clear();
      const cli = /--default-actions '(.+)' --region/.exec(error)!;
      await fx.elb.send(new ModifyListenerCommand({ ListenerArn: listenerArn, DefaultActions: JSON.parse(cli[1]) as Action[] }));
      expect(await fx.defaultActions(listenerArn)).toEqual(before);
    } finally {
      proxy.clear();
    }
  }, 90_000);
});
