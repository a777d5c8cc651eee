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
import { InputError } from '../../common/errors.js';
import { shellQuote } from './recovery.js';
import type { AwsCall } from './call.js';
import {
  RouterStateError, weightsFor,
  type Baseline, type MetricsScope, type TrafficRouter, type Weights,
} from './port.js';
import { MarkedRouter, type TagStore } from './tags.js';

export interface AlbTarget {
  listenerArn?: string;
  ruleArn?: string;
  stableTargetGroupArn: string;
  canaryTargetGroupArn: string;
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

export class AlbRouter extends MarkedRouter implements TrafficRouter {
  readonly kind = 'alb' as const;
  readonly resource: string;
  /** The actions as last described, so an operator's restore command keeps every other action. */
  private lastActions?: Action[];
  /** The ramp mark's tag on the listener or rule. */
  protected readonly tags: TagStore;

  constructor(
    private readonly client: ElasticLoadBalancingV2Client,
    private readonly target: AlbTarget,
    private readonly call: AwsCall,
  ) {
    super();
    this.resource = resourceOf(target);
    const ResourceArns = [this.resource];
    this.tags = {
      get: async (key, signal) => {
        const out = await call('DescribeTags', (abortSignal) => client.send(new DescribeTagsCommand({ ResourceArns }), { abortSignal }), signal);
        return out.TagDescriptions?.[0]?.Tags?.find((t) => t.Key === key)?.Value;
      },
      set: async (Key, Value, signal) => {
        await call('AddTags', (abortSignal) => client.send(new AddTagsCommand({ ResourceArns, Tags: [{ Key, Value }] }), { abortSignal }), signal);
      },
      remove: async (key, signal) => {
        await call('RemoveTags', (abortSignal) => client.send(new RemoveTagsCommand({ ResourceArns, TagKeys: [key] }), { abortSignal }), signal);
      },
    };
  }

  private async actions(signal?: AbortSignal): Promise<Action[]> {
    const t = this.target;
    let actions: Action[];
    if (t.ruleArn) {
      const out = await this.call('DescribeRules', (abortSignal) => this.client.send(new DescribeRulesCommand({ RuleArns: [t.ruleArn!] }), { abortSignal }), signal);
      const rule = out.Rules?.[0];
      if (!rule) throw new RouterStateError(`listener rule ${t.ruleArn} not found`);
      actions = rule.Actions ?? [];
    } else {
      const out = await this.call('DescribeListeners', (abortSignal) => this.client.send(new DescribeListenersCommand({ ListenerArns: [t.listenerArn!] }), { abortSignal }), signal);
      const listener = out.Listeners?.[0];
      if (!listener) throw new RouterStateError(`listener ${t.listenerArn} not found`);
      actions = listener.DefaultActions ?? [];
    }
    this.lastActions = actions;
    return actions;
  }

  private async write(actions: Action[], signal?: AbortSignal): Promise<void> {
    const t = this.target;
    const body = writable(actions);
    if (t.ruleArn) await this.call('ModifyRule', (abortSignal) => this.client.send(new ModifyRuleCommand({ RuleArn: t.ruleArn, Actions: body }), { abortSignal }), signal);
    else await this.call('ModifyListener', (abortSignal) => this.client.send(new ModifyListenerCommand({ ListenerArn: t.listenerArn, DefaultActions: body }), { abortSignal }), signal);
  }

  async snapshot(signal?: AbortSignal): Promise<Baseline> {
    const actions = await this.actions(signal);
    const forward = actions[findForward(actions, this.target)];
    return { weights: forwardWeights(forward, this.target), detail: forward };
  }

  async read(signal?: AbortSignal): Promise<Weights> {
    const actions = await this.actions(signal);
    return forwardWeights(actions[findForward(actions, this.target)], this.target);
  }

  /**
   * read() for the rollback action, which also refuses a canary target group the forward does not
   * route to: a wrong ARN (or the wrong listener or rule) would otherwise look like "already at stable".
   */
  async readForRollback(signal?: AbortSignal): Promise<Weights> {
    const actions = await this.actions(signal);
    const forward = actions[findForward(actions, this.target)];
    const groups = tuples(forward);
    if (!groups.some((g) => g.TargetGroupArn === this.target.canaryTargetGroupArn)) {
      const total = groups.reduce((sum, g) => sum + (g.Weight ?? 1), 0);
      const to = groups.map((g) => `${g.TargetGroupArn} (${total ? Math.round(((g.Weight ?? 1) * 100) / total) : 0}%)`).join(', ');
      throw new InputError(
        `Input "canary-target-group-arn": ${this.target.canaryTargetGroupArn} is not on the forward action of ${this.resource}, ` +
        `which forwards to ${to}; give the canary target group of this ${this.target.ruleArn ? 'rule' : 'listener'} (nothing was changed).`,
      );
    }
    return forwardWeights(forward, this.target);
  }

  async shift(percent: number, signal?: AbortSignal): Promise<void> {
    const actions = await this.actions(signal);
    const i = findForward(actions, this.target);
    forwardWeights(actions[i], this.target); // refuses a shape we must not touch
    const next = [...actions];
    next[i] = withWeights(actions[i], this.target, weightsFor(percent));
    await this.write(next, signal);
  }

  async restore(baseline: Baseline, signal?: AbortSignal): Promise<void> {
    const actions = await this.actions(signal);
    await this.write(this.restored(actions, baseline), signal);
  }

  /** The actions with the forward put back: the recorded forward action exactly as it was; from a tag only the weights are known. */
  private restored(actions: Action[], baseline: Baseline): Action[] {
    const i = findForward(actions, this.target);
    const next = [...actions];
    next[i] = isAction(baseline.detail) ? baseline.detail : withWeights(actions[i], this.target, baseline.weights);
    return next;
  }

  /** `aws elbv2 modify-listener|modify-rule` with every action as last read and the forward as recorded before the ramp. */
  restoreCommand(baseline: Baseline): string | null {
    const t = this.target;
    let actions: Action[];
    try {
      // Never read: the recorded forward alone is the listener's whole default action list only in the usual case.
      actions = this.lastActions ? this.restored(this.lastActions, baseline) : isAction(baseline.detail) ? [baseline.detail] : [];
    } catch {
      actions = isAction(baseline.detail) ? [baseline.detail] : [];
    }
    if (!actions.length) return null;
    const json = shellQuote(JSON.stringify(writable(actions)));
    return t.ruleArn
      ? `aws elbv2 modify-rule --rule-arn ${t.ruleArn} --actions ${json}`
      : `aws elbv2 modify-listener --listener-arn ${t.listenerArn} --default-actions ${json}`;
  }

  async platformSteps(): Promise<null> {
    return null;
  }

  metricsScope(): MetricsScope {
    const { listenerArn, ruleArn, stableTargetGroupArn, canaryTargetGroupArn } = this.target;
    return { kind: 'alb', ...(ruleArn ? { ruleArn } : { listenerArn }), stableTargetGroupArn, canaryTargetGroupArn };
  }
}

function isAction(x: unknown): x is Action {
  return !!x && typeof x === 'object' && typeof (x as Action).Type === 'string';
}
