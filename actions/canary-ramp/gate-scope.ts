/**
 * What the ramp tells slo-gate about the traffic it moves: the router's metrics scope (ARNs) as the
 * gate's ALB dimensions, so the `alb` preset judges exactly the two target groups being ramped.
 */
import type { GateOverrides } from '../metrics/types.js';
import type { MetricsScope } from '../traffic/port.js';
import { loadBalancerDimension, targetGroupDimension } from '../lib/arn.js';

export function gateOverrides(scope: MetricsScope | undefined): GateOverrides | undefined {
  if (!scope) return undefined;
  return {
    alb: {
      loadBalancer: loadBalancerDimension(scope.ruleArn ?? scope.listenerArn!, scope.ruleArn ? 'rule-arn' : 'listener-arn'),
      canaryTargetGroup: targetGroupDimension(scope.canaryTargetGroupArn, 'canary-target-group-arn'),
      baselineTargetGroup: targetGroupDimension(scope.stableTargetGroupArn, 'stable-target-group-arn'),
    },
  };
}
