/**
 * The platform stacks moto can hold, deployed the way users deploy them: through deploy-stack (the
 * built action for one stack, as a workflow runs it; its input parsing and change-set deploy as
 * functions for the rest, on a FakeClock), AWS_ENDPOINT_URL at moto, with the repository's parameter files,
 * in dependency order, each stack reading the previous ones' SSM parameters and exports. Then the
 * resources are read back with the SDK (or moto's state dump for IAM, KMS and Route 53, whose SDK
 * clients the project does not carry) and checked against what the templates promise.
 *
 * moto 5.2 has no CloudFormation support for Budgets, CloudWatch alarms, X-Ray, Schemas, Access
 * Analyzer, OIDC providers, Secrets Manager secrets, Aurora clusters, RDS Proxy or Cost Explorer
 * anomaly monitors: it skips those
 * resources (the stack still completes), so they are covered by cfn-lint, cdk-nag and
 * the per-template tests (test/<stack>.test.ts), not here. The data stack is left out whole (clusters and proxies only).
 */
import { CloudFormationClient, CreateStackCommand, DescribeStacksCommand, waitUntilStackCreateComplete } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, GetDashboardCommand } from '@aws-sdk/client-cloudwatch';
import { EventBridgeClient, DescribeEventBusCommand, ListArchivesCommand, ListRulesCommand, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { DeleteMessageCommand, GetQueueAttributesCommand, GetQueueUrlCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import YAML from 'yaml';
import { awsClient } from '../../common/aws.js';
import { repoRoot, runBundle } from '../../test/support/harness.js';
import { FakeClock } from '../../common/clock.js';
import { buildPlan } from '../../actions/deploy-stack/plan.js';
import { platformInputs } from '../../test/support/cloudformation/deploy-inputs.js';
import { deployStack, type DeployResult } from '../../actions/deploy-stack/deploy.js';
import { useMoto } from '../../test/support/use-moto.js';
import { loadTemplate, parametersDir } from '../lib/files.js';
import { SERVICE_IDS } from './helpers.js';

const ENV = 'staging';
const PRIMARY = 'eu-central-1';
const SECONDARY = 'eu-west-1';
/** An OIDC provider the account "already has": moto cannot create AWS::IAM::OIDCProvider from a template. */
const OIDC_PROVIDER = 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com';

// The SDK clients in this file find moto the same way the bundle does: through AWS_ENDPOINT_URL.
const moto = useMoto(PRIMARY);

/** The repository's parameter file for the stack, with test-only overrides, as deploy-stack's inline map. */
function parameters(stack: string, region: string, overrides: Record<string, string> = {}): string {
  const file = YAML.parse(readFileSync(join(parametersDir, ENV, region, `${stack}.yaml`), 'utf8')) as Record<string, unknown>;
  return YAML.stringify({ ...file, ...overrides });
}

let runs = 0;

/**
 * One deploy-stack run for `<env>-<stack>`: its input parsing (buildPlan) and its change-set deploy
 * (deployStack), on a FakeClock so its polling never waits for real.
 */
async function deploy(stack: string, region: string, overrides: Record<string, string> = {}, template = `infra-templates/templates/${stack}.yaml`): Promise<DeployResult> {
  runs++;
  const inputs = platformInputs(ENV, stack, template, region, {
    parameters: Object.keys(overrides).length ? parameters(stack, region, overrides) : `infra-templates/parameters/${ENV}/${region}/${stack}.yaml`,
  });
  // deploy-stack reads only inside its workspace: a trimmed copy in a scratch folder is its own workspace.
  const workspace = isAbsolute(template) && !template.startsWith(repoRoot) ? dirname(template) : repoRoot;
  const plan = buildPlan(inputs, { workspace, runId: String(runs), runAttempt: '1', repository: 'example-org/example-service', sha: 'abc' });
  const lines: string[] = [];
  const log = { info: (m: string) => lines.push(m), warning: (m: string) => lines.push(`warning: ${m}`), notice: (m: string) => lines.push(`notice: ${m}`) };
  const result = await deployStack(plan, { cfn: awsClient(CloudFormationClient, { region }), clock: new FakeClock(), log, color: false });
  expect(result.outcome, `${stack} in ${region}: ${result.message}\n${lines.join('\n')}`).not.toBe('failed');
  return result;
}

/** moto's whole state as JSON: the only way to read IAM, KMS and Route 53 back without their SDK clients. */
async function motoState(): Promise<Record<string, Record<string, Record<string, unknown>[]>>> {
  const res = await fetch(`${moto.current.endpoint}/moto-api/data.json`, { signal: AbortSignal.timeout(30_000) });
  return (await res.json()) as Record<string, Record<string, Record<string, unknown>[]>>;
}

async function ssmValue(name: string, region = PRIMARY): Promise<string> {
  const ssm = awsClient(SSMClient, { region });
  return (await ssm.send(new GetParameterCommand({ Name: name }))).Parameter!.Value!;
}

/**
 * A stack made directly (not under test) that stands in for what moto cannot build from the real
 * templates (edge: CloudFront, ACM) or for what an account already has: only its exports matter.
 */
async function standInStack(name: string, resources: Record<string, unknown>, outputs: Record<string, unknown>, region = PRIMARY): Promise<Record<string, string>> {
  const cfn = awsClient(CloudFormationClient, { region });
  const template = {
    Resources: resources,
    Outputs: Object.fromEntries(Object.entries(outputs).map(([key, value]) => [key, { Value: value, Export: { Name: `${name}-${key}` } }])),
  };
  await cfn.send(new CreateStackCommand({ StackName: name, TemplateBody: JSON.stringify(template) }));
  await waitUntilStackCreateComplete({ client: cfn, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { StackName: name });
  const stack = (await cfn.send(new DescribeStacksCommand({ StackName: name }))).Stacks![0];
  return Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey!, o.OutputValue!]));
}

const marker = (name: string) => ({ Marker: { Type: 'AWS::SSM::Parameter', Properties: { Name: `/test/${name}`, Type: 'String', Value: 'stand-in' } } });

/** The source-queue ARN a DLQ's RedriveAllowPolicy names, as the template builds it. */
function builtSourceArn(dlqName: string, region: string): string {
  const t = loadTemplate('events');
  const dlq = Object.values(t.Resources).find((r) => r.Type === 'AWS::SQS::Queue' && JSON.stringify(r.Properties!.QueueName).endsWith(`-${dlqName}"}`))!;
  const [sub] = (dlq.Properties!.RedriveAllowPolicy as { sourceQueueArns: { 'Fn::Sub': string }[] }).sourceQueueArns;
  const values: Record<string, string> = { 'AWS::Partition': 'aws', 'AWS::Region': region, 'AWS::AccountId': '123456789012', Environment: ENV };
  return sub['Fn::Sub'].replace(/\$\{([^}]+)\}/g, (_, n: string) => values[n]);
}

describe('the platform stacks through deploy-stack against moto, in deployment order', () => {
  test('security in the second region: keys, aliases and parameters, no IAM', async () => {
    const run = await deploy('security', SECONDARY);
    expect(run.outcome).toBe('created');
    const state = await motoState();
    const aliases = state.kms.Alias.map((a) => a.alias_arn as string);
    expect(aliases).toEqual(expect.arrayContaining([
      `arn:aws:kms:${SECONDARY}:123456789012:alias/mesh-${ENV}-platform`,
      `arn:aws:kms:${SECONDARY}:123456789012:alias/mesh-${ENV}-data`,
    ]));
    expect(await ssmValue(`/mesh/${ENV}/security/platform-key-arn`, SECONDARY)).toMatch(new RegExp(`^arn:aws:kms:${SECONDARY}:`));
    // The boundary is global; its ARN is published in every region for the regional stacks' roles.
    expect(await ssmValue(`/mesh/${ENV}/security/permissions-boundary-arn`, SECONDARY)).toBe(`arn:aws:iam::123456789012:policy/mesh-${ENV}-permissions-boundary`);
    // CreateGlobalResources is false there: IAM is made once, in the primary region.
    expect(state.iam.Role.filter((r) => String(r.name).startsWith(`mesh-${ENV}-`))).toEqual([]);
  });

  test('security in the primary region: the deploy role trusts one repo and branch, in its build and region environments, under the boundary', async () => {
    // moto's state dump (how this file reads IAM back) cannot serialise a Lambda function without
    // Docker: the rotation Lambda and what hangs on it are left out here and deployed, from the
    // real template, by deploy-rotation.test.ts on a moto of its own.
    const full = readFileSync(join(repoRoot, 'infra-templates/templates/security.yaml'), 'utf8');
    const body = full.slice(0, full.indexOf('\n  JwtRotationFunction:\n')) + full.slice(full.indexOf('\n  # ------------------------------------------------------------------ IAM (global region only)\n'));
    const trimmed = join(mkdtempSync(join(tmpdir(), 'security-')), 'security.yaml');
    writeFileSync(trimmed, body);
    const run = await deploy('security', PRIMARY, { ExistingOidcProviderArn: OIDC_PROVIDER }, trimmed);
    expect(run.outcome).toBe('created');
    const state = await motoState();
    const role = (name: string) => state.iam.Role.find((r) => r.name === name)!;
    const boundary = `arn:aws:iam::123456789012:policy/mesh-${ENV}-permissions-boundary`;

    const deployRole = role(`mesh-${ENV}-github-deploy`);
    expect(deployRole.permissions_boundary_arn).toBe(boundary);
    expect(deployRole.max_session_duration).toBe(21600);
    const trust = JSON.parse(deployRole.assume_role_policy_document as string);
    expect(trust.Statement).toHaveLength(1);
    expect(trust.Statement[0]).toMatchObject({
      Effect: 'Allow',
      Principal: { Federated: OIDC_PROVIDER },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: {
          'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
          'token.actions.githubusercontent.com:sub': [ENV, `${ENV}-eu-central-1`, `${ENV}-eu-west-1`].map((e) => `repo:example-org/example-service:environment:${e}:ref:refs/heads/main`),
        },
      },
    });

    const cfnRole = role(`mesh-${ENV}-cloudformation`);
    expect(cfnRole.permissions_boundary_arn).toBe(boundary);
    expect(JSON.parse(cfnRole.assume_role_policy_document as string).Statement[0].Principal).toEqual({ Service: 'cloudformation.amazonaws.com' });

    const policies = state.iam.ManagedPolicy.map((p) => p.name);
    expect(policies).toEqual(expect.arrayContaining(['permissions-boundary', 'slo-gate', 'canary-ramp', 'build-scan-push', 'deploy-stack'].map((n) => `mesh-${ENV}-${n}`)));
    // No templates bucket in the parameter file: no upload permission either.
    expect(policies).not.toContain(`mesh-${ENV}-deploy-stack-upload`);
    expect(await ssmValue(`/mesh/${ENV}/security/deploy-role-arn`)).toBe(`arn:aws:iam::123456789012:role/mesh-${ENV}-github-deploy`);

    const rotation = role(`${ENV}-jwt-rotation`);
    expect(rotation.permissions_boundary_arn).toBe(boundary);
    expect(JSON.parse(rotation.assume_role_policy_document as string).Statement[0].Principal).toEqual({ Service: 'lambda.amazonaws.com' });
  });

  test('events: queues with dead-letter queues and redrive policies, on the platform key; the bus with its archive and rules', async () => {
    const run = await deploy('events', PRIMARY);
    expect(run.outcome).toBe('created');
    const sqs = awsClient(SQSClient, { region: PRIMARY });
    const platformKey = await ssmValue(`/mesh/${ENV}/security/platform-key-arn`);
    const attributes = async (name: string) => {
      const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
      const out = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }));
      return { url: QueueUrl!, attrs: out.Attributes! };
    };
    for (const queue of ['persona-jobs', 'vc-start-issuance']) {
      const work = await attributes(`mesh-${ENV}-${queue}`);
      const dlq = await attributes(`mesh-${ENV}-${queue}-dlq`);
      expect(JSON.parse(work.attrs.RedrivePolicy!)).toEqual({ deadLetterTargetArn: dlq.attrs.QueueArn, maxReceiveCount: 5 });
      expect(work.attrs.KmsMasterKeyId).toBe(platformKey);
      expect(dlq.attrs.KmsMasterKeyId).toBe(platformKey);
      expect(Number(dlq.attrs.MessageRetentionPeriod)).toBe(14 * 24 * 3600);
      // The DLQ admits only its source queue by an ARN the template builds (a GetAtt would be
      // circular); moto keeps no RedriveAllowPolicy, so the built ARN is compared with the real one.
      expect(builtSourceArn(`${queue}-dlq`, PRIMARY)).toBe(work.attrs.QueueArn);
    }

    const events = awsClient(EventBridgeClient, { region: PRIMARY });
    const bus = await events.send(new DescribeEventBusCommand({ Name: `mesh-${ENV}` }));
    const archives = await events.send(new ListArchivesCommand({ EventSourceArn: bus.Arn }));
    expect(archives.Archives?.map((a) => [a.ArchiveName, a.RetentionDays])).toEqual([[`mesh-${ENV}-all`, 14]]);
    const rules = await events.send(new ListRulesCommand({ EventBusName: `mesh-${ENV}` }));
    const busOf = Object.fromEntries((rules.Rules ?? []).map((r) => [r.Name, r.EventBusName]));
    expect(busOf[`mesh-${ENV}-persona-jobs`]).toBe(`mesh-${ENV}`);
    expect(busOf[`mesh-${ENV}-vc-start-issuance`]).toBe(`mesh-${ENV}`);
    const targets = await events.send(new ListTargetsByRuleCommand({ Rule: `mesh-${ENV}-persona-jobs`, EventBusName: `mesh-${ENV}` }));
    const dlqArn = (await attributes(`mesh-${ENV}-events-dlq`)).attrs.QueueArn;
    expect(targets.Targets?.[0]).toMatchObject({
      Arn: (await attributes(`mesh-${ENV}-persona-jobs`)).attrs.QueueArn,
      DeadLetterConfig: { Arn: dlqArn },
      RetryPolicy: { MaximumRetryAttempts: 24, MaximumEventAgeInSeconds: 3600 },
    });
    expect(await ssmValue(`/mesh/${ENV}/events/alerts-topic-arn`)).toBe(`arn:aws:sns:${PRIMARY}:123456789012:mesh-${ENV}-alerts`);
  });

  test('a message that keeps failing moves to the dead-letter queue after MaxReceiveCount receives', async () => {
    const sqs = awsClient(SQSClient, { region: PRIMARY });
    const url = async (name: string) => (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl!;
    const work = await url(`mesh-${ENV}-persona-jobs`);
    const dlq = await url(`mesh-${ENV}-persona-jobs-dlq`);
    await sqs.send(new SendMessageCommand({ QueueUrl: work, MessageBody: '{"job":"poison"}' }));
    // A consumer that crashes: receives, never deletes; visibility 0 makes it visible again at once.
    let receives = 0;
    for (let i = 0; i < 10; i++) {
      const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: work, VisibilityTimeout: 0, WaitTimeSeconds: 0 }));
      if (!got.Messages?.length) break;
      receives++;
    }
    expect(receives).toBe(5);
    const dead = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq, WaitTimeSeconds: 0 }));
    expect(dead.Messages?.map((m) => m.Body)).toEqual(['{"job":"poison"}']);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: dlq, ReceiptHandle: dead.Messages![0].ReceiptHandle! }));
  });

  test('events again with a longer visibility timeout: an update through a change set', async () => {
    const updated = await deploy('events', PRIMARY, { QueueVisibilitySeconds: '120' });
    expect(updated.outcome).toBe('updated');
    const sqs = awsClient(SQSClient, { region: PRIMARY });
    for (const queue of ['persona-jobs', 'vc-start-issuance']) {
      const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: `mesh-${ENV}-${queue}` }));
      const attrs = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['VisibilityTimeout', 'RedrivePolicy'] }))).Attributes!;
      expect(attrs.VisibilityTimeout).toBe('120');
      expect(JSON.parse(attrs.RedrivePolicy!).maxReceiveCount).toBe(5);
    }
  });

  test('cost, through the built deploy-stack action as a workflow runs it: the Spot share becomes the capacity provider strategy', async () => {
    const run = await runBundle('deploy-stack', {
      cwd: repoRoot,
      env: { ...moto.current.env, AWS_REGION: PRIMARY, GITHUB_WORKSPACE: repoRoot },
      inputs: {
        name: `${ENV}-cost`,
        template: 'infra-templates/templates/cost.yaml',
        parameters: `infra-templates/parameters/${ENV}/${PRIMARY}/cost.yaml`,
        tags: `Environment=${ENV}`,
      },
      timeoutMs: 90_000,
    });
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.outputs.outcome).toBe('created');
    expect(run.outputs['stack-id']).toMatch(new RegExp(`:stack/${ENV}-cost/`));
    const share = Number(YAML.parse(readFileSync(join(parametersDir, ENV, PRIMARY, 'cost.yaml'), 'utf8')).SpotSharePercent);
    expect(await ssmValue(`/mesh/${ENV}/cost/spot-share-percent`)).toBe(String(share));
    expect(JSON.parse(await ssmValue(`/mesh/${ENV}/cost/capacity-provider-strategy`))).toEqual([
      { capacityProvider: 'FARGATE', base: 1, weight: 100 - share },
      { capacityProvider: 'FARGATE_SPOT', base: 0, weight: share },
    ]);
  });

  test('observability: log groups with retention, RED and USE dashboards on the edge and cluster exports, updated through deploy-stack', async () => {
    const lb = 'app/staging-edge/0123456789abcdef';
    const tgs: Record<string, string> = {};
    for (const svc of SERVICE_IDS) {
      for (const track of ['Stable', 'Canary']) tgs[`${svc}${track}TargetGroupFullName`] = `targetgroup/${svc.toLowerCase()}-${track.toLowerCase()}/0123456789abcdef`;
    }
    await standInStack(`${ENV}-edge`, marker('edge'), { LoadBalancerFullName: lb, ...tgs });
    await standInStack(`${ENV}-cluster`, marker('cluster'), { ClusterName: `${ENV}-cluster` });
    // moto resolves Fn::ImportValue only in stacks made by CreateStack (a change set's new stack gets
    // no exports), so the first version is created directly and deploy-stack runs the update. moto
    // cannot GetAtt the alarms it skips either: both run without what names their ARNs (the SSM list
    // and the Outputs), which observability.test.ts checks in the template.
    const cfn = awsClient(CloudFormationClient, { region: PRIMARY });
    const file = YAML.parse(readFileSync(join(parametersDir, ENV, PRIMARY, 'observability.yaml'), 'utf8')) as Record<string, unknown>;
    const full = readFileSync(join(repoRoot, 'infra-templates/templates/observability.yaml'), 'utf8');
    const body = full.slice(0, full.indexOf('\n  RollbackAlarmsParameter:\n'));
    const trimmed = join(mkdtempSync(join(tmpdir(), 'observability-')), 'observability.yaml');
    writeFileSync(trimmed, body);
    await cfn.send(new CreateStackCommand({
      StackName: `${ENV}-observability`,
      TemplateBody: body,
      Parameters: Object.entries(file).map(([k, v]) => ({ ParameterKey: k, ParameterValue: String(v) })),
    }));
    await waitUntilStackCreateComplete({ client: cfn, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { StackName: `${ENV}-observability` });

    // The services' groups, /mesh/<env>/<service> (the security stack's rotation log group is deeper).
    const serviceGroups = async () => (await motoState()).logs.LogGroup.filter((g) => new RegExp(`^/mesh/${ENV}/[^/]+$`).test(String(g.name)));
    expect((await serviceGroups()).map((g) => g.name).sort()).toEqual([`/mesh/${ENV}/auth`, `/mesh/${ENV}/persona`, `/mesh/${ENV}/vc-start`]);
    // (moto drops a log group's KmsKeyId; observability.test.ts checks it in the template.)
    for (const g of await serviceGroups()) expect(g.retention_in_days).toBe(14);
    expect(await ssmValue(`/mesh/${ENV}/observability/log-group/persona`)).toBe(`/mesh/${ENV}/persona`);

    const cw = awsClient(CloudWatchClient, { region: PRIMARY });
    const red = JSON.parse((await cw.send(new GetDashboardCommand({ DashboardName: `mesh-${ENV}-red` }))).DashboardBody!);
    const metrics = red.widgets.flatMap((w: { properties: { metrics: unknown[][] } }) => w.properties.metrics);
    const lines = metrics.filter((m: unknown[]) => m[0] === 'AWS/ApplicationELB');
    // Rate, errors and duration for every service, stable and canary, on the edge's real dimensions.
    for (const tg of Object.values(tgs)) {
      for (const metric of ['RequestCount', 'HTTPCode_Target_5XX_Count', 'TargetResponseTime']) {
        expect(lines.some((m: unknown[]) => m[1] === metric && m[3] === lb && m[5] === tg), `${metric} on ${tg}`).toBe(true);
      }
    }
    const use = JSON.parse((await cw.send(new GetDashboardCommand({ DashboardName: `mesh-${ENV}-use` }))).DashboardBody!);
    const useMetrics = use.widgets.flatMap((w: { properties: { metrics: unknown[][] } }) => w.properties.metrics.map((m) => m[1]));
    expect(useMetrics).toEqual(expect.arrayContaining(['CPUUtilization', 'MemoryUtilization', 'PendingTaskCount', 'CpuReserved', 'AuthErrorLogs']));
    expect(JSON.stringify(use)).toContain(`"ClusterName","${ENV}-cluster"`);

    // The dashboards draw the SLO thresholds (as parameters), and deploy-stack updates the stack.
    // moto does not re-render a dashboard on a parameter change, so the stack's parameters are read.
    const annotations = red.widgets.flatMap((w: { properties: { annotations?: { horizontal: { value: number }[] } } }) => w.properties.annotations?.horizontal.map((a) => a.value) ?? []);
    expect(new Set(annotations)).toEqual(new Set([0.2, 1]));
    const updated = await deploy('observability', PRIMARY, { LatencyP95ThresholdSeconds: '0.25' }, trimmed);
    expect(updated.outcome).toBe('updated');
    const stack = (await cfn.send(new DescribeStacksCommand({ StackName: `${ENV}-observability` }))).Stacks![0];
    expect(stack.Parameters?.find((p) => p.ParameterKey === 'LatencyP95ThresholdSeconds')?.ParameterValue).toBe('0.25');
  });

  test('global: the public name on the one distribution; the origin name fails over between the regional ALBs, each behind its health check', async () => {
    // The public zone the records go in, which the account already has.
    const zone = await standInStack('test-zone', { Zone: { Type: 'AWS::Route53::HostedZone', Properties: { Name: 'example.com' } } }, { ZoneId: { Ref: 'Zone' } });
    const zoneId = zone.ZoneId;
    await deploy('global', PRIMARY, { HostedZoneId: zoneId });

    const route53 = (await motoState()).route53;
    const checks = route53.HealthCheck.map((c) => c.health_check_config as Record<string, unknown>);
    // Per region: its HTTPS check, five alarm checks and the calculated check the records follow
    // (failover.test.ts reads their wiring back through a moto that keeps it).
    expect(checks.map((c) => c.Type).sort()).toEqual([...Array(2).fill('CALCULATED'), ...Array(10).fill('CLOUDWATCH_METRIC'), 'HTTPS', 'HTTPS']);
    expect(checks.filter((c) => c.Type === 'HTTPS').map((c) => [c.FullyQualifiedDomainName, c.Type, c.Port, c.ResourcePath, c.RequestInterval, c.FailureThreshold]).sort()).toEqual([
      ['origin-euc1.api.staging.mesh.example.com', 'HTTPS', 443, '/healthz', 10, 3],
      ['origin-euw1.api.staging.mesh.example.com', 'HTTPS', 443, '/healthz', 10, 3],
    ]);
    // moto names a template's health check after its logical id (CallerReference).
    const checkOf = Object.fromEntries(route53.HealthCheck.map((c) => [c.id, `${(c.health_check_config as Record<string, string>).Type} ${/(Primary|Secondary)\w*HealthCheck/.exec(String(c.caller_reference))?.[0]}`]));
    const named = (name: string) =>
      route53.RecordSet.filter((r) => String(r.name).replace(/\.$/, '') === name).map((r) => {
        const alias = r.alias_target as { DNSName?: string; HostedZoneId?: string } | null;
        return [r.type_ ?? r.type, r.failover ?? null, checkOf[String(r.health_check_id)] ?? null, alias?.DNSName, alias?.HostedZoneId];
      });
    // One distribution: the public name has no routing policy and no health check of its own.
    expect(named('api.staging.mesh.example.com').sort()).toEqual([
      ['A', null, null, 'd1stagexample.cloudfront.net', 'Z2FDTNDATAQYW2'],
      ['AAAA', null, null, 'd1stagexample.cloudfront.net', 'Z2FDTNDATAQYW2'],
    ]);
    // Its origin: each region's ALB, in that region's ELB zone, guarded by that region's health.
    expect(named('origin.api.staging.mesh.example.com').sort()).toEqual([
      ['A', 'PRIMARY', 'CALCULATED PrimaryRegionHealthCheck', 'staging-edge-1111111111.eu-central-1.elb.amazonaws.com', 'Z215JYRZR1TBD5'],
      ['A', 'SECONDARY', 'CALCULATED SecondaryRegionHealthCheck', 'staging-edge-2222222222.eu-west-1.elb.amazonaws.com', 'Z32O12XQLNTSW2'],
    ]);
  });
});
