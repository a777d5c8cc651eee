/**
 * deployStack(plan, deps): one CloudFormation deploy through a change set, callable from tests and
 * other actions. Reads first (DescribeStacks), decides, validates everything, then writes. A failed
 * deploy is a result (with the first failing resource), not an exception, so callers can still set
 * outputs; exceptions are for inputs and for states a person must look at.
 */
import {
  CancelUpdateStackCommand,
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  UpdateTerminationProtectionCommand,
  type Change,
  type CloudFormationClient,
  type CreateChangeSetCommandInput,
  type Stack,
  type StackEvent,
} from '@aws-sdk/client-cloudformation';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Clock } from '../lib/clock.js';
import { systemClock } from '../lib/clock.js';
import { formatDuration } from '../lib/duration.js';
import { errorMessage, InputError } from '../lib/errors.js';
import { waitForChangeSet } from '../cloudformation/changeset.js';
import { firstFailure, StackEventStream, type FailureCause } from '../cloudformation/events.js';
import { resolveParameters } from '../cloudformation/parameters.js';
import { Poller, WaitTimeoutError, type PollPolicy } from '../cloudformation/poll.js';
import { changeRows, changeTableText, eventLine, failureText, type ChangeRow } from '../cloudformation/report.js';
import { dispositionOf, isEmptyChangeSetReason, isSuccess, isTerminal } from '../cloudformation/status.js';
import { s3HttpsUrl } from '../cloudformation/template.js';
import type { DeployPlan } from './plan.js';

export interface DeployLog {
  info(message: string): void;
  warning(message: string): void;
  notice(message: string): void;
}

export interface DeployDeps {
  cfn: CloudFormationClient;
  /** Only asked for when a template must be uploaded. */
  s3?: () => S3Client;
  clock?: Clock;
  random?: () => number;
  signal?: AbortSignal;
  log?: DeployLog;
  poll?: Partial<PollPolicy>;
  /** Colour in log lines (off for tests that read the text). */
  color?: boolean;
  /** Told what would need cleaning up if this process died now (the action saves it for its post step). */
  onProgress?: (progress: DeployProgress) => void;
}

export type DeployProgress =
  /** A change set exists and is not executed; `emptyStackId` is the REVIEW_IN_PROGRESS stack it made. */
  | { phase: 'change-set'; changeSetId: string; stackId: string; emptyStackId?: string }
  /** Execution was requested on this stack. */
  | { phase: 'executing'; changeSetId: string; stackId: string; updating: boolean; emptyStackId?: string };

export type Outcome = 'created' | 'updated' | 'no-changes' | 'change-set-created' | 'failed';

export interface DeployResult {
  outcome: Outcome;
  /** The stack's status at the end (for no-changes: its current status). */
  status: string;
  stackId: string;
  changeSetId?: string;
  changeSetName?: string;
  changes: ChangeRow[];
  outputs: Record<string, string>;
  failure?: FailureCause;
  /** A sentence for the log and summary. */
  message: string;
  events: StackEvent[];
  recreated: boolean;
}

const silent: DeployLog = { info: () => {}, warning: () => {}, notice: () => {} };

/** Name, message and HTTP status: a 5xx with an HTML body otherwise reads only as an XML parse error. */
export function awsErrorText(err: unknown): string {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number }; $response?: { statusCode?: number } };
  const status = e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
  return `${e.name ?? 'Error'}: ${errorMessage(err).split('\n')[0]}${status ? ` (HTTP ${status})` : ''}`;
}

function isMissingStack(err: unknown): boolean {
  return (err as { name?: string }).name === 'ValidationError' && /does not exist/i.test(errorMessage(err));
}

export async function describeStack(cfn: CloudFormationClient, nameOrId: string): Promise<Stack | undefined> {
  try {
    const out = await cfn.send(new DescribeStacksCommand({ StackName: nameOrId }));
    return out.Stacks?.[0];
  } catch (err) {
    if (isMissingStack(err)) return undefined;
    throw err;
  }
}

export function stackOutputs(stack: Stack | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const o of stack?.Outputs ?? []) if (o.OutputKey) out[o.OutputKey] = o.OutputValue ?? '';
  return out;
}

const STUCK_HINT: Record<string, string> = {
  UPDATE_ROLLBACK_FAILED: 'continue the rollback (aws cloudformation continue-update-rollback), then deploy again',
  DELETE_FAILED: 'delete the resources that blocked deletion and delete the stack, then deploy again',
};

/** Deletes what this run created and did not execute; never throws (it runs on the way out of a failure). */
export async function discardChangeSet(cfn: CloudFormationClient, changeSetId: string, emptyStackId: string | undefined, log: DeployLog): Promise<void> {
  try {
    await cfn.send(new DeleteChangeSetCommand({ ChangeSetName: changeSetId }));
    // A CREATE change set leaves an empty REVIEW_IN_PROGRESS stack behind; it is ours, so it goes too.
    if (emptyStackId) await cfn.send(new DeleteStackCommand({ StackName: emptyStackId }));
  } catch (err) {
    log.warning(`Could not delete change set ${changeSetId}: ${errorMessage(err)}`);
  }
}

function insufficientCapabilities(err: unknown, plan: DeployPlan): Error | undefined {
  if ((err as { name?: string }).name !== 'InsufficientCapabilitiesException') return undefined;
  const needed = /\[([^\]]+)\]/.exec(errorMessage(err))?.[1] ?? 'more capabilities';
  return new InputError(
    `Input "capabilities": the template needs ${needed} but only ${plan.capabilities.join(', ') || 'none'} ${plan.capabilities.length === 1 ? 'was' : 'were'} acknowledged; add it to "capabilities" if you accept what the template creates.`,
  );
}

export async function deployStack(plan: DeployPlan, deps: DeployDeps): Promise<DeployResult> {
  const { cfn } = deps;
  const log = deps.log ?? silent;
  const clock = deps.clock ?? systemClock;
  const color = deps.color ?? true;
  const deadline = clock.now() + plan.timeoutMs;
  const poller = (what: string) =>
    new Poller({
      what,
      deadline,
      clock,
      random: deps.random,
      signal: deps.signal,
      policy: deps.poll,
      onTransient: (err, next) => log.info(`AWS is slowing us down (${errorMessage(err)}); next look in about ${formatDuration(next)}.`),
    });

  // 1. Read: the stack decides between create, update, recreate and refusing.
  let stack = await describeStack(cfn, plan.stackName);
  const disposition = dispositionOf(stack?.StackStatus);
  if (disposition === 'busy') {
    throw new Error(
      `Stack ${plan.stackName} is ${stack!.StackStatus}: another operation is running on it. Wait for it to finish (a workflow concurrency group per stack prevents this).`,
    );
  }
  if (disposition === 'stuck') {
    const hint = STUCK_HINT[stack!.StackStatus!] ?? 'resolve it in the CloudFormation console, then deploy again';
    throw new Error(`Stack ${plan.stackName} is ${stack!.StackStatus} and cannot be deployed to: ${hint}.${stack!.StackStatusReason ? ` (${stack!.StackStatusReason})` : ''}`);
  }
  if (disposition === 'failed-create' && !plan.recreateFailedStack) {
    throw new Error(
      `Stack ${plan.stackName} is ${stack!.StackStatus}: its creation failed and CloudFormation cannot update it. ` +
        'Set "recreate-failed-stack: true" to delete it and create it again, or delete it yourself.' +
        (stack!.StackStatusReason ? ` Last reason: ${stack!.StackStatusReason}` : ''),
    );
  }
  const updating = disposition === 'update';
  const current = updating ? new Map((stack!.Parameters ?? []).filter((p) => p.ParameterKey).map((p) => [p.ParameterKey!, p.ParameterValue ?? ''])) : null;

  // 2. Validate all that is left before the first write.
  const parameters = resolveParameters(plan.parameters, plan.template.declared, current);

  // 3. Writes start here. The template upload first: a bucket that refuses it must not cost the
  // failed stack that recreate-failed-stack would delete next.
  let template: Pick<CreateChangeSetCommandInput, 'TemplateBody' | 'TemplateURL'>;
  if (plan.template.kind === 'body') template = { TemplateBody: plan.template.body };
  else if (plan.template.kind === 'url') template = { TemplateURL: plan.template.url };
  else {
    if (!deps.s3) throw new Error('deployStack: an S3 client is needed to upload a template over 51,200 bytes.');
    const { bucket, key, body } = plan.template;
    await deps.s3().send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'text/plain' }));
    log.info(`Uploaded the template (${Buffer.byteLength(body)} bytes) to s3://${bucket}/${key}.`);
    template = { TemplateURL: s3HttpsUrl(bucket, key, plan.region) };
  }

  let recreated = false;
  if (disposition === 'failed-create') {
    log.warning(`Stack ${plan.stackName} is ${stack!.StackStatus}; deleting it to create it again (recreate-failed-stack: true).`);
    const oldId = stack!.StackId!;
    await cfn.send(new DeleteStackCommand({ StackName: oldId, RoleARN: plan.roleArn }));
    const deletion = new StackEventStream(cfn, oldId, plan.stackName, (e) => log.info(eventLine(e, color)));
    await deletion.baseline();
    const deleted = await deletion.untilTerminal(poller(`stack ${plan.stackName} to be deleted`));
    if (deleted.status !== 'DELETE_COMPLETE') throw new Error(`Stack ${plan.stackName} could not be deleted for recreation: it is ${deleted.status}.`);
    stack = undefined;
    recreated = true;
  }

  const changeSetType = updating ? 'UPDATE' : 'CREATE';
  const input: CreateChangeSetCommandInput = {
    StackName: plan.stackName,
    ChangeSetName: plan.changeSetName,
    // Same token on every SDK retry: a retried create cannot collide with the one that got through.
    ClientToken: plan.changeSetName,
    ChangeSetType: changeSetType,
    ...template,
    Parameters: parameters,
    Capabilities: plan.capabilities,
    RoleARN: plan.roleArn,
    Tags: [...plan.tags].map(([Key, Value]) => ({ Key, Value })),
    Description: plan.description,
    RollbackConfiguration: plan.rollbackAlarms.length
      ? {
          RollbackTriggers: plan.rollbackAlarms.map((Arn) => ({ Arn, Type: 'AWS::CloudWatch::Alarm' })),
          MonitoringTimeInMinutes: plan.rollbackMonitoringMinutes,
        }
      : undefined,
  };

  const noChanges = async (changeSetId?: string): Promise<DeployResult> => {
    if (changeSetId) await discardChangeSet(cfn, changeSetId, undefined, log);
    const message = `No changes: stack ${plan.stackName} already matches the template and parameters; nothing was executed.`;
    // A failing step changes nothing, termination protection included.
    if (plan.failOnEmptyChangeSet) throw new Error(`${message} (fail-on-empty-changeset: true)`);
    await applyTerminationProtection();
    log.notice(message);
    return {
      outcome: 'no-changes',
      status: stack!.StackStatus!,
      stackId: stack!.StackId!,
      changes: [],
      outputs: stackOutputs(stack),
      message,
      events: [],
      recreated,
    };
  };

  const applyTerminationProtection = async (): Promise<void> => {
    if (plan.terminationProtection === undefined || !stack?.StackId) return;
    if (!!stack.EnableTerminationProtection === plan.terminationProtection) return;
    await cfn.send(new UpdateTerminationProtectionCommand({ StackName: stack.StackId, EnableTerminationProtection: plan.terminationProtection }));
    log.info(`Termination protection ${plan.terminationProtection ? 'enabled' : 'disabled'} on ${plan.stackName}.`);
  };

  let created;
  try {
    created = await cfn.send(new CreateChangeSetCommand(input));
  } catch (err) {
    // Some endpoints refuse an identical update outright instead of failing the change set.
    if (updating && (err as { name?: string }).name === 'ValidationError' && isEmptyChangeSetReason(errorMessage(err))) return noChanges();
    throw insufficientCapabilities(err, plan) ?? err;
  }
  const changeSetId = created.Id!;
  const stackId = created.StackId ?? stack?.StackId ?? plan.stackName;
  const ownsEmptyStack = changeSetType === 'CREATE' && disposition !== 'create-over-review' ? stackId : undefined;
  deps.onProgress?.({ phase: 'change-set', changeSetId, stackId, emptyStackId: ownsEmptyStack });
  log.info(`Created change set ${plan.changeSetName} (${changeSetType}) for stack ${plan.stackName}.`);

  // 4. Wait for the change set; anything that stops us here leaves nothing behind.
  let state;
  try {
    state = await waitForChangeSet(cfn, changeSetId, poller(`change set ${plan.changeSetName}`));
  } catch (err) {
    await discardChangeSet(cfn, changeSetId, ownsEmptyStack, log);
    throw err;
  }
  if (state.status === 'FAILED') {
    if (updating && isEmptyChangeSetReason(state.reason)) return noChanges(changeSetId);
    await discardChangeSet(cfn, changeSetId, ownsEmptyStack, log);
    const capabilityError = /requires capabilities/i.test(state.reason ?? '') ? insufficientCapabilities({ name: 'InsufficientCapabilitiesException', message: state.reason }, plan) : undefined;
    throw capabilityError ?? new Error(`Change set ${plan.changeSetName} failed: ${state.reason ?? 'no reason given'}`);
  }
  const rows = changeRows(state.changes as Change[]);
  log.info(`Changes (${rows.length}):\n${changeTableText(rows, color)}`);
  for (const row of rows.filter((r) => r.replacement === 'True' || r.replacement === 'Conditional')) {
    log.warning(`${row.logicalId} (${row.resourceType}) will be ${row.replacement === 'True' ? 'REPLACED' : 'possibly replaced'}: a new physical resource, the old one deleted.`);
  }

  if (!plan.execute) {
    const message = `Change set ${plan.changeSetName} is ready for review (execute: false); nothing was executed.`;
    log.notice(message);
    return {
      outcome: 'change-set-created',
      status: stack?.StackStatus ?? 'REVIEW_IN_PROGRESS',
      stackId,
      changeSetId,
      changeSetName: plan.changeSetName,
      changes: rows,
      outputs: stackOutputs(stack),
      message,
      events: [],
      recreated,
    };
  }

  // 5. Execute and stream events until the stack settles.
  const stream = new StackEventStream(cfn, stackId, plan.stackName, (e) => log.info(eventLine(e, color)));
  try {
    if (updating) await stream.baseline();
  } catch (err) {
    // Not executed yet: a failed read here must not leave the change set behind.
    await discardChangeSet(cfn, changeSetId, ownsEmptyStack, log);
    throw err;
  }
  if (deps.signal?.aborted) {
    await discardChangeSet(cfn, changeSetId, ownsEmptyStack, log);
    throw deps.signal.reason;
  }
  deps.onProgress?.({ phase: 'executing', changeSetId, stackId, updating, emptyStackId: ownsEmptyStack });
  try {
    await cfn.send(new ExecuteChangeSetCommand({ ChangeSetName: changeSetId, ClientRequestToken: plan.changeSetName }));
  } catch (err) {
    // The request may have failed after CloudFormation started; only the stack can tell.
    const now = await describeStack(cfn, stackId).catch(() => undefined);
    if (!now?.StackStatus?.endsWith('_IN_PROGRESS') || now.StackStatus === 'REVIEW_IN_PROGRESS') {
      await discardChangeSet(cfn, changeSetId, ownsEmptyStack, log);
      throw new Error(`ExecuteChangeSet failed (${awsErrorText(err)}); the change set was deleted and the stack left as it was (${now?.StackStatus ?? 'not readable'}).`);
    }
    log.warning(`ExecuteChangeSet reported ${awsErrorText(err)}, but the stack is ${now.StackStatus}: following it.`);
  }
  log.info(`Executing change set ${plan.changeSetName}; stack events follow.`);

  let final: Stack | undefined;
  try {
    const wait = poller(`stack ${plan.stackName} to finish ${changeSetType === 'CREATE' ? 'creating' : 'updating'}`);
    const streamed = await stream.untilTerminal(wait);
    // The events say it settled; DescribeStacks confirms it and brings the outputs. The terminal
    // event is already seen, so a throttled or lagging read is retried here, not by waiting on events.
    for (;;) {
      final = await wait.read(() => describeStack(cfn, stackId));
      if (final?.StackStatus && isTerminal(final.StackStatus)) break;
      log.info(`Events show ${streamed.status}; confirming with DescribeStacks.`);
      await wait.sleep();
    }
  } catch (err) {
    await stopRunningUpdate(cfn, stackId, updating, err, log);
    throw err;
  }

  final = final!;
  const status = final.StackStatus!;
  stack = final;
  const executed = { status, stackId, changeSetId, changeSetName: plan.changeSetName, changes: rows, outputs: stackOutputs(final), events: stream.events, recreated };
  if (isSuccess(status)) {
    await applyTerminationProtection();
    const outcome = changeSetType === 'CREATE' ? 'created' : 'updated';
    return { ...executed, outcome, message: `Stack ${plan.stackName} ${outcome}: ${status} (${rows.length} change${rows.length === 1 ? '' : 's'}).` };
  }
  const failure = firstFailure(stream.events, plan.stackName);
  const message = failure
    ? `${failureText(plan.stackName, failure)} (stack is now ${status})`
    : `Stack ${plan.stackName} ended ${status}${final.StackStatusReason ? `: ${final.StackStatusReason}` : ''}.`;
  return { ...executed, outcome: 'failed', failure, message };
}

/**
 * A timeout or a cancelled job must not leave an update running unattended: cancelling it makes
 * CloudFormation roll back to the last good version, a state the next run can deploy over. A
 * create cannot be cancelled; it finishes or rolls back on its own, and we say so.
 */
export async function stopRunningUpdate(cfn: CloudFormationClient, stackId: string, updating: boolean, cause: unknown, log: DeployLog): Promise<void> {
  const why = cause instanceof WaitTimeoutError ? 'timed out' : 'was stopped';
  if (!updating) {
    log.warning(`The deploy ${why} while the stack was being created; CloudFormation finishes (or rolls back) the creation on its own.`);
    return;
  }
  try {
    // A fresh call, not tied to the aborted signal: this is the clean-up.
    await cfn.send(new CancelUpdateStackCommand({ StackName: stackId }));
    log.warning(`The deploy ${why}; cancelled the update so CloudFormation rolls the stack back to its previous version.`);
  } catch (err) {
    log.warning(`The deploy ${why}; cancelling the update failed (${errorMessage(err)}): check the stack.`);
  }
}
