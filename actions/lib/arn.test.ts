// One mapping from ELB ARNs to CloudWatch dimensions, for traffic and metrics alike.
import { describe, expect, it } from 'vitest';
import { loadBalancerDimension, targetGroupDimension } from './arn.js';
import { InputError } from '../../common/errors.js';

const LB = 'app/platform-prod/50dc6c495c0c9188';
const TG = 'targetgroup/auth-green/73e2d6bc24d8a067';

describe('loadBalancerDimension', () => {
  it.each([
    ['the dimension itself', LB, LB],
    ['a load balancer ARN', `arn:aws:elasticloadbalancing:eu-central-1:123456789012:loadbalancer/${LB}`, LB],
    ['a listener ARN', `arn:aws:elasticloadbalancing:eu-central-1:123456789012:listener/${LB}/f2f7dc8efc522ab2`, LB],
    ['a listener rule ARN', `arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/${LB}/f2f7dc8efc522ab2/9683b2d02a6cabee`, LB],
    ['GovCloud', `arn:aws-us-gov:elasticloadbalancing:us-gov-west-1:123456789012:listener/${LB}/f2f7dc8efc522ab2`, LB],
    ['China', `arn:aws-cn:elasticloadbalancing:cn-north-1:123456789012:loadbalancer/${LB}`, LB],
    ['ISO', `arn:aws-iso-b:elasticloadbalancing:us-isob-east-1:123456789012:listener-rule/${LB}/f2f7dc8efc522ab2/9683b2d02a6cabee`, LB],
    ['surrounding spaces', `  ${LB}\n`, LB],
  ])('%s', (_what, value, want) => {
    expect(loadBalancerDimension(value, 'listener-arn')).toBe(want);
  });

  it.each([
    ['a network load balancer (not in AWS/ApplicationELB)', 'arn:aws:elasticloadbalancing:eu-central-1:123456789012:listener/net/edge/50dc6c495c0c9188/f2f7dc8efc522ab2'],
    ['a target group', `arn:aws:elasticloadbalancing:eu-central-1:123456789012:${TG}`],
    ['a listener ARN cut short', `arn:aws:elasticloadbalancing:eu-central-1:123456789012:listener/${LB}`],
    ['another service', `arn:aws:ecs:eu-central-1:123456789012:loadbalancer/${LB}`],
    ['a short account', `arn:aws:elasticloadbalancing:eu-central-1:12345:loadbalancer/${LB}`],
    ['a name too long', `app/${'a'.repeat(33)}/50dc6c495c0c9188`],
    ['empty', ''],
  ])('refuses %s, naming the input and the accepted forms', (_what, value) => {
    expect(() => loadBalancerDimension(value, 'listener-arn')).toThrow(InputError);
    expect(() => loadBalancerDimension(value, 'listener-arn')).toThrow(/^Input "listener-arn": .* is not an application load balancer; expected app\/<name>\/<id>, or the ARN of the load balancer, a listener or a listener rule/);
  });
});

describe('targetGroupDimension', () => {
  it.each([
    ['the dimension itself', TG],
    ['its ARN', `arn:aws:elasticloadbalancing:eu-central-1:123456789012:${TG}`],
    ['GovCloud', `arn:aws-us-gov:elasticloadbalancing:us-gov-east-1:123456789012:${TG}`],
    ['China', `arn:aws-cn:elasticloadbalancing:cn-northwest-1:123456789012:${TG}`],
  ])('%s', (_what, value) => {
    expect(targetGroupDimension(value, 'canary-target-group-arn')).toBe(TG);
  });

  it.each([
    ['a load balancer', `arn:aws:elasticloadbalancing:eu-central-1:123456789012:loadbalancer/${LB}`],
    ['a listener', `arn:aws:elasticloadbalancing:eu-central-1:123456789012:listener/${LB}/f2f7dc8efc522ab2`],
    ['a target group without its id', 'targetgroup/auth-green'],
    ['a trailing segment', `${TG}/extra`],
  ])('refuses %s, naming the input', (_what, value) => {
    expect(() => targetGroupDimension(value, 'canary-target-group-arn')).toThrow(InputError);
    expect(() => targetGroupDimension(value, 'canary-target-group-arn')).toThrow(/^Input "canary-target-group-arn": .* is not a target group; expected targetgroup\/<name>\/<id> or its ARN/);
  });
});
