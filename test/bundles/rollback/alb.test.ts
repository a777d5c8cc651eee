/** The rollback action through its bundle against moto's ELBv2, including a rollback during a live ramp. */
import { describe, expect, it } from 'vitest';
import { runBundle, runPost, startBundle } from '../../support/harness.js';
import { forward } from '../../support/traffic/alb-fixture.js';
import { albRouterInputs, shown, useAlbWorld } from '../../support/traffic/alb-world.js';
import { AddTagsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { MARK_TAG } from '../../../actions/traffic/tags.js';

const world = useAlbWorld();
const albInputs = (listenerArn: string, over: Record<string, string> = {}) => albRouterInputs(world.fx, listenerArn, over);
const weightsOf = async (listenerArn: string) =>
  (await world.fx.defaultActions(listenerArn))[0].ForwardConfig?.TargetGroups?.map((g) => g.Weight) ?? [];

describe('rollback bundle on moto ELBv2', () => {
  it('to: stable puts stable at 100 %, prints before and after, and changes nothing the second time', async () => {
    const listenerArn = await world.fx.listener([forward([world.fx.stable, 30], [world.fx.canary, 70])]);
    // The service-specific endpoint variable alone (the SDK's name for ELBv2) is enough.
    const elbOnly = { ...world.moto.env, AWS_ENDPOINT_URL: undefined, AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2: world.moto.endpoint };
    const first = await runBundle('rollback', { inputs: albInputs(listenerArn), env: elbOnly });
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.outputs.changed).toBe('true');
    expect(JSON.parse(first.outputs.before)).toEqual({ stable: 30, canary: 70 });
    expect(JSON.parse(first.outputs.after)).toEqual({ stable: 100, canary: 0 });
    expect(first.stdout).toContain('Before: {"stable":30,"canary":70}');
    expect(first.stdout).toContain('After:  {"stable":100,"canary":0}');
    expect(await weightsOf(listenerArn)).toEqual([100, 0]);
    // Stickiness survives the rollback.
    expect((await world.fx.defaultActions(listenerArn))[0].ForwardConfig?.TargetGroupStickinessConfig).toEqual({ Enabled: true, DurationSeconds: 600 });

    const again = await runBundle('rollback', { inputs: albInputs(listenerArn), env: world.moto.env });
    expect(again.code).toBe(0);
    expect(again.outputs.changed).toBe('false');
    expect(shown([again.stdout])).toMatch(/is already at stable 100% \/ canary 0% \(stable takes all traffic\); nothing to change/);
  });

  it('to: baseline restores the weights the last ramp recorded, and refuses without a recorded ramp', async () => {
    const listenerArn = await world.fx.listener([forward([world.fx.stable, 0], [world.fx.canary, 100])]);
    const refused = await runBundle('rollback', { inputs: albInputs(listenerArn, { to: 'baseline' }), env: world.moto.env });
    expect(refused.code).not.toBe(0);
    expect(shown(refused.errors)).toMatch(/no canary ramp is recorded on .*listener.*so its baseline is unknown; use to: stable/);
    expect(await weightsOf(listenerArn)).toEqual([0, 100]);

    await world.fx.elb.send(new AddTagsCommand({ ResourceArns: [listenerArn], Tags: [{ Key: MARK_TAG, Value: 'state=done owner=9/1 stable=80 canary=20 step=100 deadline=1' }] }));
    const run = await runBundle('rollback', { inputs: albInputs(listenerArn, { to: 'baseline' }), env: world.moto.env });
    expect(run.code, run.stdout).toBe(0);
    expect(JSON.parse(run.outputs.after)).toEqual({ stable: 80, canary: 20 });
    expect(await weightsOf(listenerArn)).toEqual([80, 20]);
    expect(run.summary).toContain('the baseline run 9/1 recorded before its ramp');
  });

  it('refuses a canary target group the listener does not forward to, naming the input and what it forwards to; writes nothing', async () => {
    // A wrong canary ARN (or the wrong listener) would otherwise read as "already at stable" and exit 0.
    const listenerArn = await world.fx.listener([forward([world.fx.stable, 100], [world.fx.spare, 0])]);
    const before = await world.fx.defaultActions(listenerArn);
    for (const to of ['stable', 'baseline']) {
      const run = await runBundle('rollback', { inputs: albInputs(listenerArn, { to }), env: world.moto.env });
      expect(run.code, run.stdout).not.toBe(0);
      expect(shown(run.errors)).toContain(
        `Input "canary-target-group-arn": ${world.fx.canary} is not on the forward action of ${listenerArn}, which forwards to ${world.fx.stable} (100%), ${world.fx.spare} (0%); ` +
        'give the canary target group of this listener (nothing was changed).',
      );
      expect(run.outputs.changed).toBeUndefined();
    }
    expect(await world.fx.defaultActions(listenerArn)).toEqual(before);
    expect(await world.fx.tags(listenerArn)).toEqual({});
  });

  it('during a live ramp: rolls back, and the ramp stops at its next step without touching traffic again', async () => {
    const listenerArn = await world.fx.listener([forward([world.fx.stable, 100])]);
    const ramp = startBundle('canary-ramp', {
      inputs: { ...albInputs(listenerArn), steps: '10,50,100', 'bake-time': '8s', 'analysis-interval': '1s', slo: 'p95 < 200ms', 'min-requests': '100' },
      env: { ...world.moto.env, AWS_ENDPOINT_URL_CLOUDWATCH: world.cw.endpoint },
    });
    await ramp.waitFor('10% check 1');
    // The step bakes 8 s: time enough for the rollback to land while the ramp is still at 10 %, even on a loaded runner.
    const rb = await runBundle('rollback', { inputs: albInputs(listenerArn), env: world.moto.env });
    expect(rb.code, rb.stdout).toBe(0);
    expect(JSON.parse(rb.outputs.before)).toEqual({ stable: 90, canary: 10 });
    expect((await world.fx.tags(listenerArn))[MARK_TAG]).toMatch(/^state=done owner=1\/1 /);

    const main = await ramp.done;
    expect(main.outputs.result).toBe('failed');
    expect(shown(main.errors)).toMatch(/was changed \(done by run 1\/1\): another run or the rollback action took over; traffic left as they set it/);
    expect(JSON.parse(main.outputs.report).steps.map((s: { percent: number }) => s.percent)).toEqual([10]);
    expect(await weightsOf(listenerArn)).toEqual([100, 0]);
    const post = await runPost('canary-ramp', main, { env: world.moto.env });
    expect(post.stdout).toContain('traffic left as it is');
    expect(await weightsOf(listenerArn)).toEqual([100, 0]);
  });

  it.each([
    [{ to: 'previous' }, /Input "to": "previous" is not one of stable \| baseline/],
    [{ router: '' }, /Input "router" is required: one of alb \| ecs \| appmesh/],
    [{ 'rule-arn': 'arn:aws:elasticloadbalancing:eu-central-1:123456789012:listener-rule/app/a/1/2/3' }, /"listener-arn" and "rule-arn" are exclusive/],
  ] as [Record<string, string>, RegExp][])('bad input %o: a clear error, no AWS call', async (over, message) => {
    const listenerArn = 'arn:aws:elasticloadbalancing:eu-central-1:123456789012:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2';
    const run = await runBundle('rollback', { inputs: albInputs(listenerArn, over), env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:9' } });
    expect(run.code).not.toBe(0);
    expect(shown(run.errors)).toMatch(message);
    expect(run.stdout).not.toMatch(/retry \d/);
  });
});
