/**
 * deploy-stack's inputs, typed, and the pure step from inputs to a plan. Everything that can be
 * wrong with the inputs is found here, before the first AWS call.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import type { Capability } from '@aws-sdk/client-cloudformation';
import { resolveRegion } from '../../common/region.js';
import { InputError } from '../../common/errors.js';
import { formatRange, type DurationRange } from '../../common/duration.js';
import { getBool, getDuration, getList, getRequired, getString, raw } from '../lib/inputs.js';
import { locate, outsideWorkspace } from '../lib/workspace.js';
import { type KeyValues, parseParameters, parseTags } from '../cloudformation/parameters.js';
import { loadTemplate, type TemplateSource } from '../cloudformation/template.js';

export const CAPABILITIES = ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'] as const;

export interface Inputs {
  name: string;
  template: string;
  parameters: string;
  tags: string;
  capabilities: string[];
  roleArn: string;
  /** '' leaves the stack's setting as it is. */
  terminationProtection: '' | 'true' | 'false';
  rollbackAlarms: string[];
  rollbackMonitoringMs: number;
  execute: boolean;
  failOnEmptyChangeSet: boolean;
  recreateFailedStack: boolean;
  s3Bucket: string;
  timeoutMs: number;
  region: string;
}

export interface RunContext {
  workspace: string;
  runId: string;
  runAttempt: string;
  repository: string;
  sha: string;
  random?: () => string;
}

export interface DeployPlan {
  stackName: string;
  region: string;
  template: TemplateSource;
  parameters: KeyValues;
  tags: KeyValues;
  capabilities: Capability[];
  roleArn?: string;
  terminationProtection?: boolean;
  rollbackAlarms: string[];
  rollbackMonitoringMinutes: number;
  execute: boolean;
  failOnEmptyChangeSet: boolean;
  recreateFailedStack: boolean;
  timeoutMs: number;
  /** Unique per run and attempt, so reruns and parallel runs never collide (aws-cloudformation-github-deploy#110). */
  changeSetName: string;
  description: string;
}

/**
 * The accepted span of each duration input (documented in action.yml and the README): CloudFormation
 * monitors rollback alarms for whole minutes up to 180; a deploy waits at most a day.
 */
export const DEPLOY_RANGES = {
  'rollback-monitoring-time': { min: 0, max: 180 * 60_000, text: 'whole minutes from 0m to 180m' },
  timeout: { min: 60_000, max: 24 * 3_600_000 },
} as const satisfies Record<string, DurationRange>;

export function readInputs(): Inputs {
  const tp = raw('termination-protection');
  if (tp && !['true', 'false'].includes(tp.toLowerCase())) {
    throw new InputError(`Input "termination-protection": "${tp}" is not valid; expected true, false, or empty to leave the stack's setting unchanged.`);
  }
  return {
    name: getRequired('name', '(the stack name)'),
    template: getRequired('template', '(a file path inside the workspace, or an S3 URL)'),
    parameters: raw('parameters'),
    tags: raw('tags'),
    capabilities: getList('capabilities'),
    roleArn: getString('role-arn'),
    terminationProtection: tp.toLowerCase() as Inputs['terminationProtection'],
    rollbackAlarms: getList('rollback-alarms'),
    rollbackMonitoringMs: getDuration('rollback-monitoring-time', '5m', DEPLOY_RANGES['rollback-monitoring-time']),
    execute: getBool('execute', true),
    failOnEmptyChangeSet: getBool('fail-on-empty-changeset', false),
    recreateFailedStack: getBool('recreate-failed-stack', false),
    s3Bucket: getString('s3-bucket'),
    timeoutMs: getDuration('timeout', '1h', DEPLOY_RANGES.timeout),
    region: getString('region'),
  };
}

const STACK_NAME = /^[A-Za-z][-A-Za-z0-9]{0,127}$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const ALARM_ARN = /^arn:aws[a-z-]*:cloudwatch:[a-z0-9-]+:\d{12}:alarm:.+$/;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * `parameters` is inline text, or one line naming a file (optionally `file://`) inside the workspace:
 * read that file. A file outside the workspace is refused, never read.
 */
export function parameterText(value: string, workspace: string): { text: string; what: string } {
  const single = value.trim();
  if (!single || single.includes('\n')) return { text: value, what: 'Input "parameters"' };
  const isUrl = single.startsWith('file://');
  const pathText = isUrl ? single.slice('file://'.length) : single;
  // `Config=app.json` (or `Config: app.json`) is one parameter whose value ends like a file name, not a missing file.
  const keyValueLine = /^[A-Za-z0-9]+\s*(=|:\s)/.test(single);
  const namesFile = isUrl || (!keyValueLine && /\.(ya?ml|json|env|properties|txt)$/i.test(single));
  const { root, path, real, inside } = locate(pathText, workspace);
  const file = real !== null && statSync(real).isFile();
  if (!inside) {
    // Outside the workspace only a file is refused (never read); any other text is inline parameters.
    if (namesFile || file) throw outsideWorkspace('parameters', pathText, root);
    return { text: value, what: 'Input "parameters"' };
  }
  if (file) return { text: readFileSync(real, 'utf8'), what: `Input "parameters" (file ${pathText})` };
  if (namesFile) throw new InputError(`Input "parameters": file "${pathText}" not found (looked at ${path}).`);
  return { text: value, what: 'Input "parameters"' };
}

export function changeSetName(ctx: RunContext): string {
  const suffix = ctx.random ? ctx.random() : randomBytes(4).toString('hex');
  const run = ctx.runId.replace(/[^0-9A-Za-z]/g, '') || 'local';
  const attempt = ctx.runAttempt.replace(/[^0-9A-Za-z]/g, '') || '1';
  return `deploy-r${run}-a${attempt}-${suffix}`.slice(0, 128);
}

export function buildPlan(inputs: Inputs, ctx: RunContext): DeployPlan {
  if (!STACK_NAME.test(inputs.name)) {
    throw new InputError(`Input "name": "${inputs.name}" is not a stack name; expected a letter then letters, digits or hyphens, at most 128 characters.`);
  }
  const region = resolveRegion(inputs.region);
  if (inputs.s3Bucket && !BUCKET.test(inputs.s3Bucket)) throw new InputError(`Input "s3-bucket": "${inputs.s3Bucket}" is not an S3 bucket name.`);

  const capabilities: Capability[] = [];
  for (const c of inputs.capabilities) {
    if (c.toLowerCase() === 'none') continue;
    if (!(CAPABILITIES as readonly string[]).includes(c)) throw new InputError(`Input "capabilities": "${c}" is not one of ${CAPABILITIES.join(' | ')} (or none).`);
    if (!capabilities.includes(c as Capability)) capabilities.push(c as Capability);
  }
  if (inputs.roleArn && !ROLE_ARN.test(inputs.roleArn)) {
    throw new InputError(`Input "role-arn": "${inputs.roleArn}" is not an IAM role ARN (arn:aws:iam::123456789012:role/name).`);
  }
  for (const arn of inputs.rollbackAlarms) {
    if (!ALARM_ARN.test(arn)) throw new InputError(`Input "rollback-alarms": "${arn}" is not a CloudWatch alarm ARN (arn:aws:cloudwatch:region:123456789012:alarm:name).`);
  }
  if (inputs.rollbackAlarms.length > 5) throw new InputError(`Input "rollback-alarms": ${inputs.rollbackAlarms.length} alarms given; CloudFormation takes at most 5 rollback triggers.`);
  const monitoringMinutes = inputs.rollbackMonitoringMs / 60_000;
  const monitoring = DEPLOY_RANGES['rollback-monitoring-time'];
  if (!Number.isInteger(monitoringMinutes) || inputs.rollbackMonitoringMs < monitoring.min || inputs.rollbackMonitoringMs > monitoring.max) {
    throw new InputError(`Input "rollback-monitoring-time": expected ${monitoring.text} (e.g. 5m, 1h).`);
  }
  const timeout = DEPLOY_RANGES.timeout;
  if (!(inputs.timeoutMs >= timeout.min && inputs.timeoutMs <= timeout.max)) throw new InputError(`Input "timeout": expected a duration ${formatRange(timeout)} (e.g. 30m, 1h30m).`);

  const { text, what } = parameterText(inputs.parameters, ctx.workspace);
  const parameters = parseParameters(text, what);
  const tags = parseTags(inputs.tags);
  const template = loadTemplate(inputs.template, { workspace: ctx.workspace, region, stackName: inputs.name, s3Bucket: inputs.s3Bucket || undefined });

  return {
    stackName: inputs.name,
    region,
    template,
    parameters,
    tags,
    capabilities,
    roleArn: inputs.roleArn || undefined,
    terminationProtection: inputs.terminationProtection === '' ? undefined : inputs.terminationProtection === 'true',
    rollbackAlarms: inputs.rollbackAlarms,
    rollbackMonitoringMinutes: monitoringMinutes,
    execute: inputs.execute,
    failOnEmptyChangeSet: inputs.failOnEmptyChangeSet,
    recreateFailedStack: inputs.recreateFailedStack,
    timeoutMs: inputs.timeoutMs,
    changeSetName: changeSetName(ctx),
    description: `mesh-actions deploy-stack: ${ctx.repository || 'local'}@${(ctx.sha || 'unknown').slice(0, 12)} run ${ctx.runId || 'local'}/${ctx.runAttempt || '1'}`.slice(0, 1024),
  };
}

/** NoEcho parameter values, to mask before anything could print them. */
export function secretValues(plan: DeployPlan): string[] {
  const declared = plan.template.declared;
  if (!declared) return [];
  return [...plan.parameters].filter(([k, v]) => v && declared.get(k)?.noEcho).map(([, v]) => v);
}
