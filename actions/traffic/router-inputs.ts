/**
 * The router inputs shared by canary-ramp and rollback: which backend and the fields it needs,
 * validated before anything touches AWS. The config is plain data, so main can save it as state
 * and the post entry can rebuild the same router from it (./config.ts makeRouter). Nothing here
 * loads an AWS client: an action validates its inputs before it loads any backend.
 */
import { resolveRegion } from '../../common/region.js';
import { InputError } from '../../common/errors.js';
import { ALB_ARN } from '../lib/arn.js';
import { getEnum, getString } from '../lib/inputs.js';
import { ROUTER_KINDS, type RouterKind } from './port.js';

export type RouterConfig =
  | { kind: 'alb'; region: string; listenerArn?: string; ruleArn?: string; stableTargetGroupArn: string; canaryTargetGroupArn: string }
  | { kind: 'ecs'; region: string; cluster: string; service: string }
  | { kind: 'appmesh'; region: string; mesh: string; virtualRouter: string; route: string; canaryNode: string; stableNode: string; meshOwner?: string };

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,254}$/;

function arnInput(name: string, pattern: RegExp, example: string): string {
  const v = getString(name);
  if (!v) throw new InputError(`Input "${name}" is required for router "alb" (e.g. ${example}).`);
  if (!pattern.test(v)) throw new InputError(`Input "${name}": "${v}" is not valid; expected an ARN like ${example}.`);
  return v;
}

function nameInput(name: string, router: RouterKind, example: string): string {
  const v = getString(name);
  if (!v) throw new InputError(`Input "${name}" is required for router "${router}" (e.g. ${example}).`);
  if (!NAME.test(v)) throw new InputError(`Input "${name}": "${v}" is not valid; expected a name or ARN like ${example}.`);
  return v;
}

/** Reads `router` and its fields. Throws InputError naming the input and its accepted form. */
export function readRouterConfig(): RouterConfig {
  const kind = getEnum('router', ROUTER_KINDS, '' as RouterKind);
  if (!kind) throw new InputError(`Input "router" is required: one of ${ROUTER_KINDS.join(' | ')}.`);
  const region = resolveRegion(getString('region'));
  switch (kind) {
    case 'alb': {
      const listener = getString('listener-arn');
      const rule = getString('rule-arn');
      if (!listener && !rule) throw new InputError('Router "alb" needs input "listener-arn" (weights on the default action) or "rule-arn" (weights on one rule).');
      if (listener && rule) throw new InputError('Inputs "listener-arn" and "rule-arn" are exclusive: give the one whose forward action carries the weights.');
      const listenerEx = 'arn:aws:elasticloadbalancing:eu-central-1:123456789012:listener/app/my-alb/50dc6c495c0c9188/f2f7dc8efc522ab2';
      const ruleEx = 'arn:aws:elasticloadbalancing:eu-central-1:123456789012:listener-rule/app/my-alb/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee';
      const tgEx = 'arn:aws:elasticloadbalancing:eu-central-1:123456789012:targetgroup/my-tg/73e2d6bc24d8a067';
      const stable = arnInput('stable-target-group-arn', ALB_ARN.targetGroup, tgEx);
      const canary = arnInput('canary-target-group-arn', ALB_ARN.targetGroup, tgEx);
      if (stable === canary) throw new InputError('Inputs "stable-target-group-arn" and "canary-target-group-arn" must name two different target groups.');
      return {
        kind, region, stableTargetGroupArn: stable, canaryTargetGroupArn: canary,
        ...(listener ? { listenerArn: arnInput('listener-arn', ALB_ARN.listener, listenerEx) } : { ruleArn: arnInput('rule-arn', ALB_ARN.rule, ruleEx) }),
      };
    }
    case 'ecs':
      return { kind, region, cluster: nameInput('cluster', kind, 'prod'), service: nameInput('service', kind, 'orders') };
    case 'appmesh': {
      const cfg: RouterConfig = {
        kind, region,
        mesh: nameInput('mesh', kind, 'prod-mesh'),
        virtualRouter: nameInput('virtual-router', kind, 'orders-router'),
        route: nameInput('route', kind, 'orders-route'),
        canaryNode: nameInput('canary-node', kind, 'orders-v2'),
        stableNode: nameInput('stable-node', kind, 'orders-v1'),
      };
      if (cfg.canaryNode === cfg.stableNode) throw new InputError('Inputs "canary-node" and "stable-node" must name two different virtual nodes.');
      const owner = getString('mesh-owner');
      if (owner && !/^\d{12}$/.test(owner)) throw new InputError(`Input "mesh-owner": "${owner}" is not valid; expected a 12-digit AWS account ID.`);
      return owner ? { ...cfg, meshOwner: owner } : cfg;
    }
  }
}
