/**
 * What moto cannot show, against a scripted CloudFormation over nock (real SDK serialization):
 * per-resource failures with reasons, throttling ("Rate exceeded"), UPDATE_ROLLBACK_COMPLETE,
 * ROLLBACK_COMPLETE (refused, or deleted and recreated), empty change sets as AWS reports them,
 * timeouts and cancellation. Time is a FakeClock: nothing here waits for real.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { S3Client } from '@aws-sdk/client-s3';
import nock from 'nock';
import { beforeEach, describe, expect, it } from 'vitest';
import { awsClient } from '../../common/aws.js';
import { FakeClock } from '../../common/clock.js';
import { CallCounter } from '../cloudformation/call-counter.js';
import { WaitTimeoutError } from '../cloudformation/poll.js';
import type { Inputs } from './plan.js';
import { deployStack, type DeployLog } from './deploy.js';
import { cleanUpAfterKilledRun } from './post.js';
import { testPlan } from '../../test/support/cloudformation/deploy-inputs.js';
import { CHANGE_SET_ID, ev, FakeCloudFormation, ok, stack, STACK_ID, throttled } from '../../test/support/cloudformation/fake-cfn.js';
import { useNockedAws } from '../../test/support/nock-aws.js';

useNockedAws('CLOUDFORMATION', 'S3');
let fake: FakeCloudFormation;
beforeEach(() => {
  fake = new FakeCloudFormation();
  fake.intercept();
});

function plan(over: Partial<Inputs> = {}) {
  return testPlan({ parameters: 'Image=registry/app@sha256:abc', ...over }, { runId: '42', runAttempt: '2', random: () => 'feedbeef' });
}

/** SDK retries off (maxAttempts 1) unless asked: the poller's own handling of throttling is under test. */
function harness(opts: { maxAttempts?: number; signal?: AbortSignal } = {}) {
  const calls = new CallCounter();
  const lines: string[] = [];
  const log: DeployLog = { info: (m) => lines.push(m), warning: (m) => lines.push(`WARN ${m}`), notice: (m) => lines.push(`NOTICE ${m}`) };
  const clock = new FakeClock();
  const cfn = calls.attach(awsClient(CloudFormationClient, { region: 'eu-central-1', maxAttempts: opts.maxAttempts ?? 1, random: () => 0 }));
  return { calls, lines, clock, deps: { cfn, clock, log, color: false, random: () => 0.5, signal: opts.signal } };
}

const current = stack('UPDATE_COMPLETE', {
  Parameters: [{ ParameterKey: 'Image', ParameterValue: 'registry/app@sha256:old' }, { ParameterKey: 'Cpu', ParameterValue: '256' }],
  Outputs: [{ OutputKey: 'ServiceArn', OutputValue: 'arn:aws:ecs:eu-central-1:123456789012:service/c/svc' }],
});

function readyChangeSet(changes: object[]) {
  return { result: { ChangeSetId: CHANGE_SET_ID, StackId: STACK_ID, Status: 'CREATE_COMPLETE', ExecutionStatus: 'AVAILABLE', Changes: changes } };
}
const modify = (logicalId: string, type: string, replacement: string) => ({
  Type: 'Resource',
  ResourceChange: { Action: 'Modify', LogicalResourceId: logicalId, ResourceType: type, Replacement: replacement, Scope: ['Properties'] },
});

describe('a failed update', () => {
  it('streams events through throttling and pages, and names the first failing resource and its reason', async () => {
    const old = ev('svc', 'UPDATE_COMPLETE');
    const started = ev('svc', 'UPDATE_IN_PROGRESS', { reason: 'User Initiated' });
    const taskDef = ev('TaskDef', 'UPDATE_FAILED', { type: 'AWS::ECS::TaskDefinition', reason: 'Resource handler returned message: "Invalid CPU or memory value specified"' });
    const rollback = ev('svc', 'UPDATE_ROLLBACK_IN_PROGRESS', { reason: 'The following resource(s) failed to update: [TaskDef].' });
    const cancelled = ev('Service', 'UPDATE_FAILED', { reason: 'Resource update cancelled' });
    const done = ev('svc', 'UPDATE_ROLLBACK_COMPLETE');
    let final = false;
    fake
      .on('DescribeStacks', () => ({ result: { Stacks: [final ? { ...current, StackStatus: 'UPDATE_ROLLBACK_COMPLETE' } : current] } }))
      .on('CreateChangeSet', { result: { Id: CHANGE_SET_ID, StackId: STACK_ID } })
      .on('DescribeChangeSet', (_p, n) =>
        n === 1 ? { result: { Status: 'CREATE_IN_PROGRESS' } } : readyChangeSet([modify('TaskDef', 'AWS::ECS::TaskDefinition', 'True'), modify('Service', 'AWS::ECS::Service', 'False')]),
      )
      .on('ExecuteChangeSet', ok)
      .on('DescribeStackEvents', (p, n) => {
        if (n === 1) return { result: { StackEvents: [old] } }; // the baseline
        if (n === 2) return { result: { StackEvents: [started, old] } };
        if (n === 3 || n === 4) return throttled;
        final = true;
        // Newest first, two pages: the stream must follow NextToken back to what it has seen.
        if (!p.NextToken) return { result: { StackEvents: [done, cancelled, rollback], NextToken: 'page-2' } };
        return { result: { StackEvents: [taskDef, started, old] } };
      });
    const h = harness();
    const result = await deployStack(plan(), h.deps);

    expect(result.outcome).toBe('failed');
    expect(result.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(result.failure).toEqual({
      logicalId: 'TaskDef',
      resourceType: 'AWS::ECS::TaskDefinition',
      status: 'UPDATE_FAILED',
      reason: 'Resource handler returned message: "Invalid CPU or memory value specified"',
    });
    expect(result.message).toContain('TaskDef (AWS::ECS::TaskDefinition) UPDATE_FAILED: Resource handler returned message');
    // Every new event once, oldest first, none of the old ones.
    expect(result.events.map((e) => e.EventId)).toEqual([started, taskDef, rollback, cancelled, done].map((e) => e.EventId));
    const printed = h.lines.filter((l) => /^\d\d:\d\d:\d\d {2}/.test(l));
    expect(printed).toHaveLength(5);
    expect(printed[1]).toMatch(/UPDATE_FAILED\s+AWS::ECS::TaskDefinition\s+TaskDef\s+Resource handler returned message/);
    // Throttling slowed the poller instead of failing the deploy.
    expect(h.lines.filter((l) => l.startsWith('AWS is slowing us down (Rate exceeded)'))).toHaveLength(2);
    // The replacement is flagged before anything executes.
    expect(h.lines).toContain('WARN TaskDef (AWS::ECS::TaskDefinition) will be REPLACED: a new physical resource, the old one deleted.');
    expect(h.lines.find((l) => l.startsWith('Changes (2)'))).toMatch(/Modify\s+TaskDef\s+AWS::ECS::TaskDefinition\s+True\s+Properties\s+<- REPLACEMENT/);
    // A declared parameter left out keeps its value only when it differs from the default.
    expect(fake.params('CreateChangeSet')).toMatchObject({ 'Parameters.member.1.ParameterKey': 'Image', 'Parameters.member.1.ParameterValue': 'registry/app@sha256:abc' });
    expect(fake.params('CreateChangeSet')['Parameters.member.2.ParameterKey']).toBeUndefined();
    expect(fake.params('CreateChangeSet')).toMatchObject({ ChangeSetName: 'deploy-r42-a2-feedbeef', ClientToken: 'deploy-r42-a2-feedbeef', ChangeSetType: 'UPDATE', 'Capabilities.member.1': 'CAPABILITY_IAM' });
    expect(fake.params('ExecuteChangeSet')).toMatchObject({ ChangeSetName: CHANGE_SET_ID, ClientRequestToken: 'deploy-r42-a2-feedbeef' });
  });

  it('reads an alarm-triggered rollback from the stack event when no resource failed', async () => {
    const alarm = 'arn:aws:cloudwatch:eu-central-1:123456789012:alarm:svc-5xx';
    fake
      .on('DescribeStacks', (_p, n) => ({ result: { Stacks: [n === 1 ? current : { ...current, StackStatus: 'UPDATE_ROLLBACK_COMPLETE' }] } }))
      .on('CreateChangeSet', { result: { Id: CHANGE_SET_ID, StackId: STACK_ID } })
      .on('DescribeChangeSet', readyChangeSet([modify('Service', 'AWS::ECS::Service', 'False')]))
      .on('ExecuteChangeSet', ok)
      .on('DescribeStackEvents', (_p, n) =>
        n === 1
          ? { result: { StackEvents: [] } }
          : {
              result: {
                StackEvents: [
                  ev('svc', 'UPDATE_ROLLBACK_COMPLETE'),
                  ev('svc', 'UPDATE_ROLLBACK_IN_PROGRESS', { reason: `Rollback triggered by alarm ${alarm}` }),
                  ev('svc', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS'),
                  ev('svc', 'UPDATE_IN_PROGRESS'),
                ],
              },
            },
      );
    const result = await deployStack(plan({ rollbackAlarms: [alarm], rollbackMonitoringMs: 600_000 }), harness().deps);
    expect(result.outcome).toBe('failed');
    expect(result.failure).toMatchObject({ logicalId: 'svc', status: 'UPDATE_ROLLBACK_IN_PROGRESS', reason: `Rollback triggered by alarm ${alarm}` });
    expect(fake.params('CreateChangeSet')).toMatchObject({
      'RollbackConfiguration.RollbackTriggers.member.1.Arn': alarm,
      'RollbackConfiguration.RollbackTriggers.member.1.Type': 'AWS::CloudWatch::Alarm',
      'RollbackConfiguration.MonitoringTimeInMinutes': '10',
    });
  });
});

describe('stacks that cannot be updated', () => {
  it('ROLLBACK_COMPLETE without recreate-failed-stack: a clear message and no write', async () => {
    fake.on('DescribeStacks', { result: { Stacks: [stack('ROLLBACK_COMPLETE', { StackStatusReason: 'The following resource(s) failed to create: [Service].' })] } });
    await expect(deployStack(plan(), harness().deps)).rejects.toThrow(
      /Stack svc is ROLLBACK_COMPLETE: its creation failed and CloudFormation cannot update it\. Set "recreate-failed-stack: true".*failed to create: \[Service\]/,
    );
    expect(fake.calls.map((c) => c.action)).toEqual(['DescribeStacks']);
  });

  it('ROLLBACK_COMPLETE with recreate-failed-stack: deletes it, waits for DELETE_COMPLETE, creates it again', async () => {
    const newId = STACK_ID.replace(/1111-1111-1111$/, '9999-9999-9999');
    fake
      .on('DescribeStacks', (_p, n) => ({ result: { Stacks: [n === 1 ? stack('ROLLBACK_COMPLETE') : { ...stack('CREATE_COMPLETE'), StackId: newId, Outputs: [{ OutputKey: 'ServiceArn', OutputValue: 'svc-arn' }] }] } }))
      .on('DeleteStack', ok)
      .on('DescribeStackEvents', (p, n) => {
        if (p.StackName === STACK_ID) return { result: { StackEvents: n === 1 ? [ev('svc', 'ROLLBACK_COMPLETE')] : [ev('svc', 'DELETE_COMPLETE'), ev('svc', 'DELETE_IN_PROGRESS')] } };
        return { result: { StackEvents: [ev('svc', 'CREATE_COMPLETE', { stackId: newId }), ev('Service', 'CREATE_COMPLETE', { stackId: newId }), ev('svc', 'CREATE_IN_PROGRESS', { stackId: newId })] } };
      })
      .on('CreateChangeSet', { result: { Id: CHANGE_SET_ID, StackId: newId } })
      .on('DescribeChangeSet', readyChangeSet([{ Type: 'Resource', ResourceChange: { Action: 'Add', LogicalResourceId: 'Service', ResourceType: 'AWS::ECS::Service' } }]))
      .on('ExecuteChangeSet', ok);
    const h = harness();
    const result = await deployStack(plan({ recreateFailedStack: true }), h.deps);
    expect(result).toMatchObject({ outcome: 'created', status: 'CREATE_COMPLETE', stackId: newId, recreated: true, outputs: { ServiceArn: 'svc-arn' } });
    expect(fake.calls.map((c) => c.action)).toEqual([
      'DescribeStacks', 'DeleteStack', 'DescribeStackEvents', 'DescribeStackEvents',
      'CreateChangeSet', 'DescribeChangeSet', 'ExecuteChangeSet', 'DescribeStackEvents', 'DescribeStacks',
    ]);
    expect(fake.params('DeleteStack')).toMatchObject({ StackName: STACK_ID });
    expect(fake.params('CreateChangeSet')).toMatchObject({ ChangeSetType: 'CREATE' });
    expect(h.lines.some((l) => /DELETE_COMPLETE\s+AWS::CloudFormation::Stack\s+svc/.test(l))).toBe(true);
  });

  it('with recreate-failed-stack, a template upload the bucket refuses leaves the failed stack in place', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'big-tpl-'));
    writeFileSync(join(dir, 'big.yaml'), `Parameters:\n  Image: {Type: String}\nResources: {}\n# ${'x'.repeat(60_000)}\n`);
    nock('https://templates.s3.eu-central-1.amazonaws.com').put(/.*/).reply(403, '<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>', { 'content-type': 'application/xml' });
    fake.on('DescribeStacks', { result: { Stacks: [stack('ROLLBACK_COMPLETE')] } }).on('DeleteStack', ok);
    const h = harness();
    const s3 = awsClient(S3Client, { region: 'eu-central-1', maxAttempts: 1 });
    // Templates are read only inside the workspace: here, the folder that holds it.
    const p = testPlan({ parameters: 'Image=registry/app@sha256:abc', recreateFailedStack: true, template: 'big.yaml', s3Bucket: 'templates' }, { runId: '42', runAttempt: '2', random: () => 'feedbeef', workspace: dir });
    await expect(deployStack(p, { ...h.deps, s3: () => s3 })).rejects.toThrow('Access Denied');
    expect(fake.calls.map((c) => c.action)).toEqual(['DescribeStacks']);
  });

  it.each([
    ['UPDATE_IN_PROGRESS', /another operation is running on it/],
    ['UPDATE_ROLLBACK_FAILED', /continue-update-rollback/],
    ['DELETE_FAILED', /cannot be deployed to/],
  ])('%s is refused with what to do, before any write', async (status, message) => {
    fake.on('DescribeStacks', { result: { Stacks: [stack(status)] } });
    await expect(deployStack(plan(), harness().deps)).rejects.toThrow(message);
    expect(fake.calls.map((c) => c.action)).toEqual(['DescribeStacks']);
  });
});

describe('empty change sets', () => {
  const emptyFailed = {
    result: { Status: 'FAILED', ExecutionStatus: 'UNAVAILABLE', StatusReason: "The submitted information didn't contain changes. Submit different information to create a change set." },
  };

  it('are a success with a message: 4 calls, the change set deleted, nothing executed', async () => {
    fake
      .on('DescribeStacks', { result: { Stacks: [current] } })
      .on('CreateChangeSet', { result: { Id: CHANGE_SET_ID, StackId: STACK_ID } })
      .on('DescribeChangeSet', emptyFailed)
      .on('DeleteChangeSet', ok);
    const h = harness();
    const result = await deployStack(plan(), h.deps);
    expect(result).toMatchObject({ outcome: 'no-changes', status: 'UPDATE_COMPLETE', outputs: { ServiceArn: 'arn:aws:ecs:eu-central-1:123456789012:service/c/svc' } });
    expect(h.calls.byOperation()).toEqual({ DescribeStacks: 1, CreateChangeSet: 1, DescribeChangeSet: 1, DeleteChangeSet: 1 });
    expect(h.lines.filter((l) => l.startsWith('NOTICE No changes'))).toHaveLength(1);
  });

  it('fail the step with fail-on-empty-changeset: true, still leaving no change set behind', async () => {
    fake
      .on('DescribeStacks', { result: { Stacks: [current] } })
      .on('CreateChangeSet', { result: { Id: CHANGE_SET_ID, StackId: STACK_ID } })
      .on('DescribeChangeSet', emptyFailed)
      .on('DeleteChangeSet', ok);
    await expect(deployStack(plan({ failOnEmptyChangeSet: true, terminationProtection: 'true' }), harness().deps)).rejects.toThrow(/No changes: .*\(fail-on-empty-changeset: true\)/);
    expect(fake.count('DeleteChangeSet')).toBe(1);
    expect(fake.count('ExecuteChangeSet')).toBe(0);
    // The step fails, so it changes nothing else either.
    expect(fake.count('UpdateTerminationProtection')).toBe(0);
  });
});

describe('change sets that fail', () => {
  it('a failed CREATE change set is deleted with the empty stack it made, and its reason reported', async () => {
    fake
      .on('DescribeStacks', { error: { code: 'ValidationError', message: 'Stack with id svc does not exist' } })
      .on('CreateChangeSet', { result: { Id: CHANGE_SET_ID, StackId: STACK_ID } })
      .on('DescribeChangeSet', { result: { Status: 'FAILED', StatusReason: 'Template format error: Unresolved resource dependencies [Cluster] in the Resources block of the template' } })
      .on('DeleteChangeSet', ok)
      .on('DeleteStack', ok);
    await expect(deployStack(plan(), harness().deps)).rejects.toThrow(/Change set deploy-r42-a2-feedbeef failed: Template format error: Unresolved resource dependencies \[Cluster\]/);
    expect(fake.calls.map((c) => c.action)).toEqual(['DescribeStacks', 'CreateChangeSet', 'DescribeChangeSet', 'DeleteChangeSet', 'DeleteStack']);
    expect(fake.params('DeleteStack')).toMatchObject({ StackName: STACK_ID });
  });

  it('missing capabilities name the capability to add', async () => {
    fake
      .on('DescribeStacks', { result: { Stacks: [current] } })
      .on('CreateChangeSet', { error: { code: 'InsufficientCapabilitiesException', message: 'Requires capabilities : [CAPABILITY_NAMED_IAM]' } });
    await expect(deployStack(plan(), harness().deps)).rejects.toThrow(
      'Input "capabilities": the template needs CAPABILITY_NAMED_IAM but only CAPABILITY_IAM was acknowledged; add it to "capabilities" if you accept what the template creates.',
    );
  });

  it('SDK-level retries absorb a throttled CreateChangeSet without a name collision (one client token)', async () => {
    fake
      .on('DescribeStacks', { result: { Stacks: [current] } })
      .on('CreateChangeSet', (_p, n) => (n === 1 ? throttled : { result: { Id: CHANGE_SET_ID, StackId: STACK_ID } }))
      .on('DescribeChangeSet', { result: { Status: 'FAILED', StatusReason: 'No updates are to be performed.' } })
      .on('DeleteChangeSet', ok);
    const h = harness({ maxAttempts: 3 });
    const result = await deployStack(plan(), h.deps);
    expect(result.outcome).toBe('no-changes');
    expect(fake.count('CreateChangeSet')).toBe(2);
    expect(fake.params('CreateChangeSet', 1).ClientToken).toBe(fake.params('CreateChangeSet', 2).ClientToken);
    expect(h.calls.byOperation().CreateChangeSet).toBe(1);
  });
});

describe('a failing ExecuteChangeSet', () => {
  const internal = { error: { code: 'InternalFailure', message: 'We encountered an internal error.', status: 500 } };
  function scripted(statusAfter: string) {
    const running = ev('svc', 'UPDATE_IN_PROGRESS');
    fake
      .on('DescribeStacks', (_p, n) => ({ result: { Stacks: [n === 1 ? current : n === 2 ? { ...current, StackStatus: statusAfter } : current] } }))
      .on('CreateChangeSet', { result: { Id: CHANGE_SET_ID, StackId: STACK_ID } })
      .on('DescribeChangeSet', readyChangeSet([modify('Service', 'AWS::ECS::Service', 'False')]))
      .on('ExecuteChangeSet', internal)
      .on('DeleteChangeSet', ok)
      .on('DescribeStackEvents', (_p, n) => ({ result: { StackEvents: n === 1 ? [] : [ev('svc', 'UPDATE_COMPLETE'), running] } }));
  }

  it('a read that fails just before execution deletes the change set and executes nothing', async () => {
    fake
      .on('DescribeStacks', { result: { Stacks: [current] } })
      .on('CreateChangeSet', { result: { Id: CHANGE_SET_ID, StackId: STACK_ID } })
      .on('DescribeChangeSet', readyChangeSet([modify('Service', 'AWS::ECS::Service', 'False')]))
      .on('DescribeStackEvents', internal)
      .on('DeleteChangeSet', ok);
    await expect(deployStack(plan(), harness().deps)).rejects.toThrow('We encountered an internal error.');
    expect(fake.params('DeleteChangeSet')).toMatchObject({ ChangeSetName: CHANGE_SET_ID });
    expect(fake.count('ExecuteChangeSet')).toBe(0);
  });

  it('that did not start: the change set is deleted and the stack left as it was', async () => {
    scripted('UPDATE_COMPLETE');
    await expect(deployStack(plan(), harness().deps)).rejects.toThrow(
      'ExecuteChangeSet failed (InternalFailure: We encountered an internal error. (HTTP 500)); the change set was deleted and the stack left as it was (UPDATE_COMPLETE).',
    );
    expect(fake.count('DeleteChangeSet')).toBe(1);
  });

  it('that started anyway: the deploy follows the stack to its end', async () => {
    scripted('UPDATE_IN_PROGRESS');
    const h = harness();
    const result = await deployStack(plan(), h.deps);
    expect(result.outcome).toBe('updated');
    expect(fake.count('DeleteChangeSet')).toBe(0);
    expect(h.lines.some((l) => l.startsWith('WARN ExecuteChangeSet reported InternalFailure') && l.endsWith('but the stack is UPDATE_IN_PROGRESS: following it.'))).toBe(true);
  });
});

describe('throttling at the end of a deploy', () => {
  it('a throttled DescribeStacks after the final event is read again, not waited on until the timeout', async () => {
    const done = ev('svc', 'UPDATE_COMPLETE');
    let executed = false;
    fake
      .on('DescribeStacks', (_p, n) => {
        if (!executed) return { result: { Stacks: [current] } };
        // The confirming read: throttled twice, then the finished stack with its new output.
        if (n <= 3) return throttled;
        return { result: { Stacks: [{ ...current, Outputs: [{ OutputKey: 'Url', OutputValue: 'https://svc.example' }] }] } };
      })
      .on('CreateChangeSet', { result: { Id: CHANGE_SET_ID, StackId: STACK_ID } })
      .on('DescribeChangeSet', readyChangeSet([modify('Service', 'AWS::ECS::Service', 'False')]))
      .on('ExecuteChangeSet', () => ((executed = true), ok))
      .on('DescribeStackEvents', (_p, n) => ({ result: { StackEvents: n === 1 ? [] : [done] } }))
      .on('CancelUpdateStack', ok);
    const h = harness();
    const result = await deployStack(plan({ timeoutMs: 600_000 }), h.deps);
    expect(result.outcome).toBe('updated');
    expect(result.outputs).toEqual({ Url: 'https://svc.example' });
    expect(fake.count('DescribeStacks')).toBe(4);
    expect(fake.count('CancelUpdateStack')).toBe(0);
  });
});

describe('timeouts and cancellation leave a known state', () => {
  function stuckUpdate() {
    const running = ev('svc', 'UPDATE_IN_PROGRESS');
    fake
      .on('DescribeStacks', { result: { Stacks: [current] } })
      .on('CreateChangeSet', { result: { Id: CHANGE_SET_ID, StackId: STACK_ID } })
      .on('DescribeChangeSet', readyChangeSet([modify('Service', 'AWS::ECS::Service', 'False')]))
      .on('ExecuteChangeSet', ok)
      .on('DescribeStackEvents', (_p, n) => ({ result: { StackEvents: n === 1 ? [] : [running] } }))
      .on('CancelUpdateStack', ok);
  }

  it('an update still running at the timeout is cancelled so it rolls back', async () => {
    stuckUpdate();
    const h = harness();
    await expect(deployStack(plan({ timeoutMs: 120_000 }), h.deps)).rejects.toBeInstanceOf(WaitTimeoutError);
    expect(fake.params('CancelUpdateStack')).toMatchObject({ StackName: STACK_ID });
    expect(h.lines.some((l) => l.startsWith('WARN The deploy timed out; cancelled the update'))).toBe(true);
    // The poller slowed down while nothing happened: far fewer reads than one per 2 s.
    expect(fake.count('DescribeStackEvents')).toBeLessThan(20);
  });

  it('a cancelled job cancels the running update too', async () => {
    stuckUpdate();
    const controller = new AbortController();
    const h = harness({ signal: controller.signal });
    h.deps.log.info = (m: string) => {
      h.lines.push(m);
      if (m.includes('UPDATE_IN_PROGRESS')) controller.abort(new Error('cancelled by SIGINT'));
    };
    await expect(deployStack(plan(), h.deps)).rejects.toThrow('cancelled by SIGINT');
    expect(fake.count('CancelUpdateStack')).toBe(1);
  });

  it('termination protection and role are applied as asked', async () => {
    fake
      .on('DescribeStacks', (_p, n) => ({ result: { Stacks: [n === 1 ? current : { ...current, StackStatus: 'UPDATE_COMPLETE', EnableTerminationProtection: false }] } }))
      .on('CreateChangeSet', { result: { Id: CHANGE_SET_ID, StackId: STACK_ID } })
      .on('DescribeChangeSet', readyChangeSet([modify('Service', 'AWS::ECS::Service', 'False')]))
      .on('ExecuteChangeSet', ok)
      .on('DescribeStackEvents', (_p, n) => ({ result: { StackEvents: n === 1 ? [] : [ev('svc', 'UPDATE_COMPLETE'), ev('svc', 'UPDATE_IN_PROGRESS')] } }))
      .on('UpdateTerminationProtection', { result: { StackId: STACK_ID } });
    const roleArn = 'arn:aws:iam::123456789012:role/cfn-deployer';
    const result = await deployStack(plan({ terminationProtection: 'true', roleArn }), harness().deps);
    expect(result.outcome).toBe('updated');
    expect(fake.params('UpdateTerminationProtection')).toMatchObject({ StackName: STACK_ID, EnableTerminationProtection: 'true' });
    expect(fake.params('CreateChangeSet')).toMatchObject({ RoleARN: roleArn });
  });
});

describe('post after a killed run', () => {
  it.each([
    ['UPDATE_IN_PROGRESS', 'update-cancelled', ['DescribeStacks', 'CancelUpdateStack']],
    ['UPDATE_COMPLETE', 'left-to-finish', ['DescribeStacks', 'DeleteChangeSet']],
    ['UPDATE_ROLLBACK_IN_PROGRESS', 'left-to-finish', ['DescribeStacks']],
  ])('executing and the stack is %s → %s', async (status, cleanup, calls) => {
    fake.on('DescribeStacks', { result: { Stacks: [stack(status)] } }).on('CancelUpdateStack', ok).on('DeleteChangeSet', ok);
    const h = harness();
    const done = await cleanUpAfterKilledRun({ phase: 'executing', changeSetId: CHANGE_SET_ID, stackId: STACK_ID, updating: true }, h.deps.cfn, h.deps.log);
    expect(done).toBe(cleanup);
    expect(fake.calls.map((c) => c.action)).toEqual(calls);
  });
});
