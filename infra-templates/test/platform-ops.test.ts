/**
 * The specification's numbers and promises for the operations stacks (observability, events, data,
 * security, cost, global), read from the templates and parameter files: SLO alarms p95 > 200 ms and
 * 5xx > 1 % usable as deploy-stack rollback-alarms, DLQs and redrive, Budgets, the Spot share, the
 * OIDC trust scoped to repository/branch/environment, the permissions boundary, KMS, secret replicas,
 * Route 53 failover. The deploy role's policies are checked against the README (so the documented
 * policy is the deployed one) and against every AWS call the actions' source makes.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import YAML from 'yaml';
import { repoRoot } from '../../test/support/harness.js';
import { ACTION_POLICIES, readmePath, regenerate, render, renderStatement } from '../tools/readme.js';
import { type Resource, type Template } from '../lib/parse.js';
import { ENVIRONMENTS, REGIONS, infraRoot, loadParameterFile, loadTemplate, parameterFiles, parametersDir, stackRegions } from '../lib/files.js';
import { policyStatements, resourcesOfType } from '../lib/policies.js';

type Json = unknown;
const SERVICES = ['Auth', 'Persona', 'VcStart'] as const;
const TRACKS = ['Stable', 'Canary'] as const;

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function resource(t: Template, id: string): Resource {
  const r = t.Resources[id];
  if (!r) throw new Error(`no resource ${id}`);
  return r;
}

/** The parameter files of a stack: every env × the regions the stack is deployed to. */
function parameterSets(stack: string): { env: string; region: string; values: Record<string, unknown> }[] {
  return ENVIRONMENTS.flatMap((env) =>
    stackRegions(loadTemplate(stack)).map((region) => ({
      env,
      region,
      values: YAML.parse(readFileSync(join(parametersDir, env, region, `${stack}.yaml`), 'utf8')) as Record<string, unknown>,
    })),
  );
}

/** What a parameter is in one deployment: the file's value, else the template default. */
function effective(stack: string, name: string, values: Record<string, unknown>): unknown {
  return values[name] ?? loadTemplate(stack).Parameters?.[name]?.Default;
}

/** Ref of a parameter → its default; literals as they are. */
function byDefault(t: Template, v: Json): unknown {
  const ref = (v as { Ref?: string })?.Ref;
  return ref && t.Parameters?.[ref] ? t.Parameters[ref].Default : v;
}

// ------------------------------------------------------------------------------------ observability

describe('observability: SLO alarms usable as rollback-alarms', () => {
  const t = loadTemplate('observability');
  const importsOf = (dims: Json) =>
    list(dims as { Name: string; Value: { 'Fn::ImportValue': { 'Fn::Sub': string } } }[]).map((d) => [d.Name, d.Value['Fn::ImportValue']['Fn::Sub']]);

  test.each(SERVICES.flatMap((s) => TRACKS.map((k) => [s, k])))('%s %s: p95 of ALB TargetResponseTime > 200 ms', (svc, track) => {
    const p = resource(t, `${svc}${track}LatencyP95Alarm`).Properties!;
    expect(p).toMatchObject({ Namespace: 'AWS/ApplicationELB', MetricName: 'TargetResponseTime', ExtendedStatistic: 'p95', ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'notBreaching' });
    expect(p.Statistic).toBeUndefined();
    // TargetResponseTime is in seconds: 0.2 s is the 200 ms SLO, in every deployment.
    expect(byDefault(t, p.Threshold)).toBe(0.2);
    for (const { values } of parameterSets('observability')) expect(Number(effective('observability', 'LatencyP95ThresholdSeconds', values))).toBe(0.2);
    expect(importsOf(p.Dimensions)).toEqual([
      ['LoadBalancer', '${EdgeStack}-LoadBalancerFullName'],
      ['TargetGroup', `\${EdgeStack}-${svc}${track}TargetGroupFullName`],
    ]);
  });

  test.each(SERVICES.flatMap((s) => TRACKS.map((k) => [s, k])))('%s %s: target 5xx > 1 percent of requests', (svc, track) => {
    const p = resource(t, `${svc}${track}ErrorRateAlarm`).Properties!;
    expect(p.ComparisonOperator).toBe('GreaterThanThreshold');
    expect(byDefault(t, p.Threshold)).toBe(1);
    for (const { values } of parameterSets('observability')) expect(Number(effective('observability', 'ErrorRateThresholdPercent', values))).toBe(1);
    const metrics = p.Metrics as { Id: string; Expression?: string; ReturnData: boolean; MetricStat?: { Stat: string; Metric: { MetricName: string; Dimensions: Json } } }[];
    const returned = metrics.filter((m) => m.ReturnData);
    expect(returned).toHaveLength(1);
    const byId = Object.fromEntries(metrics.filter((m) => m.MetricStat).map((m) => [m.Id, m.MetricStat!]));
    expect(Object.values(byId).map((s) => [s.Metric.MetricName, s.Stat]).sort()).toEqual([['HTTPCode_Target_5XX_Count', 'Sum'], ['RequestCount', 'Sum']]);
    for (const s of Object.values(byId)) expect(importsOf(s.Metric.Dimensions)[1][1]).toBe(`\${EdgeStack}-${svc}${track}TargetGroupFullName`);
    // The expression really is a percentage: evaluate it as CloudWatch would.
    const errorsId = Object.keys(byId).find((id) => byId[id].Metric.MetricName === 'HTTPCode_Target_5XX_Count')!;
    const requestsId = Object.keys(byId).find((id) => byId[id].Metric.MetricName === 'RequestCount')!;
    const rate = metricMath(returned[0].Expression!, [errorsId, requestsId]);
    expect(rate(2, 100)).toBe(2); // 2 % > 1 %: alarm
    expect(rate(1, 100)).toBe(1); // exactly 1 %: not above the threshold
    expect(rate(0, 0)).toBe(0); // no traffic is not an error rate
    expect(rate(undefined, 50)).toBe(0); // no 5xx datapoint at all
  });

  test('one composite alarm per service covers both SLOs on both tracks, and the rollback outputs fit deploy-stack', () => {
    for (const svc of SERVICES) {
      const r = resource(t, `${svc}RollbackAlarm`);
      expect(r.Type).toBe('AWS::CloudWatch::CompositeAlarm');
      const rule = (r.Properties!.AlarmRule as { 'Fn::Sub': string })['Fn::Sub'];
      const named = [...rule.matchAll(/ALARM\("\$\{(\w+)\}"\)/g)].map((m) => m[1]).sort();
      expect(named).toEqual(TRACKS.flatMap((k) => [`${svc}${k}ErrorRateAlarm`, `${svc}${k}LatencyP95Alarm`]).sort());
      expect(rule.replace(/ALARM\("\$\{\w+\}"\)/g, 'A')).toBe('A OR A OR A OR A');
      expect(t.Outputs?.[`${svc}RollbackAlarmArn`]?.Value).toEqual({ 'Fn::GetAtt': [`${svc}RollbackAlarm`, 'Arn'] });
    }
    // deploy-stack's rollback-alarms takes alarm ARNs, "at most N": the list the stack publishes fits.
    const meta = YAML.parse(readFileSync(join(repoRoot, 'actions/deploy-stack/action.yml'), 'utf8'));
    const max = Number(/at most (\d+)/.exec(meta.inputs['rollback-alarms'].description)![1]);
    const published = (t.Outputs!.RollbackAlarmArns.Value as { 'Fn::Join': [string, Json[]] })['Fn::Join'][1];
    expect(published.length).toBeLessThanOrEqual(max);
    expect(published).toEqual(SERVICES.map((s) => ({ 'Fn::GetAtt': [`${s}RollbackAlarm`, 'Arn'] })));
  });

  test('alarms need 2 of 3 breaching minutes in every deployment (never more datapoints than periods)', () => {
    for (const { env, region, values } of parameterSets('observability')) {
      const periods = Number(effective('observability', 'AlarmEvaluationPeriods', values));
      const datapoints = Number(effective('observability', 'AlarmDatapointsToAlarm', values));
      expect(datapoints, `${env}/${region}`).toBeLessThanOrEqual(periods);
      expect([Number(effective('observability', 'AlarmPeriodSeconds', values)), datapoints, periods]).toEqual([60, 2, 3]);
    }
  });

  test('service log groups keep logs for a set time, encrypted, and count error lines (pino level >= 50)', () => {
    for (const svc of SERVICES) {
      const g = resource(t, `${svc}LogGroup`).Properties!;
      expect(g.RetentionInDays).toEqual({ Ref: 'LogRetentionDays' });
      expect(g.KmsKeyId).toEqual({ Ref: 'PlatformKeyArn' });
      const f = resource(t, `${svc}ErrorLogsMetricFilter`).Properties!;
      expect(f.LogGroupName).toEqual({ Ref: `${svc}LogGroup` });
      expect(f.FilterPattern).toBe('{ $.level >= 50 }');
    }
    for (const { values } of parameterSets('observability')) expect(t.Parameters!.LogRetentionDays.AllowedValues).toContain(Number(values.LogRetentionDays));
  });

  test('dashboards are valid JSON once substituted, RED per service and USE for the cluster', () => {
    const body = (id: string) => {
      const [text, vars] = (resource(t, id).Properties!.DashboardBody as { 'Fn::Sub': [string, Record<string, Json>] })['Fn::Sub'];
      const known = new Set([...Object.keys(vars), 'AWS::Region', 'Environment', 'LatencyP95ThresholdSeconds', 'ErrorRateThresholdPercent']);
      const unknown = [...text.matchAll(/\$\{([^}]+)\}/g)].map((m) => m[1]).filter((n) => !known.has(n));
      expect(unknown).toEqual([]);
      return JSON.parse(text.replace(/\$\{([^}]+)\}/g, (_, n: string) => (t.Parameters?.[n]?.Default !== undefined ? String(t.Parameters[n].Default) : `value-of-${n}`))) as { widgets: { properties: { title: string; metrics: Json[][] } }[] };
    };
    const red = body('RedDashboard');
    expect(red.widgets).toHaveLength(SERVICES.length * 3);
    const titles = red.widgets.map((w) => w.properties.title);
    for (const svc of ['auth', 'persona', 'vc-start']) {
      expect(titles.filter((x) => x.startsWith(`${svc} `)).map((x) => x.split(' ')[1])).toEqual(['rate', 'errors', 'duration']);
    }
    const use = body('UseDashboard');
    expect(use.widgets.map((w) => w.properties.title.split(':')[0])).toEqual(['Utilization', 'Saturation', 'Saturation', 'Errors']);
  });

  test('X-Ray: health checks are never sampled and win over the default rule', () => {
    const health = resource(t, 'HealthCheckSamplingRule').Properties!.SamplingRule;
    const fallback = resource(t, 'DefaultSamplingRule').Properties!.SamplingRule;
    expect(health).toMatchObject({ FixedRate: 0, ReservoirSize: 0, URLPath: '/healthz*' });
    expect(health.Priority).toBeLessThan(fallback.Priority);
    expect(fallback.FixedRate).toEqual({ Ref: 'TraceSampleRate' });
  });
});

/**
 * Evaluates a CloudWatch metric-math expression of the two forms used here (IF, FILL, + - * /,
 * comparisons) on one datapoint: the alarm's arithmetic is tested, not only its text.
 */
function metricMath(expression: string, ids: string[]): (...values: (number | undefined)[]) => number {
  if (!/^[\w\s(),.*/+<>=-]+$/.test(expression)) throw new Error(`unexpected characters in ${expression}`);
  const js = expression.replace(/\bIF\(/g, '__if(').replace(/\bFILL\(/g, '__fill(');
  const fn = new Function('__if', '__fill', ...ids, `return (${js});`) as (...a: unknown[]) => number;
  const ifFn = (c: boolean, a: number, b: number) => (c ? a : b);
  const fill = (x: number | undefined, d: number) => (x === undefined || Number.isNaN(x) ? d : x);
  return (...values) => fn(ifFn, fill, ...values);
}

// ------------------------------------------------------------------------------------ events

describe('events: dead-letter queues, redrive, a replayable bus', () => {
  const t = loadTemplate('events');
  const queues = resourcesOfType(t, 'AWS::SQS::Queue');
  const sources = queues.filter(([, q]) => q.Properties?.RedrivePolicy);
  const dlqs = queues.filter(([, q]) => !q.Properties?.RedrivePolicy);

  test('every work queue redrives to its own DLQ after MaxReceiveCount (5) receives', () => {
    expect(sources.map(([id]) => id).sort()).toEqual(['PersonaJobsQueue', 'VcStartIssuanceQueue']);
    const targets = new Set<string>();
    for (const [id, q] of sources) {
      const rp = q.Properties!.RedrivePolicy as { deadLetterTargetArn: { 'Fn::GetAtt': [string, string] }; maxReceiveCount: Json };
      const [dlq, attr] = rp.deadLetterTargetArn['Fn::GetAtt'];
      expect(attr).toBe('Arn');
      expect(dlq).toBe(id.replace(/Queue$/, 'DeadLetterQueue'));
      targets.add(dlq);
      expect(byDefault(t, rp.maxReceiveCount)).toBe(5);
      // A DLQ keeps messages longer than the queue it serves, so nothing expires before anyone looks.
      expect(resource(t, dlq).Properties!.MessageRetentionPeriod).toBe(1_209_600);
      expect(q.Properties!.MessageRetentionPeriod).toBeLessThan(1_209_600);
      const allow = resource(t, dlq).Properties!.RedriveAllowPolicy as { redrivePermission: string; sourceQueueArns: { 'Fn::Sub': string }[] };
      expect(allow.redrivePermission).toBe('byQueue');
      expect(allow.sourceQueueArns.map((a) => a['Fn::Sub'])).toEqual([`arn:\${AWS::Partition}:sqs:\${AWS::Region}:\${AWS::AccountId}:${(q.Properties!.QueueName as { 'Fn::Sub': string })['Fn::Sub']}`]);
    }
    expect(targets.size).toBe(sources.length);
    for (const { values } of parameterSets('events')) expect(Number(effective('events', 'MaxReceiveCount', values))).toBe(5);
  });

  test('every queue is encrypted with the platform key, TLS-only, and every DLQ alarms on its first message', () => {
    const alarms = resourcesOfType(t, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties!);
    for (const [id, q] of queues) {
      expect(q.Properties!.KmsMasterKeyId, id).toEqual({ Ref: 'PlatformKeyArn' });
    }
    for (const [id] of dlqs) {
      const alarm = alarms.find((a) => JSON.stringify(a.Dimensions).includes(`"${id}"`));
      expect(alarm, id).toMatchObject({ Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    }
    const denied = policyStatements(t)
      .filter((p) => p.statement.Effect === 'Deny' && JSON.stringify(p.statement.Condition) === '{"Bool":{"aws:SecureTransport":"false"}}')
      .flatMap((p) => list(p.statement.Resource as Json).map((r) => JSON.stringify(r)));
    for (const [id] of queues) expect(denied, id).toContain(JSON.stringify({ 'Fn::GetAtt': [id, 'Arn'] }));
  });

  test('every rule target retries for an hour and dead-letters what it cannot deliver; the bus is archived', () => {
    for (const [id, rule] of resourcesOfType(t, 'AWS::Events::Rule')) {
      for (const target of rule.Properties!.Targets as Record<string, Json>[]) {
        expect(target.DeadLetterConfig, id).toEqual({ Arn: { 'Fn::GetAtt': ['RuleDeadLetterQueue', 'Arn'] } });
        expect(target.RetryPolicy, id).toEqual({ MaximumRetryAttempts: 24, MaximumEventAgeInSeconds: 3600 });
      }
    }
    expect(resource(t, 'EventArchive').Properties).toMatchObject({ SourceArn: { 'Fn::GetAtt': ['EventBus', 'Arn'] }, RetentionDays: { Ref: 'ArchiveRetentionDays' } });
    expect(resource(t, 'SchemaDiscoverer').Properties!.SourceArn).toEqual({ 'Fn::GetAtt': ['EventBus', 'Arn'] });
  });
});

// ------------------------------------------------------------------------------------ cost

describe('cost: Budgets and the Spot share', () => {
  const t = loadTemplate('cost');

  test('each budget alerts on actual and on forecast spend, to the alerts topic', () => {
    const budgets = resourcesOfType(t, 'AWS::Budgets::Budget');
    expect(budgets.map(([id]) => id).sort()).toEqual(['EnvironmentBudget', 'FargateBudget']);
    for (const [id, b] of budgets) {
      expect(b.Properties!.Budget).toMatchObject({ BudgetType: 'COST', TimeUnit: 'MONTHLY' });
      const notes = b.Properties!.NotificationsWithSubscribers as { Notification: Record<string, Json>; Subscribers: Record<string, Json>[] }[];
      expect(notes.map((n) => n.Notification.NotificationType).sort(), id).toEqual(['ACTUAL', 'FORECASTED']);
      for (const n of notes) {
        expect(n.Notification.ThresholdType).toBe('PERCENTAGE');
        expect(n.Subscribers).toContainEqual({ SubscriptionType: 'SNS', Address: { Ref: 'AlertsTopicArn' } });
      }
    }
  });

  test('every Spot share maps to weights that sum to 100, and the published strategy is valid ECS JSON', () => {
    const share = t.Parameters!.SpotSharePercent;
    const mapping = (t.Mappings as Record<string, Record<string, { OnDemandWeight: number; SpotWeight: number }>>).SpotShare;
    expect(Object.keys(mapping).sort()).toEqual([...share.AllowedValues!].map(String).sort());
    const [text] = (resource(t, 'CapacityProviderStrategyParameter').Properties!.Value as { 'Fn::Sub': [string, Json] })['Fn::Sub'];
    for (const [pct, w] of Object.entries(mapping)) {
      expect(w.SpotWeight).toBe(Number(pct));
      expect(w.OnDemandWeight + w.SpotWeight).toBe(100);
      const strategy = JSON.parse(text.replace('${OnDemand}', String(w.OnDemandWeight)).replace('${Spot}', String(w.SpotWeight)));
      expect(strategy).toEqual([
        { capacityProvider: 'FARGATE', base: 1, weight: 100 - Number(pct) },
        { capacityProvider: 'FARGATE_SPOT', base: 0, weight: Number(pct) },
      ]);
    }
    for (const { values } of parameterSets('cost')) expect(share.AllowedValues).toContain(String(values.SpotSharePercent));
  });
});

// ------------------------------------------------------------------------------------ security

const POLICIES = ACTION_POLICIES;

describe('security: OIDC trust, least privilege per action, boundary, keys, replicas', () => {
  const t = loadTemplate('security');

  test('the deploy role trusts GitHub OIDC for one repository, one branch and its build and region environments only', () => {
    expect(resource(t, 'GitHubOidcProvider').Properties).toEqual({ Url: 'https://token.actions.githubusercontent.com', ClientIdList: ['sts.amazonaws.com'] });
    const trust = resource(t, 'DeployRole').Properties!.AssumeRolePolicyDocument as { Statement: Record<string, Json>[] };
    expect(trust.Statement).toHaveLength(1);
    const [s] = trust.Statement;
    expect(s.Action).toBe('sts:AssumeRoleWithWebIdentity');
    expect(s.Principal).toEqual({ Federated: { 'Fn::If': ['CreateOidcProvider', { Ref: 'GitHubOidcProvider' }, { Ref: 'ExistingOidcProviderArn' }] } });
    // StringEquals, never StringLike: no wildcard can widen the subject.
    expect(Object.keys(s.Condition as object)).toEqual(['StringEquals']);
    const eq = (s.Condition as { StringEquals: Record<string, Json> }).StringEquals;
    expect(eq['token.actions.githubusercontent.com:aud']).toBe('sts.amazonaws.com');
    expect(eq['token.actions.githubusercontent.com:sub']).toEqual(['${GitHubEnvironment}', '${GitHubEnvironment}-${PrimaryRegion}', '${GitHubEnvironment}-${SecondaryRegion}']
      .map((environment) => ({ 'Fn::Sub': `repo:\${GitHubOrg}/\${GitHubRepo}:environment:${environment}:ref:refs/heads/\${DeployBranch}` })));
    for (const name of ['GitHubOrg', 'GitHubRepo', 'DeployBranch', 'GitHubEnvironment']) {
      expect(t.Parameters![name].AllowedPattern, name).not.toContain('*');
      expect(new RegExp(t.Parameters![name].AllowedPattern as string).test('*'), name).toBe(false);
    }
    for (const { env, region, values } of parameterSets('security')) {
      if (values.CreateGlobalResources === 'true') expect(values.GitHubEnvironment, `${env}/${region}`).toBe(env);
    }
  });

  test('IAM lives in exactly one region; keys, analyzer and parameters in both', () => {
    const global = Object.entries(t.Resources).filter(([, r]) => r.Type.startsWith('AWS::IAM::')).map(([id, r]) => [id, r.Condition]);
    for (const [id, c] of global) expect(['IsGlobalRegion', 'CreateOidcProvider', 'HasTemplatesBucket', 'AllowsChaos'], String(id)).toContain(c);
    for (const env of ENVIRONMENTS) {
      const flags = parameterSets('security').filter((p) => p.env === env).map((p) => [p.region, p.values.CreateGlobalResources]);
      expect(flags.filter(([, f]) => f === 'true'), env).toEqual([['eu-central-1', 'true']]);
    }
    for (const id of ['PlatformKey', 'DataKey', 'AccessAnalyzer', 'PlatformKeyParameter', 'DataKeyParameter']) expect(resource(t, id).Condition, id).toBeUndefined();
    expect(resource(t, 'AccessAnalyzer').Properties!.Type).toBe('ACCOUNT');
  });

  test('the deploy role and the CloudFormation role carry the boundary, which no one can lift', () => {
    for (const id of ['DeployRole', 'CfnExecutionRole']) expect(resource(t, id).Properties!.PermissionsBoundary, id).toEqual({ Ref: 'PermissionsBoundary' });
    const statements = (resource(t, 'PermissionsBoundary').Properties!.PolicyDocument as { Statement: Record<string, Json>[] }).Statement;
    const sid = (name: string) => statements.find((s) => s.Sid === name)!;
    expect(sid('StayInPlatformRegions')).toMatchObject({ Effect: 'Deny', Condition: { StringNotEquals: { 'aws:RequestedRegion': [{ Ref: 'PrimaryRegion' }, { Ref: 'SecondaryRegion' }] } } });
    expect(sid('NoBoundaryRemoval')).toMatchObject({ Effect: 'Deny', Action: ['iam:DeleteRolePermissionsBoundary', 'iam:DeleteUserPermissionsBoundary'] });
    const self = 'arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/mesh-${Environment}-permissions-boundary';
    expect(render({ 'Fn::Sub': self })).toBe(render({ 'Fn::Sub': `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:policy/${(resource(t, 'PermissionsBoundary').Properties!.ManagedPolicyName as { 'Fn::Sub': string })['Fn::Sub']}` }));
    expect(sid('NoRoleWithoutThisBoundary')).toMatchObject({ Effect: 'Deny', Condition: { StringNotEquals: { 'iam:PermissionsBoundary': { 'Fn::Sub': self } } } });
    expect(sid('NoBoundaryEdits')).toMatchObject({ Effect: 'Deny', Resource: { 'Fn::Sub': self } });
    // The CloudFormation role may create roles only with the same boundary attached.
    const cfnStatements = (resource(t, 'CfnExecutionRole').Properties!.Policies as { PolicyDocument: { Statement: Record<string, Json>[] } }[])[0].PolicyDocument.Statement;
    expect(cfnStatements.find((s) => list(s.Action as string[]).includes('iam:CreateRole'))!.Condition).toEqual({ StringEquals: { 'iam:PermissionsBoundary': { Ref: 'PermissionsBoundary' } } });
  });

  test('canary-ramp and rollback change listeners and rules of the edge ALB only, named in every deployment', () => {
    const statements = (resource(t, 'CanaryRampPolicy').Properties!.PolicyDocument as { Statement: Record<string, Json>[] }).Statement;
    const shift = statements.find((s) => list(s.Action as string[]).includes('elasticloadbalancing:ModifyRule'))!;
    expect(shift.Resource).toEqual([
      { 'Fn::Sub': 'arn:${AWS::Partition}:elasticloadbalancing:*:${AWS::AccountId}:listener/app/${LoadBalancerName}/*' },
      { 'Fn::Sub': 'arn:${AWS::Partition}:elasticloadbalancing:*:${AWS::AccountId}:listener-rule/app/${LoadBalancerName}/*' },
    ]);
    // No wildcard can stand in for the name: the parameter is required and takes ALB names only.
    const p = t.Parameters!.LoadBalancerName;
    expect(p.Default).toBeUndefined();
    const accepts = (v: string) => new RegExp(p.AllowedPattern as string).test(v);
    expect(['*', 'staging-*', 'x'.repeat(33), '-edge', 'edge-'].filter(accepts)).toEqual([]);
    expect(accepts('staging-edge')).toBe(true);
    // The edge stack names its ALB after itself: the name is the EdgeStack the services use there.
    for (const { env, region, values } of parameterSets('security')) {
      const edgeStacks = new Set(parameterFiles(env, region, 'service').map((f) => loadParameterFile(f).EdgeStack));
      expect([values.LoadBalancerName], `${env}/${region}`).toEqual([...edgeStacks]);
    }
  });

  test('the deploy role has exactly one policy per action, and the README documents each one as deployed', () => {
    expect(resource(t, 'DeployRole').Properties!.ManagedPolicyArns).toEqual(['SloGatePolicy', 'CanaryRampPolicy', 'BuildScanPushPolicy', 'DeployStackPolicy'].map((id) => ({ Ref: id })));
    expect(resource(t, 'DeployStackUploadPolicy').Properties!.Roles).toEqual([{ Ref: 'DeployRole' }]);
    expect(resource(t, 'ChaosPolicy').Properties!.Roles).toEqual([{ Ref: 'DeployRole' }]);
    expect(t.Conditions!.AllowsChaos).toEqual({ 'Fn::And': [{ Condition: 'IsGlobalRegion' }, { 'Fn::Equals': [{ Ref: 'Environment' }, 'staging'] }] });
    const readme = readFileSync(readmePath, 'utf8');
    const documented = new Map([...readme.matchAll(/<!-- policy: ([^>]+?) -->\s*```json\n([\s\S]*?)```/g)].map((m) => [m[1], JSON.parse(m[2]) as { Statement: Json[] }]));
    expect([...documented.keys()].sort()).toEqual(Object.keys(POLICIES).sort());
    for (const [action, id] of Object.entries(POLICIES)) {
      const deployed = (resource(t, id).Properties!.PolicyDocument as { Statement: Json[] }).Statement.map(renderStatement);
      expect({ action, Statement: documented.get(action)!.Statement }).toEqual({ action, Statement: deployed });
    }
  });

  test('the README\'s generated sections (parameters of every template, policies) are current', () => {
    const readme = readFileSync(readmePath, 'utf8');
    expect(regenerate(readme) === readme, 'infra-templates/README.md is stale: run `npx tsx infra-templates/tools/readme.ts`').toBe(true);
  });

  test('every AWS call in the actions\' source is allowed by the deploy role, and iam:PassRole only hands over the CloudFormation role', () => {
    const granted = Object.values(POLICIES).flatMap((id) =>
      (resource(t, id).Properties!.PolicyDocument as { Statement: Record<string, Json>[] }).Statement.filter((s) => s.Effect === 'Allow').flatMap((s) => list(s.Action as string[])),
    );
    const allows = (action: string) => granted.some((g) => new RegExp(`^${g.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i').test(action));
    const calls = sdkCallsInActions();
    expect(calls.length).toBeGreaterThan(10);
    expect(calls.filter((c) => !allows(c))).toEqual([]);
    const passRole = policyStatements(t).filter((p) => list(p.statement.Action as string[]).includes('iam:PassRole') && p.resource !== 'CfnExecutionRole');
    expect(passRole.map((p) => [p.resource, p.statement.Resource, p.statement.Condition])).toEqual([
      ['DeployStackPolicy', { 'Fn::GetAtt': ['CfnExecutionRole', 'Arn'] }, { StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } }],
    ]);
  });

  test('the CloudFormation role and the boundary cover the service of every resource type in every stack it deploys', () => {
    const statements = (r: string) =>
      r === 'CfnExecutionRole'
        ? (resource(t, r).Properties!.Policies as { PolicyDocument: { Statement: Record<string, Json>[] } }[]).flatMap((p) => p.PolicyDocument.Statement)
        : (resource(t, r).Properties!.PolicyDocument as { Statement: Record<string, Json>[] }).Statement;
    const wildcards = (r: string) => new Set(statements(r).filter((s) => s.Effect === 'Allow').flatMap((s) => list(s.Action as string[])).filter((a) => a.endsWith(':*')).map((a) => a.slice(0, -2)));
    const role = wildcards('CfnExecutionRole');
    const boundary = wildcards('PermissionsBoundary');
    // The security stack itself is bootstrapped with administrator credentials, not by this role.
    const stacks = readdirSync(join(infraRoot, 'templates')).map((f) => f.replace(/\.yaml$/, '')).filter((s) => s !== 'security');
    const needed = new Map<string, string>();
    for (const stack of stacks) {
      for (const r of Object.values(loadTemplate(stack).Resources)) {
        const service = r.Type.split('::')[1];
        const prefix = IAM_SERVICE[service] ?? service.toLowerCase();
        if (!needed.has(prefix)) needed.set(prefix, `${stack}: ${r.Type}`);
      }
    }
    const missing = [...needed].filter(([prefix]) => !(prefix === 'iam' || role.has(prefix)) || !boundary.has(prefix)).map(([p, where]) => `${p} (${where})`);
    expect(missing).toEqual([]);
  });

  test('keys rotate, only the account administers them, and the secrets replicate to the second region', () => {
    for (const [id, key] of resourcesOfType(t, 'AWS::KMS::Key')) {
      expect(key.Properties!.EnableKeyRotation, id).toBe(true);
      const admin = (key.Properties!.KeyPolicy as { Statement: Record<string, Json>[] }).Statement.filter((s) => list(s.Action as string[]).includes('kms:*'));
      expect(admin.map((s) => s.Principal), id).toEqual([{ AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root' } }]);
    }
    const secrets = resourcesOfType(t, 'AWS::SecretsManager::Secret');
    expect(secrets.length).toBeGreaterThan(0);
    for (const [id, s] of secrets) {
      expect(s.Properties!.ReplicaRegions, id).toEqual([{ Region: { Ref: 'SecondaryRegion' }, KmsKeyId: { 'Fn::Sub': 'alias/mesh-${Environment}-data' } }]);
      expect(s.Properties!.KmsKeyId, id).toEqual({ Ref: 'DataKey' });
    }
    expect(resource(t, 'DataKeyAlias').Properties!.AliasName).toEqual({ 'Fn::Sub': 'alias/mesh-${Environment}-data' });
  });
});

/** CloudFormation's service names whose IAM prefix is not simply the name in lower case. */
const IAM_SERVICE: Record<string, string> = {
  ACMPCA: 'acm-pca',
  AccessAnalyzer: 'access-analyzer',
  ApplicationAutoScaling: 'application-autoscaling',
  CertificateManager: 'acm',
  ElasticLoadBalancingV2: 'elasticloadbalancing',
  EventSchemas: 'schemas',
};

const IAM_PREFIX: Record<string, string> = {
  'client-ecs': 'ecs',
  'client-elastic-load-balancing-v2': 'elasticloadbalancing',
  'client-app-mesh': 'appmesh',
  'client-cloudwatch': 'cloudwatch',
  'client-cloudformation': 'cloudformation',
  'client-ecr': 'ecr',
  'client-s3': 's3',
};
/** Commands whose IAM action has another name. */
const IAM_ACTION: Record<string, string> = { 's3:HeadObject': 's3:GetObject', 's3:HeadBucket': 's3:ListBucket' };

/** `prefix:Action` for every `new XCommand(` the actions make with a client the deploy role serves. */
function sdkCallsInActions(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (name === 'dist' || name === 'node_modules') continue;
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) files.push(path);
    }
  };
  walk(join(repoRoot, 'actions'));
  const calls = new Set<string>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/import\s*\{([^}]*)\}\s*from\s*'@aws-sdk\/(client-[a-z0-9-]+)'/g)) {
      const prefix = IAM_PREFIX[m[2]];
      if (!prefix) continue;
      for (const name of m[1].split(',').map((s) => s.trim().replace(/^type\s+/, ''))) {
        const command = /^(\w+)Command$/.exec(name);
        if (command && new RegExp(`new\\s+${name}\\s*\\(`).test(text)) {
          const action = `${prefix}:${command[1]}`;
          calls.add(IAM_ACTION[action] ?? action);
        }
      }
    }
  }
  return [...calls].sort();
}

// ------------------------------------------------------------------------------------ data

describe('data: a database per service behind an RDS Proxy, TLS and IAM only, rotated, optionally global', () => {
  const t = loadTemplate('data');

  test.each(SERVICES)('%s: encrypted, protected, backed up, RDS-managed rotating secret, IAM auth', (svc) => {
    const cluster = resource(t, `${svc}Cluster`).Properties!;
    const instance = resource(t, `${svc}Instance`).Properties!;
    expect(cluster).toMatchObject({ Engine: 'aurora-postgresql', StorageEncrypted: true, KmsKeyId: { Ref: 'DataKeyArn' }, DeletionProtection: true, EnableIAMDatabaseAuthentication: true });
    expect(cluster.ManageMasterUserPassword).toEqual({ 'Fn::If': ['IsWritable', true, { Ref: 'AWS::NoValue' }] });
    expect(cluster.ServerlessV2ScalingConfiguration).toEqual({ MinCapacity: { Ref: 'MinCapacityAcu' }, MaxCapacity: { Ref: 'MaxCapacityAcu' } });
    expect(instance).toMatchObject({ Engine: 'postgres', StorageEncrypted: true, MultiAZ: true, DeletionProtection: true, EnableIAMDatabaseAuthentication: true, ManageMasterUserPassword: true, PubliclyAccessible: false });
    for (const id of [`${svc}Cluster`, `${svc}Instance`]) expect(resource(t, id).DeletionPolicy, id).toBe('Snapshot');
    expect(resource(t, `${svc}Cluster`).Condition).toBe('IsAurora');
    expect(resource(t, `${svc}Instance`).Condition).toBe('IsRds');
  });

  test.each(SERVICES)('%s: the proxy pools connections, requires TLS and IAM, and reads only its own secret', (svc) => {
    const proxy = resource(t, `${svc}Proxy`).Properties!;
    expect(proxy).toMatchObject({ EngineFamily: 'POSTGRESQL', RequireTLS: true });
    expect(proxy.Auth).toEqual([{ AuthScheme: 'SECRETS', IAMAuth: 'REQUIRED', SecretArn: { 'Fn::If': ['IsAurora', { 'Fn::GetAtt': [`${svc}Cluster`, 'MasterUserSecret.SecretArn'] }, { 'Fn::GetAtt': [`${svc}Instance`, 'MasterUserSecret.SecretArn'] }] } }]);
    const pool = resource(t, `${svc}ProxyTargetGroup`).Properties!.ConnectionPoolConfigurationInfo;
    expect(pool.MaxConnectionsPercent).toBeLessThanOrEqual(100);
    expect(pool.MaxIdleConnectionsPercent).toBeLessThan(pool.MaxConnectionsPercent);
    const read = (resource(t, `${svc}ProxyRole`).Properties!.Policies as { PolicyDocument: { Statement: Record<string, Json>[] } }[])[0].PolicyDocument.Statement[0];
    expect(read).toMatchObject({ Action: 'secretsmanager:GetSecretValue', Resource: proxy.Auth[0].SecretArn });
  });

  test('every role here carries the permissions boundary (the CloudFormation role may create no other)', () => {
    const roles = resourcesOfType(t, 'AWS::IAM::Role');
    expect(roles.length).toBeGreaterThan(0);
    for (const [id, r] of roles) expect(r.Properties!.PermissionsBoundary, id).toEqual({ Ref: 'PermissionsBoundaryArn' });
    for (const { values } of parameterSets('data')) expect(values.PermissionsBoundaryArn).toBe(`/mesh/${values.Environment}/security/permissions-boundary-arn`);
  });

  test('only the proxies reach the databases, and only the service tasks reach the proxies; TLS is forced', () => {
    const db = resource(t, 'DatabaseSecurityGroup').Properties!;
    expect(db.SecurityGroupIngress).toEqual([expect.objectContaining({ FromPort: 5432, ToPort: 5432, SourceSecurityGroupId: { 'Fn::GetAtt': ['ProxySecurityGroup', 'GroupId'] } })]);
    const proxy = resource(t, 'ProxySecurityGroup').Properties!;
    expect(proxy.SecurityGroupIngress).toEqual([expect.objectContaining({ FromPort: 5432, SourceSecurityGroupId: { 'Fn::ImportValue': { 'Fn::Sub': '${NetworkStack}-ServiceSecurityGroupId' } } })]);
    for (const id of ['ClusterParameterGroup', 'InstanceParameterGroup']) expect(resource(t, id).Properties!.Parameters['rds.force_ssl']).toBe('1');
  });

  test('multi-region: prod is an Aurora global database, primary in eu-central-1 and secondary in eu-west-1', () => {
    const roles = parameterSets('data').map((p) => [p.env, p.region, effective('data', 'GlobalDatabaseRole', p.values), effective('data', 'Engine', p.values)]);
    expect(roles.filter(([env]) => env === 'prod')).toEqual([
      ['prod', 'eu-central-1', 'primary', 'aurora-serverless-v2'],
      ['prod', 'eu-west-1', 'secondary', 'aurora-serverless-v2'],
    ]);
    for (const svc of SERVICES) {
      expect(resource(t, `${svc}GlobalCluster`)).toMatchObject({ Condition: 'IsGlobalPrimary', Properties: { SourceDBClusterIdentifier: { 'Fn::GetAtt': [`${svc}Cluster`, 'DBClusterArn'] } } });
      // A secondary joins the global cluster by the name the primary gave it.
      const joinName = (resource(t, `${svc}Cluster`).Properties!.GlobalClusterIdentifier as { 'Fn::If': [string, Json, Json] })['Fn::If'];
      expect(joinName[0]).toBe('IsGlobalSecondary');
      expect(joinName[1]).toEqual(resource(t, `${svc}GlobalCluster`).Properties!.GlobalClusterIdentifier);
    }
    // The service stacks import these in every region: a secondary region exports the cluster's
    // reader endpoint and resource id (IAM auth to the cluster itself) instead of a proxy's.
    for (const svc of SERVICES) {
      for (const [output, secondary] of [['ProxyEndpoint', 'ReadEndpoint.Address'], ['ProxyResourceId', 'DBClusterResourceId']]) {
        const o = t.Outputs![`${svc}${output}`];
        expect(o.Condition, `${svc}${output}`).toBeUndefined();
        expect((o.Value as { 'Fn::If': [string, Json, Json] })['Fn::If'][0]).toBe('IsWritable');
        expect((o.Value as { 'Fn::If': [string, Json, Json] })['Fn::If'][2]).toEqual({ 'Fn::GetAtt': [`${svc}Cluster`, secondary] });
      }
    }
    const rule = (t.Rules as Record<string, { RuleCondition: Json; Assertions: { Assert: Json }[] }>).GlobalDatabaseNeedsAurora;
    expect(rule.RuleCondition).toEqual({ 'Fn::Equals': [{ Ref: 'Engine' }, 'rds'] });
    expect(rule.Assertions[0].Assert).toEqual({ 'Fn::Equals': [{ Ref: 'GlobalDatabaseRole' }, 'none'] });
  });
});

// ------------------------------------------------------------------------------------ global

describe('global: one CloudFront distribution, its origin name failing over between the regional ALBs', () => {
  const t = loadTemplate('global');
  const records = () => resourcesOfType(t, 'AWS::Route53::RecordSet').map(([id, r]) => ({ id, c: r.Condition, p: r.Properties! }));
  /** The edge stack's parameter file of one env and region. */
  const edge = (env: string, region: string) => loadParameterFile(join(parametersDir, env, region, 'edge.yaml'));

  test('each region has an HTTPS health check of its own name on /healthz from several checker regions, failing over in about 30 s', () => {
    for (const [id, host] of [['PrimaryHealthCheck', 'PrimaryHealthCheckHostName'], ['SecondaryHealthCheck', 'SecondaryHealthCheckHostName']]) {
      const c = resource(t, id).Properties!.HealthCheckConfig;
      expect(c).toMatchObject({ Type: 'HTTPS', Port: 443, EnableSNI: true, FullyQualifiedDomainName: { Ref: host }, ResourcePath: { Ref: 'HealthCheckPath' } });
      expect(c.Regions.length).toBeGreaterThanOrEqual(3);
      expect(byDefault(t, c.RequestInterval)).toBe(10);
      expect(byDefault(t, c.FailureThreshold)).toBe(3);
    }
    expect(t.Parameters!.HealthCheckPath.Default).toBe('/healthz');
    for (const { values } of parameterSets('global')) {
      const seconds = Number(effective('global', 'HealthCheckIntervalSeconds', values)) * Number(effective('global', 'HealthCheckFailureThreshold', values));
      expect(seconds).toBeLessThanOrEqual(30);
      expect(values.PrimaryRegion).not.toBe(values.SecondaryRegion);
    }
  });

  test('the public name is an alias of the one distribution, made only by the primary region\'s edge stack', () => {
    const cloudFrontZone = 'Z2FDTNDATAQYW2';
    const publicRecords = records().filter((r) => r.p.Name.Ref === 'RecordName');
    expect(publicRecords.map((r) => [r.p.Type, r.c, r.p.SetIdentifier, r.p.AliasTarget]).sort()).toEqual([
      ['A', undefined, undefined, { DNSName: { Ref: 'DistributionDomainName' }, HostedZoneId: cloudFrontZone, EvaluateTargetHealth: false }],
      ['AAAA', undefined, undefined, { DNSName: { Ref: 'DistributionDomainName' }, HostedZoneId: cloudFrontZone, EvaluateTargetHealth: false }],
    ]);
    // CloudFront takes an alternate domain name on one distribution only: one edge stack per env makes it.
    for (const env of ENVIRONMENTS) {
      const creators = REGIONS.filter((region) => edge(env, region).CreateDistribution === 'true');
      expect(creators, env).toEqual(['eu-central-1']);
    }
    const distribution = loadTemplate('edge').Resources.Distribution;
    expect(distribution.Condition).toBe('CreateDistribution');
    expect(distribution.Properties!.DistributionConfig.Origins).toEqual([expect.objectContaining({ DomainName: { Ref: 'OriginHostName' } })]);
  });

  test('the origin name fails over (or routes by latency) between the two ALBs, each guarded by its region\'s health (calculated check)', () => {
    const origin = records().filter((r) => r.p.Name.Ref === 'OriginHostName');
    const shape = (r: (typeof origin)[number]) => [r.c, r.p.Type, r.p.Failover ?? r.p.Region.Ref, r.p.HealthCheckId.Ref, r.p.AliasTarget.DNSName.Ref, r.p.AliasTarget.HostedZoneId.Ref];
    expect(origin.map(shape).sort()).toEqual([
      ['IsFailover', 'A', 'PRIMARY', 'PrimaryRegionHealthCheck', 'PrimaryLoadBalancerDnsName', 'PrimaryLoadBalancerHostedZoneId'],
      ['IsFailover', 'A', 'SECONDARY', 'SecondaryRegionHealthCheck', 'SecondaryLoadBalancerDnsName', 'SecondaryLoadBalancerHostedZoneId'],
      ['IsLatency', 'A', 'PrimaryRegion', 'PrimaryRegionHealthCheck', 'PrimaryLoadBalancerDnsName', 'PrimaryLoadBalancerHostedZoneId'],
      ['IsLatency', 'A', 'SecondaryRegion', 'SecondaryRegionHealthCheck', 'SecondaryLoadBalancerDnsName', 'SecondaryLoadBalancerHostedZoneId'],
    ]);
    // The health checks decide: target health would fail a region over for one unhealthy canary group.
    for (const r of origin) expect(r.p.AliasTarget.EvaluateTargetHealth, r.id).toBe(false);
    expect(records()).toHaveLength(origin.length + 2);
  });

  test('each region\'s health: its HTTPS check and one CLOUDWATCH_METRIC check per alarm its health stack makes there, all needed', () => {
    const health = loadTemplate('health');
    // The alarm names the health stack makes (mesh-${Environment}-region-<what>), in its order.
    const made = resourcesOfType(health, 'AWS::CloudWatch::Alarm').map(([, r]) => r.Properties!.AlarmName['Fn::Sub'] as string).sort();
    expect(made).toHaveLength(5);
    for (const region of ['Primary', 'Secondary']) {
      const top = resource(t, `${region}RegionHealthCheck`).Properties!.HealthCheckConfig;
      const children = (top.ChildHealthChecks as { Ref: string }[]).map((c) => c.Ref);
      expect(top.Type).toBe('CALCULATED');
      expect(top.HealthThreshold, region).toBe(children.length);
      expect(children).toContain(`${region}HealthCheck`);
      const alarmChecks = children.filter((c) => c !== `${region}HealthCheck`).map((id) => resource(t, id).Properties!.HealthCheckConfig);
      for (const c of alarmChecks) {
        expect(c, region).toMatchObject({ Type: 'CLOUDWATCH_METRIC', InsufficientDataHealthStatus: { Ref: 'InsufficientDataHealthStatus' } });
        expect(c.AlarmIdentifier.Region, region).toEqual({ Ref: `${region}Region` });
      }
      expect(alarmChecks.map((c) => c.AlarmIdentifier.Name['Fn::Sub']).sort(), region).toEqual(made);
    }
    expect(t.Parameters!.InsufficientDataHealthStatus).toMatchObject({ Default: 'LastKnownStatus', AllowedValues: ['Healthy', 'Unhealthy', 'LastKnownStatus'] });
    // Every region the global stack fails over between deploys the health stack.
    for (const { values } of parameterSets('global')) expect(stackRegions(health)).toEqual(expect.arrayContaining([values.PrimaryRegion, values.SecondaryRegion]));
  });

  test('parameter files: the names the edge stacks use, and each region\'s own ELB hosted zone', () => {
    const elbZone: Record<string, string> = { 'eu-central-1': 'Z215JYRZR1TBD5', 'eu-west-1': 'Z32O12XQLNTSW2' };
    for (const { env, values } of parameterSets('global')) {
      const [primary, secondary] = [String(values.PrimaryRegion), String(values.SecondaryRegion)];
      expect(values.RecordName, env).toBe(edge(env, primary).DomainName);
      expect(values.OriginHostName, env).toBe(edge(env, primary).OriginHostName);
      expect(values.OriginHostName, env).toBe(edge(env, secondary).OriginHostName);
      expect(values.PrimaryHealthCheckHostName, env).toBe(edge(env, primary).RegionalOriginHostName);
      expect(values.SecondaryHealthCheckHostName, env).toBe(edge(env, secondary).RegionalOriginHostName);
      expect(values.PrimaryHealthCheckHostName).not.toBe(values.SecondaryHealthCheckHostName);
      expect([values.PrimaryLoadBalancerHostedZoneId, values.SecondaryLoadBalancerHostedZoneId], env).toEqual([elbZone[primary], elbZone[secondary]]);
      expect(String(values.PrimaryLoadBalancerDnsName)).toMatch(new RegExp(`^${env}-edge-\\w+\\.${primary}\\.elb\\.amazonaws\\.com$`));
      expect(String(values.SecondaryLoadBalancerDnsName)).toMatch(new RegExp(`^${env}-edge-\\w+\\.${secondary}\\.elb\\.amazonaws\\.com$`));
      // Each region's ALB answers the path the checks request.
      for (const region of [primary, secondary]) expect(edge(env, region).HealthCheckPath ?? loadTemplate('edge').Parameters!.HealthCheckPath.Default).toBe(effective('global', 'HealthCheckPath', values));
    }
  });
});
