/**
 * What an operator needs when an action could not put traffic back itself: where traffic stands (the
 * weights read last, per target) and the exact ways to restore it: the rollback action, the rollback
 * workflow (.github/workflows/rollback.yml) and the backend's own AWS CLI command. Pure: no calls.
 */
import type { RouterConfig } from './router-inputs.js';
import { runbook } from '../lib/runbooks.js';
import { formatWeights, type Weights } from './port.js';

/**
 * How long putting traffic back may take (canary-ramp's restore after a timeout, failure or
 * cancellation; post; the rollback action): its own budget, never the ramp's or the runner's
 * signals, so a ramp out of time or cancelled still restores. It covers the reads and the write
 * with their retries; after it the state is left for post and the rollback action.
 */
export const RESTORE_BUDGET_MS = 60_000;

/** Weights and when they were read (ISO time). */
export interface LastRead {
  weights: Weights;
  at: string;
}

/** One argument for a POSIX shell, whatever it contains. */
export function shellQuote(text: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The two sides by their names on the backend: `stable targetgroup ARN 80%, canary targetgroup ARN 20%`. */
export function weightsPerTarget(cfg: RouterConfig, w: Weights): string {
  switch (cfg.kind) {
    case 'alb':
      return `stable target group ${cfg.stableTargetGroupArn} ${w.stable}%, canary target group ${cfg.canaryTargetGroupArn} ${w.canary}%`;
    case 'appmesh':
      return `stable virtual node ${cfg.stableNode} ${w.stable}%, canary virtual node ${cfg.canaryNode} ${w.canary}%`;
    case 'ecs':
      return `the running revision ${w.stable}%, the new revision ${w.canary}% of production traffic`;
  }
}

/** The rollback action's router inputs, in the order of its action.yml. */
function rollbackInputs(cfg: RouterConfig): [string, string][] {
  switch (cfg.kind) {
    case 'alb':
      return [
        cfg.ruleArn ? ['rule-arn', cfg.ruleArn] : ['listener-arn', cfg.listenerArn!],
        ['stable-target-group-arn', cfg.stableTargetGroupArn],
        ['canary-target-group-arn', cfg.canaryTargetGroupArn],
      ];
    case 'ecs':
      return [['cluster', cfg.cluster], ['service', cfg.service]];
    case 'appmesh':
      return [
        ['mesh', cfg.mesh], ['virtual-router', cfg.virtualRouter], ['route', cfg.route],
        ['stable-node', cfg.stableNode], ['canary-node', cfg.canaryNode],
        ...(cfg.meshOwner ? [['mesh-owner', cfg.meshOwner] as [string, string]] : []),
      ];
  }
}

/** rollback.yml's `target` input: the router's fields, space separated, in the order its first step reads them. */
export function workflowTarget(cfg: RouterConfig): string {
  switch (cfg.kind) {
    case 'alb':
      return [cfg.ruleArn ?? cfg.listenerArn, cfg.stableTargetGroupArn, cfg.canaryTargetGroupArn].join(' ');
    case 'ecs':
      return `${cfg.cluster} ${cfg.service}`;
    case 'appmesh':
      return [cfg.mesh, cfg.virtualRouter, cfg.route, cfg.stableNode, cfg.canaryNode, ...(cfg.meshOwner ? [cfg.meshOwner] : [])].join(' ');
  }
}

export interface RestoreHelp {
  /** The resource whose traffic is not where it should be. */
  resource: string;
  /** The weights to go back to. */
  baseline: Weights;
  lastRead: LastRead | null;
  /** The backend's AWS CLI command without --region (TrafficRouter.restoreCommand), when it has one. */
  cliCommand?: string | null;
}

/** Multi-line text for the step's error and the job summary. */
export function restoreInstructions(cfg: RouterConfig, help: RestoreHelp): string {
  // Stable at 100 % needs no recorded ramp; any other baseline is the one the ramp mark recorded.
  const to = help.baseline.canary === 0 ? 'stable' : 'baseline';
  const standing = help.lastRead
    ? `Traffic on ${help.resource} as read last (${help.lastRead.at}): ${weightsPerTarget(cfg, help.lastRead.weights)}.`
    : `Traffic on ${help.resource} could not be read: where it stands is unknown.`;
  const lines = [
    standing,
    `Put it back to the baseline (${formatWeights(help.baseline)}) with any of:`,
    '- the rollback action, as a workflow step:',
    '    - uses: mesh-actions/mesh-actions/rollback@v1',
    '      with:',
    `        router: ${cfg.kind}`,
    ...rollbackInputs(cfg).map(([k, v]) => `        ${k}: ${v}`),
    `        to: ${to}`,
    `        region: ${cfg.region}`,
    `- the rollback workflow: gh workflow run rollback.yml -f router=${cfg.kind} -f target=${shellQuote(workflowTarget(cfg))} -f to=${to} -f region=${cfg.region} -f aws-role-arn=<deploy role ARN>`,
  ];
  if (help.cliCommand) lines.push(`- the AWS CLI: ${help.cliCommand} --region ${cfg.region}`);
  lines.push(runbook('restore'));
  return lines.join('\n');
}
