/**
 * The built bundle against the scripted CloudFormation on a loopback port (reached through
 * AWS_ENDPOINT_URL_CLOUDFORMATION): a failed update ends as an error annotation naming the first
 * failing resource, a summary and a failed step; NoEcho values are masked before anything prints;
 * a cancelled job cancels the running update.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runBundle, runPost, startBundle } from '../../support/harness.js';
import { CHANGE_SET_ID, ev, FakeCloudFormation, ok, stack, STACK_ID } from '../../support/cloudformation/fake-cfn.js';

const fixtures = new URL('../../fixtures/cloudformation/', import.meta.url).pathname;
let fake: FakeCloudFormation;
let endpoint: string;

beforeEach(async () => {
  fake = new FakeCloudFormation();
  endpoint = await fake.listen();
});
afterEach(async () => {
  await fake.close();
});

const current = stack('UPDATE_COMPLETE', {
  Parameters: [{ ParameterKey: 'Image', ParameterValue: 'registry/app@sha256:old' }],
  Outputs: [{ OutputKey: 'ServiceArn', OutputValue: 'arn:aws:ecs:eu-central-1:123456789012:service/c/svc' }],
});
const changes = {
  result: {
    Status: 'CREATE_COMPLETE',
    Changes: [{ Type: 'Resource', ResourceChange: { Action: 'Modify', LogicalResourceId: 'TaskDef', ResourceType: 'AWS::ECS::TaskDefinition', Replacement: 'True', Scope: ['Properties'] } }],
  },
};

function run(inputs: Record<string, string> = {}) {
  return {
    env: { AWS_ENDPOINT_URL_CLOUDFORMATION: endpoint, GITHUB_WORKSPACE: fixtures },
    inputs: { name: 'svc', template: 'svc.yaml', parameters: 'Image=registry/app@sha256:new\nDbPassword=hunter2,hunter3', ...inputs },
  };
}

describe('deploy-stack bundle, failures', () => {
  it('a rolled-back update fails the step with the first failing resource in an annotation and the summary', async () => {
    const started = ev('svc', 'UPDATE_IN_PROGRESS');
    const failed = ev('TaskDef', 'UPDATE_FAILED', { type: 'AWS::ECS::TaskDefinition', reason: 'Invalid CPU or memory value specified' });
    fake
      .on('DescribeStacks', (_p, n) => ({ result: { Stacks: [n === 1 ? current : { ...current, StackStatus: 'UPDATE_ROLLBACK_COMPLETE' }] } }))
      .on('CreateChangeSet', { result: { Id: CHANGE_SET_ID, StackId: STACK_ID } })
      .on('DescribeChangeSet', changes)
      .on('ExecuteChangeSet', ok)
      .on('DescribeStackEvents', (_p, n) =>
        n === 1
          ? { result: { StackEvents: [] } }
          : { result: { StackEvents: [ev('svc', 'UPDATE_ROLLBACK_COMPLETE'), ev('Service', 'UPDATE_FAILED', { reason: 'Resource update cancelled' }), ev('svc', 'UPDATE_ROLLBACK_IN_PROGRESS'), failed, started] } },
      );
    const res = await runBundle('deploy-stack', run());
    expect(res.code).toBe(1);
    expect(res.errors).toEqual(['Stack svc: TaskDef (AWS::ECS::TaskDefinition) UPDATE_FAILED: Invalid CPU or memory value specified']);
    expect(res.stdout).toContain('::error title=deploy-stack svc UPDATE_ROLLBACK_COMPLETE::');
    expect(res.outputs.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(res.outputs.outcome).toBe('failed');
    expect(res.outputs['stack-id']).toBe(STACK_ID);
    expect(res.outputs.ServiceArn).toBe('arn:aws:ecs:eu-central-1:123456789012:service/c/svc');
    expect(res.summary).toContain('**First failure:** `TaskDef` (AWS::ECS::TaskDefinition) UPDATE_FAILED: Invalid CPU or memory value specified');
    expect(res.summary).toContain('| Modify | `TaskDef` | AWS::ECS::TaskDefinition | **:warning: True** | Properties |');
    expect(res.warnings.some((w) => w.startsWith('TaskDef (AWS::ECS::TaskDefinition) will be REPLACED'))).toBe(true);
    // The NoEcho value is masked before any call could echo it.
    const mask = res.stdout.indexOf('::add-mask::hunter2,hunter3');
    expect(mask).toBeGreaterThanOrEqual(0);
    expect(mask).toBeLessThan(res.stdout.indexOf('Created change set'));
    expect(fake.params('CreateChangeSet')).toMatchObject({ 'Parameters.member.2.ParameterKey': 'DbPassword', 'Parameters.member.2.ParameterValue': 'hunter2,hunter3' });
  });

  it('a cancelled job (SIGINT) cancels the running update and fails the step', async () => {
    const running = ev('svc', 'UPDATE_IN_PROGRESS');
    fake
      .on('DescribeStacks', { result: { Stacks: [current] } })
      .on('CreateChangeSet', { result: { Id: CHANGE_SET_ID, StackId: STACK_ID } })
      .on('DescribeChangeSet', changes)
      .on('ExecuteChangeSet', ok)
      .on('DescribeStackEvents', (_p, n) => ({ result: { StackEvents: n === 1 ? [] : [running] } }))
      .on('CancelUpdateStack', ok);
    const bundle = startBundle('deploy-stack', run());
    await bundle.waitFor(/UPDATE_IN_PROGRESS\s+AWS::CloudFormation::Stack/);
    bundle.child.kill('SIGINT');
    const res = await bundle.done;
    expect(res.code).toBe(1);
    expect(fake.count('CancelUpdateStack')).toBe(1);
    expect(res.warnings.some((w) => w.startsWith('The deploy was stopped; cancelled the update so CloudFormation rolls the stack back'))).toBe(true);
    expect(res.errors.join('\n')).toContain('cancelled by SIGINT');
    // Main cleaned up after itself, so its post step has nothing to do.
    const before = fake.calls.length;
    const post = await runPost('deploy-stack', res, { env: run().env });
    expect(post.code).toBe(0);
    expect(post.warnings).toEqual([]);
    expect(fake.calls.length).toBe(before);
  });

  it('ROLLBACK_COMPLETE without recreate-failed-stack fails before any write, saying what to do', async () => {
    fake.on('DescribeStacks', { result: { Stacks: [stack('ROLLBACK_COMPLETE')] } });
    const res = await runBundle('deploy-stack', run());
    expect(res.code).toBe(1);
    expect(res.errors.join('\n')).toMatch(/Stack svc is ROLLBACK_COMPLETE: its creation failed .* Set "recreate-failed-stack: true"/);
    expect(fake.calls.map((c) => c.action)).toEqual(['DescribeStacks']);
  });

  it('killed while the change set is being made: post deletes it and the empty stack it made', async () => {
    fake
      .on('DescribeStacks', (_p, n) => (n === 1 ? { error: { code: 'ValidationError', message: 'Stack with id svc does not exist' } } : { result: { Stacks: [stack('REVIEW_IN_PROGRESS')] } }))
      .on('CreateChangeSet', { result: { Id: CHANGE_SET_ID, StackId: STACK_ID } })
      .on('DescribeChangeSet', { result: { Status: 'CREATE_IN_PROGRESS' } })
      .on('DeleteChangeSet', ok)
      .on('DeleteStack', ok);
    const main = startBundle('deploy-stack', run());
    await main.waitFor('Created change set');
    main.child.kill('SIGKILL');
    const killed = await main.done;
    const post = await runPost('deploy-stack', killed, { env: run().env });
    expect(post.code, post.stdout).toBe(0);
    expect(post.warnings).toContain('deploy-stack was interrupted before it finished; cleaning up.');
    expect(fake.params('DeleteChangeSet')).toMatchObject({ ChangeSetName: CHANGE_SET_ID });
    expect(fake.params('DeleteStack')).toMatchObject({ StackName: STACK_ID });
  });

  it('killed during an update: post cancels it; after a run rejected for its inputs post makes no call', async () => {
    const running = ev('svc', 'UPDATE_IN_PROGRESS');
    fake
      .on('DescribeStacks', (_p, n) => ({ result: { Stacks: [n === 1 ? current : { ...current, StackStatus: 'UPDATE_IN_PROGRESS' }] } }))
      .on('CreateChangeSet', { result: { Id: CHANGE_SET_ID, StackId: STACK_ID } })
      .on('DescribeChangeSet', changes)
      .on('ExecuteChangeSet', ok)
      .on('DescribeStackEvents', (_p, n) => ({ result: { StackEvents: n === 1 ? [] : [running] } }))
      .on('CancelUpdateStack', ok);
    const main = startBundle('deploy-stack', run());
    await main.waitFor(/UPDATE_IN_PROGRESS\s+AWS::CloudFormation::Stack/);
    main.child.kill('SIGKILL');
    const post = await runPost('deploy-stack', await main.done, { env: run().env });
    expect(post.code, post.stdout).toBe(0);
    expect(fake.count('CancelUpdateStack')).toBe(1);

    fake.calls.length = 0;
    fake.on('DescribeStackEvents', { result: { StackEvents: [] } });
    const rejected = await runBundle('deploy-stack', run({ name: 'bad name' }));
    expect(rejected.code).toBe(1);
    const quiet = await runPost('deploy-stack', rejected, { env: run().env });
    expect(quiet.code).toBe(0);
    expect(fake.calls).toEqual([]);
  });
});
