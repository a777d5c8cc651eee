/**
 * ALB backend: a weighted `forward` between two target groups, on a listener's default actions or on
 * one listener rule. Only the forward action's two weights change: every other action, the rule's
 * conditions, the stickiness config and any zero-weight target groups are written back as read.
 * With a Lambda target group as "stable" this is also the Strangler Fig shift from Lambda to ECS.
 */
import {
  AddTagsCommand,
  DescribeListenersCommand,
  DescribeRulesCommand,
  DescribeTagsCommand,
  ElasticLoadBalancingV2Client,
  ModifyListenerCommand,
  ModifyRuleCommand,
  RemoveTagsCommand,
  type Action,
  type TargetGroupTuple,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { GateOverrides } from '../metrics/types.js';
import type { AwsCall } from './call.js';
import {
  MARK_TAG, RouterStateError, decodeMark, encodeMark, weightsFor,
  type Baseline, type RampMark, type TrafficRouter, type Weights,
} from './port.js';

export interface AlbTarget {
  listenerArn?: string;
  ruleArn?: string;
  stableTargetGroupArn: string;
  canaryTargetGroupArn: string;
}

/** `arn:...:listener/app/lb/123/456` or `listener-rule/app/lb/123/456/789` → the CloudWatch `LoadBalancer` dimension `app/lb/123`. */
export function loadBalancerDimension(listenerOrRuleArn: string): string {
  const m = /:(?:listener|listener-rule)\/((?:app|net)\/[^/]+\/[^/]+)\//.exec(listenerOrRuleArn);
  if (!m) throw new RouterStateError(`"${listenerOrRuleArn}" is not a listener or listener rule ARN`);
  return m[1];
}

/** `arn:...:targetgroup/name/abc` → the CloudWatch `TargetGroup` dimension `targetgroup/name/abc`. */
export function targetGroupDimension(targetGroupArn: string): string {
  const m = /:(targetgroup\/[^/]+\/[^/]+)$/.exec(targetGroupArn);
  if (!m) throw new RouterStateError(`"${targetGroupArn}" is not a target group ARN`);
  return m[1];
}

function tuples(action: Action): TargetGroupTuple[] {
  if (action.ForwardConfig?.TargetGroups?.length) return action.ForwardConfig.TargetGroups;
  if (action.TargetGroupArn) return [{ TargetGroupArn: action.TargetGroupArn, Weight: 1 }];
  return [];
}

/** The forward action that routes to the stable or canary target group. */
export function findForward(actions: Action[], t: AlbTarget): number {
  const index = actions.findIndex(
    (a) => a.Type === 'forward' && tuples(a).some((g) => g.TargetGroupArn === t.stableTargetGroupArn || g.TargetGroupArn === t.canaryTargetGroupArn),
  );
  if (index < 0) throw new RouterStateError(`no forward action to ${t.stableTargetGroupArn} or ${t.canaryTargetGroupArn} on ${resourceOf(t)}`);
  return index;
}

/** Percent weights of the forward action; refuses a third target group that carries traffic. */
export function forwardWeights(action: Action, t: AlbTarget): Weights {
  let stable = 0;
  let canary = 0;
  for (const g of tuples(action)) {
    const w = g.Weight ?? 1;
    if (g.TargetGroupArn === t.stableTargetGroupArn) stable += w;
    else if (g.TargetGroupArn === t.canaryTargetGroupArn) canary += w;
    else if (w > 0) throw new RouterStateError(`the forward action on ${resourceOf(t)} also sends traffic to ${g.TargetGroupArn}; set its weight to 0 first`);
  }
  if (stable + canary === 0) throw new RouterStateError(`the forward action on ${resourceOf(t)} gives both target groups weight 0`);
  const canaryPercent = Math.round((canary * 100) / (stable + canary));
  return weightsFor(canaryPercent);
}

/** The same action with the two weights set; other target groups (weight 0) and stickiness kept. */
export function withWeights(action: Action, t: AlbTarget, w: Weights): Action {
  const others = tuples(action).filter((g) => g.TargetGroupArn !== t.stableTargetGroupArn && g.TargetGroupArn !== t.canaryTargetGroupArn);
  const { TargetGroupArn: _single, ...rest } = action;
  return {
    ...rest,
    ForwardConfig: {
      ...action.ForwardConfig,
      TargetGroups: [
        ...others,
        { TargetGroupArn: t.stableTargetGroupArn, Weight: w.stable },
        { TargetGroupArn: t.canaryTargetGroupArn, Weight: w.canary },
      ],
    },
  };
}

/** Describe output → Modify input: the OIDC client secret is never returned, so keep the existing one. */
function writable(actions: Action[]): Action[] {
  return actions.map((a) =>
    a.AuthenticateOidcConfig && a.AuthenticateOidcConfig.ClientSecret === undefined
      ? { ...a, AuthenticateOidcConfig: { ...a.AuthenticateOidcConfig, UseExistingClientSecret: true } }
      : a,
  );
}

function resourceOf(t: AlbTarget): string {
  return t.ruleArn ?? t.listenerArn ?? '(no listener or rule)';
}

export class AlbRouter implements TrafficRouter {
  readonly kind = 'alb' as const;
  readonly resource: string;

  constructor(
    private readonly client: ElasticLoadBalancingV2Client,
    private readonly target: AlbTarget,
    private readonly call: AwsCall,
  ) {
    this.resource = resourceOf(target);
  }

  private async actions(): Promise<Action[]> {
    const t = this.target;
    if (t.ruleArn) {
      const out = await this.call('DescribeRules', () => this.client.send(new DescribeRulesCommand({ RuleArns: [t.ruleArn!] })));
      const rule = out.Rules?.[0];
      if (!rule) throw new RouterStateError(`listener rule ${t.ruleArn} not found`);
      return rule.Actions ?? [];
    }
    const out = await this.call('DescribeListeners', () => this.client.send(new DescribeListenersCommand({ ListenerArns: [t.listenerArn!] })));
    const listener = out.Listeners?.[0];
    if (!listener) throw new RouterStateError(`listener ${t.listenerArn} not found`);
    return listener.DefaultActions ?? [];
  }

  private async write(actions: Action[]): Promise<void> {
    const t = this.target;
    const body = writable(actions);
    if (t.ruleArn) await this.call('ModifyRule', () => this.client.send(new ModifyRuleCommand({ RuleArn: t.ruleArn, Actions: body })));
    else await this.call('ModifyListener', () => this.client.send(new ModifyListenerCommand({ ListenerArn: t.listenerArn, DefaultActions: body })));
  }

  async snapshot(): Promise<Baseline> {
    const actions = await this.actions();
    const forward = actions[findForward(actions, this.target)];
    return { weights: forwardWeights(forward, this.target), detail: forward };
  }

  async read(): Promise<Weights> {
    const actions = await this.actions();
    return forwardWeights(actions[findForward(actions, this.target)], this.target);
  }

  async shift(percent: number): Promise<void> {
    const actions = await this.actions();
    const i = findForward(actions, this.target);
    forwardWeights(actions[i], this.target); // refuses a shape we must not touch
    const next = [...actions];
    next[i] = withWeights(actions[i], this.target, weightsFor(percent));
    await this.write(next);
  }

  async restore(baseline: Baseline): Promise<void> {
    const actions = await this.actions();
    const i = findForward(actions, this.target);
    const next = [...actions];
    // The recorded forward action exactly as it was; from a tag only the weights are known.
    next[i] = isAction(baseline.detail) ? baseline.detail : withWeights(actions[i], this.target, baseline.weights);
    await this.write(next);
  }

  async platformSteps(): Promise<null> {
    return null;
  }

  async readMark(): Promise<RampMark | null> {
    const out = await this.call('DescribeTags', () => this.client.send(new DescribeTagsCommand({ ResourceArns: [this.resource] })));
    const tag = out.TagDescriptions?.[0]?.Tags?.find((t) => t.Key === MARK_TAG);
    return decodeMark(tag?.Value);
  }

  async writeMark(mark: RampMark | null): Promise<void> {
    if (mark) {
      await this.call('AddTags', () => this.client.send(new AddTagsCommand({ ResourceArns: [this.resource], Tags: [{ Key: MARK_TAG, Value: encodeMark(mark) }] })));
    } else {
      await this.call('RemoveTags', () => this.client.send(new RemoveTagsCommand({ ResourceArns: [this.resource], TagKeys: [MARK_TAG] })));
    }
  }

  gateOverrides(): GateOverrides {
    return {
      alb: {
        loadBalancer: loadBalancerDimension(this.resource),
        canaryTargetGroup: targetGroupDimension(this.target.canaryTargetGroupArn),
        baselineTargetGroup: targetGroupDimension(this.target.stableTargetGroupArn),
      },
    };
  }
}

function isAction(x: unknown): x is Action {
  return !!x && typeof x === 'object' && typeof (x as Action).Type === 'string';
}
