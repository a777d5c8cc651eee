/**
 * deployStack(plan, deps): one CloudFormation deploy through a change set, callable from tests and
 * other actions. Reads first (DescribeStacks), decides, validates everything, then writes. A failed
 * deploy is a result (with the first failing resource), not an exception, so callers can still set
 * outputs; exceptions are for inputs and for states a person must look at. The five phases (read,
 * validate, write the change set, wait for it, execute) are the functions below, in that order.
 */
import {
  CreateChangeSetCommand,
  DeleteStackCommand,
  ExecuteChangeSetCommand,
  UpdateTerminationProtectionCommand,
  type Change,
  type CloudFormationClient,
  type CreateChangeSetCommandInput,
  type Parameter,
  type Stack,
  type StackEvent,
} from '@aws-sdk/client-cloudformation';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Clock } from '../../common/clock.js';
import { systemClock } from '../../common/clock.js';
import { formatDuration } from '../../common/duration.js';
import { errorMessage, InputError } from '../../common/errors.js';
import { waitForChangeSet } from '../cloudformation/changeset.js';
import { firstFailure, StackEventStream, type FailureCause } from '../cloudformation/events.js';
import { resolveParameters } from '../cloudformation/parameters.js';
import { Poller, type PollPolicy } from '../cloudformation/poll.js';
import { changeRows, changeTableText, eventLine, failureText, type ChangeRow } from '../cloudformation/report.js';
import { describeStack, discardChangeSet, stackOutputs, stopRunningUpdate } from '../cloudformation/stack.js';
import { dispositionOf, isEmptyChangeSetReason, isSuccess, isTerminal, type StackDisposition } from '../cloudformation/status.js';
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

const STUCK_HINT: Record<string, string> = {
  UPDATE_ROLLBACK_FAILED: 'continue the rollback (aws cloudformation continue-update-rollback), then deploy again',
  DELETE_FAILED: 'delete the resources that blocked deletion and delete the stack, then deploy again',
};

function insufficientCapabilities(err: unknown, plan: DeployPlan): Error | undefined {
  if ((err as { name?: string }).name !== 'InsufficientCapabilitiesException') return undefined;
  const needed = /\[([^\]]+)\]/.exec(errorMessage(err))?.[1] ?? 'more capabilities';
  return new InputError(
    `Input "capabilities": the template needs ${needed} but only ${plan.capabilities.join(', ') || 'none'} ${plan.capabilities.length === 1 ? 'was' : 'were'} acknowledged; add it to "capabilities" if you accept what the template creates.`,
  );
}

/** What every phase of one deploy shares. */
interface Run {
  plan: DeployPlan;
  deps: DeployDeps;
  cfn: CloudFormationClient;
  log: DeployLog;
  color: boolean;
  /** A poller for one wait, bounded by the deploy's timeout. */
  poller(what: string): Poller;
  /** The stack as last read; undefined when there is none (or it was deleted to be created again). */
  stack: Stack | undefined;
  disposition: StackDisposition;
  updating: boolean;
  recreated: boolean;
}

/** The change set this run created. */
interface CreatedChangeSet {
  changeSetId: string;
  stackId: string;
  type: 'CREATE' | 'UPDATE';
  /** The empty REVIEW_IN_PROGRESS stack its creation made, which a discard deletes too. */
  ownsEmptyStack?: string;
}

export async function deployStack(plan: DeployPlan, deps: DeployDeps): Promise<DeployResult> {
  const run = await readStack(plan, deps);
  const parameters = validate(run);
  const template = await uploadTemplate(run);
  if (run.disposition === 'failed-create') await deleteFailedStack(run);
  const created = await createChangeSet(run, changeSetInput(run, template, parameters));
  if (!created) return noChanges(run);
  const rows = await waitForChanges(run, created);
  if (!rows) return noChanges(run, created.changeSetId);
  if (!plan.execute) return readyForReview(run, created, rows);
  const stream = await executeChangeSet(run, created);
  const final = await settle(run, created, stream);
  return executed(run, created, rows, stream, final);
}

/** 1. Read: the stack decides between create, update, recreate and refusing. */
async function readStack(plan: DeployPlan, deps: DeployDeps): Promise<Run> {
  const { cfn } = deps;
  const log = deps.log ?? silent;
  const clock = deps.clock ?? systemClock;
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
  const stack = await describeStack(cfn, plan.stackName);
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
  return { plan, deps, cfn, log, color: deps.color ?? true, poller, stack, disposition, updating: disposition === 'update', recreated: false };
}

/** 2. Validate all that is left before the first write: the parameters, against the stack's current ones on an update. */
function validate(run: Run): Parameter[] {
  const current = run.updating ? new Map((run.stack!.Parameters ?? []).filter((p) => p.ParameterKey).map((p) => [p.ParameterKey!, p.ParameterValue ?? ''])) : null;
  return resolveParameters(run.plan.parameters, run.plan.template.declared, current);
}

/**
 * 3. Writes start here. The template upload first: a bucket that refuses it must not cost the
 * failed stack that recreate-failed-stack would delete next.
 */
async function uploadTemplate(run: Run): Promise<Pick<CreateChangeSetCommandInput, 'TemplateBody' | 'TemplateURL'>> {
  const { plan, deps } = run;
  if (plan.template.kind === 'body') return { TemplateBody: plan.template.body };
  if (plan.template.kind === 'url') return { TemplateURL: plan.template.url };
  if (!deps.s3) throw new Error('deployStack: an S3 client is needed to upload a template over 51,200 bytes.');
  const { bucket, key, body } = plan.template;
  await deps.s3().send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'text/plain' }));
  run.log.info(`Uploaded the template (${Buffer.byteLength(body)} bytes) to s3://${bucket}/${key}.`);
  return { TemplateURL: s3HttpsUrl(bucket, key, plan.region) };
}

/** recreate-failed-stack: deletes the stack whose creation failed, following its events until it is gone. */
async function deleteFailedStack(run: Run): Promise<void> {
  const { plan, cfn, log } = run;
  log.warning(`Stack ${plan.stackName} is ${run.stack!.StackStatus}; deleting it to create it again (recreate-failed-stack: true).`);
  const oldId = run.stack!.StackId!;
  await cfn.send(new DeleteStackCommand({ StackName: oldId, RoleARN: plan.roleArn }));
  const deletion = new StackEventStream(cfn, oldId, plan.stackName, (e) => log.info(eventLine(e, run.color)));
  await deletion.baseline();
  const deleted = await deletion.untilTerminal(run.poller(`stack ${plan.stackName} to be deleted`));
  if (deleted.status !== 'DELETE_COMPLETE') throw new Error(`Stack ${plan.stackName} could not be deleted for recreation: it is ${deleted.status}.`);
  run.stack = undefined;
  run.recreated = true;
}

function changeSetInput(run: Run, template: Pick<CreateChangeSetCommandInput, 'TemplateBody' | 'TemplateURL'>, parameters: Parameter[]): CreateChangeSetCommandInput {
  const { plan } = run;
  return {
    StackName: plan.stackName,
    ChangeSetName: plan.changeSetName,
    // Same token on every SDK retry: a retried create cannot collide with the one that got through.
    ClientToken: plan.changeSetName,
    ChangeSetType: run.updating ? 'UPDATE' : 'CREATE',
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
}

/** Creates the change set; null when the endpoint refuses an identical update outright (nothing to change). */
async function createChangeSet(run: Run, input: CreateChangeSetCommandInput): Promise<CreatedChangeSet | null> {
  const { plan, cfn } = run;
  let created;
  try {
    created = await cfn.send(new CreateChangeSetCommand(input));
  } catch (err) {
    // Some endpoints refuse an identical update outright instead of failing the change set.
    if (run.updating && (err as { name?: string }).name === 'ValidationError' && isEmptyChangeSetReason(errorMessage(err))) return null;
    throw insufficientCapabilities(err, plan) ?? err;
  }
  const type = run.updating ? 'UPDATE' : 'CREATE';
  const changeSetId = created.Id!;
  const stackId = created.StackId ?? run.stack?.StackId ?? plan.stackName;
  const ownsEmptyStack = type === 'CREATE' && run.disposition !== 'create-over-review' ? stackId : undefined;
  run.deps.onProgress?.({ phase: 'change-set', changeSetId, stackId, emptyStackId: ownsEmptyStack });
  run.log.info(`Created change set ${plan.changeSetName} (${type}) for stack ${plan.stackName}.`);
  return { changeSetId, stackId, type, ownsEmptyStack };
}

/**
 * 4. Wait for the change set; anything that stops us here leaves nothing behind. Its changes, or
 * null when it has none to make.
 */
async function waitForChanges(run: Run, cs: CreatedChangeSet): Promise<ChangeRow[] | null> {
  const { plan, cfn, log } = run;
  let state;
  try {
    state = await waitForChangeSet(cfn, cs.changeSetId, run.poller(`change set ${plan.changeSetName}`));
  } catch (err) {
    await discardChangeSet(cfn, cs.changeSetId, cs.ownsEmptyStack, log);
    throw err;
  }
  if (state.status === 'FAILED') {
    if (run.updating && isEmptyChangeSetReason(state.reason)) return null;
    await discardChangeSet(cfn, cs.changeSetId, cs.ownsEmptyStack, log);
    const capabilityError = /requires capabilities/i.test(state.reason ?? '') ? insufficientCapabilities({ name: 'InsufficientCapabilitiesException', message: state.reason }, plan) : undefined;
    throw capabilityError ?? new Error(`Change set ${plan.changeSetName} failed: ${state.reason ?? 'no reason given'}`);
  }
  const rows = changeRows(state.changes as Change[]);
  log.info(`Changes (${rows.length}):\n${changeTableText(rows, run.color)}`);
  for (const row of rows.filter((r) => r.replacement === 'True' || r.replacement === 'Conditional')) {
    log.warning(`${row.logicalId} (${row.resourceType}) will be ${row.replacement === 'True' ? 'REPLACED' : 'possibly replaced'}: a new physical resource, the old one deleted.`);
  }
  return rows;
}

/** Nothing to change: the change set (if any) goes, the stack stays as it is. */
async function noChanges(run: Run, changeSetId?: string): Promise<DeployResult> {
  const { plan, log } = run;
  if (changeSetId) await discardChangeSet(run.cfn, changeSetId, undefined, log);
  const message = `No changes: stack ${plan.stackName} already matches the template and parameters; nothing was executed.`;
  // A failing step changes nothing, termination protection included.
  if (plan.failOnEmptyChangeSet) throw new Error(`${message} (fail-on-empty-changeset: true)`);
  await applyTerminationProtection(run);
  log.notice(message);
  const stack = run.stack!;
  return { outcome: 'no-changes', status: stack.StackStatus!, stackId: stack.StackId!, changes: [], outputs: stackOutputs(stack), message, events: [], recreated: run.recreated };
}

async function applyTerminationProtection(run: Run): Promise<void> {
  const { plan, stack } = run;
  if (plan.terminationProtection === undefined || !stack?.StackId) return;
  if (!!stack.EnableTerminationProtection === plan.terminationProtection) return;
  await run.cfn.send(new UpdateTerminationProtectionCommand({ StackName: stack.StackId, EnableTerminationProtection: plan.terminationProtection }));
  run.log.info(`Termination protection ${plan.terminationProtection ? 'enabled' : 'disabled'} on ${plan.stackName}.`);
}

/** execute: false: the change set stays for a person to review. */
function readyForReview(run: Run, cs: CreatedChangeSet, rows: ChangeRow[]): DeployResult {
  const { plan } = run;
  const message = `Change set ${plan.changeSetName} is ready for review (execute: false); nothing was executed.`;
  run.log.notice(message);
  return {
    outcome: 'change-set-created',
    status: run.stack?.StackStatus ?? 'REVIEW_IN_PROGRESS',
    stackId: cs.stackId,
    changeSetId: cs.changeSetId,
    changeSetName: plan.changeSetName,
    changes: rows,
    outputs: stackOutputs(run.stack),
    message,
    events: [],
    recreated: run.recreated,
  };
}

/** 5. Execute, with the event stream started first; a change set that never ran is discarded. */
async function executeChangeSet(run: Run, cs: CreatedChangeSet): Promise<StackEventStream> {
  const { plan, cfn, log, deps } = run;
  const discard = () => discardChangeSet(cfn, cs.changeSetId, cs.ownsEmptyStack, log);
  const stream = new StackEventStream(cfn, cs.stackId, plan.stackName, (e) => log.info(eventLine(e, run.color)));
  try {
    if (run.updating) await stream.baseline();
  } catch (err) {
    // Not executed yet: a failed read here must not leave the change set behind.
    await discard();
    throw err;
  }
  if (deps.signal?.aborted) {
    await discard();
    throw deps.signal.reason;
  }
  deps.onProgress?.({ phase: 'executing', changeSetId: cs.changeSetId, stackId: cs.stackId, updating: run.updating, emptyStackId: cs.ownsEmptyStack });
  try {
    await cfn.send(new ExecuteChangeSetCommand({ ChangeSetName: cs.changeSetId, ClientRequestToken: plan.changeSetName }));
  } catch (err) {
    // The request may have failed after CloudFormation started; only the stack can tell.
    const now = await describeStack(cfn, cs.stackId).catch(() => undefined);
    if (!now?.StackStatus?.endsWith('_IN_PROGRESS') || now.StackStatus === 'REVIEW_IN_PROGRESS') {
      await discard();
      throw new Error(`ExecuteChangeSet failed (${awsErrorText(err)}); the change set was deleted and the stack left as it was (${now?.StackStatus ?? 'not readable'}).`);
    }
    log.warning(`ExecuteChangeSet reported ${awsErrorText(err)}, but the stack is ${now.StackStatus}: following it.`);
  }
  log.info(`Executing change set ${plan.changeSetName}; stack events follow.`);
  return stream;
}

/** Streams events until the stack settles; a timeout or a stop cancels a running update. */
async function settle(run: Run, cs: CreatedChangeSet, stream: StackEventStream): Promise<Stack> {
  const { plan, cfn } = run;
  let final: Stack | undefined;
  try {
    const wait = run.poller(`stack ${plan.stackName} to finish ${cs.type === 'CREATE' ? 'creating' : 'updating'}`);
    const streamed = await stream.untilTerminal(wait);
    // The events say it settled; DescribeStacks confirms it and brings the outputs. The terminal
    // event is already seen, so a throttled or lagging read is retried here, not by waiting on events.
    for (;;) {
      final = await wait.read(() => describeStack(cfn, cs.stackId));
      if (final?.StackStatus && isTerminal(final.StackStatus)) break;
      run.log.info(`Events show ${streamed.status}; confirming with DescribeStacks.`);
      await wait.sleep();
    }
  } catch (err) {
    await stopRunningUpdate(cfn, cs.stackId, run.updating, err, run.log);
    throw err;
  }
  return final;
}

/** The executed deploy as a result: created or updated, or failed with the first failing resource. */
async function executed(run: Run, cs: CreatedChangeSet, rows: ChangeRow[], stream: StackEventStream, final: Stack): Promise<DeployResult> {
  const { plan } = run;
  const status = final.StackStatus!;
  run.stack = final;
  const result = {
    status, stackId: cs.stackId, changeSetId: cs.changeSetId, changeSetName: plan.changeSetName,
    changes: rows, outputs: stackOutputs(final), events: stream.events, recreated: run.recreated,
  };
  if (isSuccess(status)) {
    await applyTerminationProtection(run);
    const outcome = cs.type === 'CREATE' ? 'created' : 'updated';
    return { ...result, outcome, message: `Stack ${plan.stackName} ${outcome}: ${status} (${rows.length} change${rows.length === 1 ? '' : 's'}).` };
  }
  const failure = firstFailure(stream.events, plan.stackName);
  const message = failure
    ? `${failureText(plan.stackName, failure)} (stack is now ${status})`
    : `Stack ${plan.stackName} ended ${status}${final.StackStatusReason ? `: ${final.StackStatusReason}` : ''}.`;
  return { ...result, outcome: 'failed', failure, message };
}
