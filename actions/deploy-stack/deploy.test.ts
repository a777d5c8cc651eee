/**
 * deploy-stack against moto's CloudFormation: create, one-resource update, no-op, execute: false,
 * outputs, events, large templates through S3, and bad inputs creating nothing. Module calls run on
 * a FakeClock (no real waiting); bundle runs go through the built action as the runner would.
 */
import { CloudFormationClient, CreateStackCommand, DescribeStacksCommand, ListStacksCommand } from '@aws-sdk/client-cloudformation';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { awsClient } from '../../common/aws.js';
import { FakeClock } from '../../common/clock.js';
import { CallCounter } from '../cloudformation/call-counter.js';
import { buildPlan, type Inputs } from './plan.js';
import { deployStack, type DeployLog } from './deploy.js';
import { runBundle } from '../../test/support/harness.js';
import { fixtures, testInputs } from '../../test/support/cloudformation/deploy-inputs.js';
import { useMoto } from '../../test/support/use-moto.js';

// Outputs and Exports for stacks made through change sets, as on AWS (moto 5.2.1 lacks them).
const moto = useMoto('eu-central-1', { changeSetOutputs: true });
beforeEach(async () => {
  await moto.current.reset();
});

function inputs(over: Partial<Inputs> = {}): Inputs {
  return testInputs({
    name: 'orders',
    template: 'queue.yaml',
    parameters: 'QueueName=orders\nSubnets=subnet-aaa,subnet-bbb',
    tags: 'team: payments',
    timeoutMs: 600_000,
    ...over,
  });
}

let runs = 0;
function plan(over: Partial<Inputs> = {}) {
  runs++;
  return buildPlan(inputs(over), { workspace: fixtures, runId: String(runs), runAttempt: '1', repository: 'example/repo', sha: 'abc' });
}

function deps() {
  const calls = new CallCounter();
  const lines: string[] = [];
  const log: DeployLog = { info: (m) => lines.push(m), warning: (m) => lines.push(`WARN ${m}`), notice: (m) => lines.push(`NOTICE ${m}`) };
  const cfn = calls.attach(awsClient(CloudFormationClient, { region: 'eu-central-1' }));
  return { calls, lines, cfn, deps: { cfn, clock: new FakeClock(), log, color: false } };
}

describe('deployStack against moto', () => {
  it('creates the stack, streams its events and returns its outputs (commas in values intact)', async () => {
    const d = deps();
    const result = await deployStack(plan(), d.deps);
    expect(result.outcome).toBe('created');
    expect(result.status).toBe('CREATE_COMPLETE');
    // Create: DescribeStacks, CreateChangeSet, DescribeChangeSet, ExecuteChangeSet, DescribeStackEvents, DescribeStacks.
    expect(d.calls.byOperation(), d.lines.join('\n')).toEqual({ DescribeStacks: 2, CreateChangeSet: 1, DescribeChangeSet: 1, ExecuteChangeSet: 1, DescribeStackEvents: 1 });
    expect(result.stackId).toMatch(/^arn:aws:cloudformation:eu-central-1:\d+:stack\/orders\//);
    expect(result.outputs.QueueUrl).toMatch(/\/orders$/);
    expect(result.outputs.QueueArn).toBe('arn:aws:sqs:eu-central-1:123456789012:orders');
    expect(result.outputs.Subnets).toBe('subnet-aaa,subnet-bbb');
    expect(result.changes.map((c) => [c.action, c.logicalId]).sort()).toEqual([['Add', 'Note'], ['Add', 'Queue']]);
    expect(result.events.map((e) => e.ResourceStatus)).toContain('CREATE_COMPLETE');
    expect(d.lines.some((l) => /CREATE_COMPLETE\s+AWS::CloudFormation::Stack\s+orders/.test(l))).toBe(true);
  });

  it('a no-op deploy succeeds with a message, executes nothing, keeps the outputs, and costs 4 calls', async () => {
    await deployStack(plan(), deps().deps);
    const d = deps();
    const result = await deployStack(plan(), d.deps);
    expect(result.outcome).toBe('no-changes');
    expect(result.status).toBe('CREATE_COMPLETE');
    expect(result.outputs.Subnets).toBe('subnet-aaa,subnet-bbb');
    expect(d.lines.some((l) => l.startsWith('NOTICE No changes'))).toBe(true);
    // The figure for the note: DescribeStacks, CreateChangeSet, DescribeChangeSet (FAILED: no changes), DeleteChangeSet.
    expect(d.calls.byOperation()).toEqual({ DescribeStacks: 1, CreateChangeSet: 1, DescribeChangeSet: 1, DeleteChangeSet: 1 });
    expect(d.calls.total()).toBeLessThanOrEqual(4);
  });

  it('a one-resource update shows one Modify and streams only the new events', async () => {
    await deployStack(plan(), deps().deps);
    const d = deps();
    const result = await deployStack(plan({ template: 'queue-v2.yaml' }), d.deps);
    expect(result.outcome).toBe('updated');
    expect(result.status).toBe('UPDATE_COMPLETE');
    expect(result.changes.map((c) => [c.action, c.logicalId])).toEqual([['Modify', 'Queue']]);
    // Only this run's events: nothing from the create.
    expect(result.events.map((e) => e.ResourceStatus)).not.toContain('CREATE_COMPLETE');
    expect(result.events.at(-1)?.ResourceStatus).toBe('UPDATE_COMPLETE');
    // + one DescribeStackEvents before executing, to know which events are old.
    expect(d.calls.byOperation()).toEqual({ DescribeStacks: 2, CreateChangeSet: 1, DescribeChangeSet: 1, DescribeStackEvents: 2, ExecuteChangeSet: 1 });
    expect(d.calls.total()).toBe(7);
  });

  it('returns the outputs of a stack made outside the action, and keeps previous values of parameters not given', async () => {
    const d = deps();
    await d.cfn.send(new CreateStackCommand({
      StackName: 'orders',
      TemplateBody: readFileSync(join(fixtures, 'queue.yaml'), 'utf8'),
      Parameters: [{ ParameterKey: 'QueueName', ParameterValue: 'orders' }, { ParameterKey: 'Subnets', ParameterValue: 'subnet-aaa,subnet-bbb' }],
    }));
    const result = await deployStack(plan({ template: 'queue-v2.yaml', parameters: 'QueueName=orders' }), d.deps);
    expect(result.outcome).toBe('updated');
    expect(result.outputs.QueueUrl).toMatch(/\/orders$/);
    expect(result.outputs.QueueArn).toBe('arn:aws:sqs:eu-central-1:123456789012:orders');
    expect(result.outputs.Subnets).toBe('subnet-aaa,subnet-bbb');
    const described = await d.cfn.send(new DescribeStacksCommand({ StackName: 'orders' }));
    expect(described.Stacks?.[0].Parameters).toContainEqual({ ParameterKey: 'Subnets', ParameterValue: 'subnet-aaa,subnet-bbb' });
  });

  it('stacks chain through exports: one exports, the next imports', async () => {
    const exporter = await deployStack(plan({ name: 'exporter', template: 'exporter.yaml', parameters: '', tags: '' }), deps().deps);
    expect(exporter.outputs).toEqual({ QArn: 'arn:aws:sqs:eu-central-1:123456789012:qa' });
    const importer = await deployStack(plan({ name: 'importer', template: 'importer.yaml', parameters: '', tags: '' }), deps().deps);
    expect(importer.outcome).toBe('created');
  });

  it('an import of a missing export fails the execution; the change set and its empty stack are removed', async () => {
    const d = deps();
    await expect(deployStack(plan({ name: 'importer', template: 'importer.yaml', parameters: '', tags: '' }), d.deps)).rejects.toThrow(
      /ExecuteChangeSet failed \(ValidationError: No export named qa-arn found\. \(HTTP 400\)\); the change set was deleted and the stack left as it was \(REVIEW_IN_PROGRESS\)/,
    );
    const stacks = await d.cfn.send(new ListStacksCommand({}));
    expect((stacks.StackSummaries ?? []).filter((st) => st.StackStatus !== 'DELETE_COMPLETE')).toEqual([]);
  });

  it('execute: false creates the change set for review and changes nothing', async () => {
    const d = deps();
    const result = await deployStack(plan({ execute: false }), d.deps);
    expect(result.outcome).toBe('change-set-created');
    expect(result.changeSetId).toMatch(/changeSet\/deploy-r\d+-a1-[0-9a-f]{8}\//);
    expect(result.changes).toHaveLength(2);
    expect(d.calls.byOperation().ExecuteChangeSet).toBeUndefined();
    const stacks = await d.cfn.send(new DescribeStacksCommand({ StackName: 'orders' }));
    expect(stacks.Stacks?.[0].StackStatus).toBe('REVIEW_IN_PROGRESS');
  });

  it('reads parameters from a YAML file named by the input', async () => {
    const d = deps();
    const result = await deployStack(plan({ parameters: 'params.yaml' }), d.deps);
    expect(result.outcome).toBe('created');
    const described = await d.cfn.send(new DescribeStacksCommand({ StackName: 'orders' }));
    expect(described.Stacks?.[0].Parameters).toContainEqual({ ParameterKey: 'Subnets', ParameterValue: 'subnet-aaa,subnet-bbb' });
  });

  it('uploads a template over 51,200 bytes to s3-bucket and deploys it by URL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deploy-stack-'));
    const padding = Array.from({ length: 700 }, (_, i) => `# padding line ${i} ${'x'.repeat(64)}`).join('\n');
    writeFileSync(join(dir, 'big.yaml'), `${readFileSync(join(fixtures, 'queue.yaml'), 'utf8')}\n${padding}\n`);
    const s3 = awsClient(S3Client, { region: 'eu-central-1' });
    await s3.send(new CreateBucketCommand({ Bucket: 'templates', CreateBucketConfiguration: { LocationConstraint: 'eu-central-1' } }));
    // The template is read only inside the workspace: here, the folder that holds it.
    const p = buildPlan(inputs({ template: 'big.yaml', s3Bucket: 'templates' }), { workspace: dir, runId: '9', runAttempt: '1', repository: '', sha: '' });
    expect(p.template.kind).toBe('upload');
    const d = deps();
    const result = await deployStack(p, { ...d.deps, s3: () => d.calls.attach(s3) });
    expect(result.outcome).toBe('created');
    expect(d.calls.byOperation().PutObject).toBe(1);
  });
});

describe('deploy-stack bundle against moto', () => {
  const env = () => ({ ...moto.current.env, GITHUB_WORKSPACE: fixtures });

  it('deploys one change to an existing stack, outputs become step outputs; a rerun is a no-op success', async () => {
    const cfn = awsClient(CloudFormationClient, { region: 'eu-central-1' });
    await cfn.send(new CreateStackCommand({
      StackName: 'orders',
      TemplateBody: readFileSync(join(fixtures, 'queue.yaml'), 'utf8'),
      Parameters: [{ ParameterKey: 'QueueName', ParameterValue: 'orders' }, { ParameterKey: 'Subnets', ParameterValue: 'subnet-aaa,subnet-bbb' }],
    }));
    const run = () => runBundle('deploy-stack', { env: env(), inputs: { name: 'orders', template: 'queue-v2.yaml', parameters: 'params.yaml', tags: 'team=payments' } });
    const first = await run();
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.outputs.QueueUrl).toMatch(/\/orders$/);
    expect(first.outputs.Subnets).toBe('subnet-aaa,subnet-bbb');
    expect(JSON.parse(first.outputs.outputs)).toMatchObject({ Subnets: 'subnet-aaa,subnet-bbb' });
    expect(first.outputs.status).toBe('UPDATE_COMPLETE');
    expect(first.outputs.outcome).toBe('updated');
    expect(first.outputs['stack-id']).toMatch(/:stack\/orders\//);
    expect(first.outputs['change-set-id']).toMatch(/:changeSet\/deploy-r1-a1-/);
    expect(first.stdout).toMatch(/Modify\s+Queue\s+AWS::SQS::Queue/);
    expect(first.stdout).toMatch(/UPDATE_COMPLETE.*AWS::CloudFormation::Stack\s+orders/);
    expect(first.summary).toContain('| Modify | `Queue` | AWS::SQS::Queue |');
    expect(first.summary).toContain('| `Subnets` | subnet-aaa,subnet-bbb |');
    expect(first.stdout).toMatch(/AWS API calls: 7 \(/);

    const again = await run();
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toContain('::notice::No changes: stack orders already matches');
    expect(again.outputs.outcome).toBe('no-changes');
    expect(again.outputs.Subnets).toBe('subnet-aaa,subnet-bbb');
    expect(again.outputs['change-set-id']).toBe('');
    expect(Number(/AWS API calls: (\d+)/.exec(again.stdout)?.[1])).toBeLessThanOrEqual(4);
  });

  it.each([
    ['a missing template', { template: 'nope.yaml' }, /Input "template": file "nope.yaml" not found/],
    ['malformed parameters', { parameters: 'QueueName=orders\njust-a-word' }, /Input "parameters": line 2 is not Key=Value/],
    ['an unknown capability', { capabilities: 'CAPABILITY_IAM,CAPABILITY_EVERYTHING' }, /Input "capabilities": "CAPABILITY_EVERYTHING" is not one of CAPABILITY_IAM \| CAPABILITY_NAMED_IAM \| CAPABILITY_AUTO_EXPAND/],
    ['a parameter the template does not declare', { parameters: 'QueueName=orders\nQueueNmae=typo' }, /"QueueNmae" is not declared by the template \(it declares QueueName, Subnets, Retention\)/],
    ['a required parameter missing', { parameters: '' }, /the template requires QueueName/],
    ['a large template without s3-bucket', { template: 'big.yaml' }, /over CloudFormation's 51200-byte limit .* set input "s3-bucket"/],
  ])('%s fails clearly and creates nothing', async (_label, over, message) => {
    const ws = mkdtempSync(join(tmpdir(), 'deploy-stack-ws-'));
    writeFileSync(join(ws, 'queue.yaml'), readFileSync(join(fixtures, 'queue.yaml')));
    writeFileSync(join(ws, 'big.yaml'), readFileSync(join(fixtures, 'queue.yaml'), 'utf8') + `# ${'y'.repeat(52_000)}\n`);
    const res = await runBundle('deploy-stack', { env: { ...moto.current.env, GITHUB_WORKSPACE: ws }, inputs: { name: 'orders', template: 'queue.yaml', parameters: 'QueueName=orders', ...over } });
    expect(res.code).toBe(1);
    expect(res.errors.join('\n')).toMatch(message);
    const cfn = awsClient(CloudFormationClient, { region: 'eu-central-1' });
    const stacks = await cfn.send(new ListStacksCommand({}));
    expect(stacks.StackSummaries ?? []).toEqual([]);
  });
});
