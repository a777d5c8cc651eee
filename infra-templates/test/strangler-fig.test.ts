/**
 * Strangler Fig on the edge ALB, in moto's ELBv2: the legacy path's rule as the edge template makes
 * it (a Lambda target group and the replacing ECS service's ip target group, weighted 100/0, the
 * path and priority from the template), then canary-ramp's ALB router moves the path from the Lambda
 * to ECS step by step, and back (rollback restores the recorded baseline).
 */
import { DescribeSubnetsCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DescribeRulesCommand,
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
  type Action,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { expect, test } from 'vitest';
import { FakeClock } from '../../common/clock.js';
import { AlbRouter } from '../../actions/traffic/alb.js';
import { retryingCall } from '../../actions/traffic/call.js';
import { makeRouter } from '../../actions/traffic/config.js';
import { useMoto } from '../../test/support/use-moto.js';
import { loadParameterFile, loadTemplate, parameterFilePath } from '../lib/files.js';
import { instantiate } from '../lib/evaluate.js';

const REGION = 'eu-central-1';
useMoto(REGION);

test('canary-ramp\'s ALB router moves the legacy path from the Lambda target group to the ECS one, and back', async () => {
  const values = loadParameterFile(parameterFilePath('staging', REGION, 'edge'));
  const edge = instantiate(loadTemplate('edge'), values);
  const lambdaTg = edge.Resources.LegacyLambdaTargetGroup.Properties!;
  const ecsTg = edge.Resources.LegacyReplacementTargetGroup.Properties!;
  const rule = edge.Resources.LegacyRule.Properties!;
  expect(lambdaTg.TargetType).toBe('lambda');
  expect(ecsTg.TargetType).toBe('ip');

  const ec2 = new EC2Client({ region: REGION });
  const elb = new ElasticLoadBalancingV2Client({ region: REGION });
  const subnets = (await ec2.send(new DescribeSubnetsCommand({}))).Subnets!;
  const lb = (await elb.send(new CreateLoadBalancerCommand({ Name: 'staging-edge', Subnets: subnets.slice(0, 2).map((s) => s.SubnetId!) }))).LoadBalancers![0];
  const legacy = (await elb.send(new CreateTargetGroupCommand({ Name: 'staging-edge-legacy', TargetType: 'lambda' }))).TargetGroups![0].TargetGroupArn!;
  await elb.send(new RegisterTargetsCommand({ TargetGroupArn: legacy, Targets: [{ Id: String(values.LegacyFunctionArn) }] }));
  const replacement = (await elb.send(new CreateTargetGroupCommand({ Name: 'staging-legacy-ecs', TargetType: 'ip', Protocol: 'HTTP', Port: 8080, VpcId: subnets[0].VpcId }))).TargetGroups![0].TargetGroupArn!;
  const listener = (await elb.send(new CreateListenerCommand({
    LoadBalancerArn: lb.LoadBalancerArn, Protocol: 'HTTP', Port: 80,
    DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '403', ContentType: 'text/plain', MessageBody: 'Forbidden' } }],
  }))).Listeners![0].ListenerArn!;

  // The template's forward action with the target groups moto made in place of its Refs.
  const arnOf: Record<string, string> = { LegacyLambdaTargetGroup: legacy, LegacyReplacementTargetGroup: replacement };
  const [forward] = rule.Actions as Action[];
  const actions: Action[] = [{
    ...forward,
    ForwardConfig: { ...forward.ForwardConfig, TargetGroups: forward.ForwardConfig!.TargetGroups!.map((g) => ({ ...g, TargetGroupArn: arnOf[(g.TargetGroupArn as unknown as { Ref: string }).Ref] })) },
  }];
  const path = rule.Conditions.find((c: { Field: string }) => c.Field === 'path-pattern');
  const ruleArn = (await elb.send(new CreateRuleCommand({ ListenerArn: listener, Priority: rule.Priority, Conditions: [path], Actions: actions }))).Rules![0].RuleArn!;

  const types = (await elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [legacy, replacement] }))).TargetGroups!.map((g) => g.TargetType);
  expect(types).toEqual(['lambda', 'ip']);

  const clock = new FakeClock();
  const router = makeRouter(
    { kind: 'alb', region: REGION, ruleArn, stableTargetGroupArn: legacy, canaryTargetGroupArn: replacement },
    { call: retryingCall({ clock }), clock, log: () => {} },
  ) as AlbRouter;
  const weights = async () => {
    const [a] = (await elb.send(new DescribeRulesCommand({ RuleArns: [ruleArn] }))).Rules![0].Actions!;
    return Object.fromEntries(a.ForwardConfig!.TargetGroups!.map((g) => [g.TargetGroupArn === legacy ? 'lambda' : 'ecs', g.Weight]));
  };

  expect(await weights()).toEqual({ lambda: 100, ecs: 0 });
  const baseline = await router.snapshot();
  expect(baseline.weights).toEqual({ stable: 100, canary: 0 });
  const seen: Record<string, number | undefined>[] = [];
  for (const step of [5, 25, 50, 100]) {
    await router.shift(step);
    seen.push(await weights());
    expect(await router.read()).toEqual({ stable: 100 - step, canary: step });
  }
  expect(seen).toEqual([{ lambda: 95, ecs: 5 }, { lambda: 75, ecs: 25 }, { lambda: 50, ecs: 50 }, { lambda: 0, ecs: 100 }]);
  // The rule's path and priority stay what the template says; only the weights moved.
  const now = (await elb.send(new DescribeRulesCommand({ RuleArns: [ruleArn] }))).Rules![0];
  expect(now.Priority).toBe(String(rule.Priority));
  expect(now.Conditions!.find((c) => c.Field === 'path-pattern')!.PathPatternConfig!.Values).toEqual([values.LegacyPathPattern]);

  // Rollback puts the path back on the Lambda exactly as it was.
  await router.restore(baseline);
  expect(await weights()).toEqual({ lambda: 100, ecs: 0 });
});
