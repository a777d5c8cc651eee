/**
 * The platform's resilience and identity guarantees, read from the templates and from the templates
 * as each parameter file deploys them: every rotatable secret rotates, mutual TLS is on by default
 * and cannot be off in prod, the legacy path of the Strangler Fig is a weighted rule canary-ramp can
 * shift, service quotas alarm before they bite, chaos experiments stop on the service's SLO alarm.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import YAML from 'yaml';
import { repoRoot } from '../../test/support/harness.js';
import { type Resource, type Template } from '../lib/parse.js';
import { ENVIRONMENTS, REGIONS, loadAcknowledgements, loadParameterFile, loadTemplate, parameterFilePath, stackRegions, parameterFiles, templateNames } from '../lib/files.js';
import { resourcesOfType } from '../lib/policies.js';
import { instantiate } from '../lib/evaluate.js';

const props = (r: Resource): Record<string, any> => r.Properties ?? {};
const ref = (id: string) => ({ Ref: id });

/** The stack as one parameter file deploys it. */
function deployed(stack: string, env: string, region: string): Template {
  return instantiate(loadTemplate(stack), loadParameterFile(parameterFilePath(env, region, stack)));
}

/** Every env × region the stack is deployed to, with its parameter values. */
function deployments(stack: string): { env: string; region: string; values: Record<string, unknown>; t: Template }[] {
  return ENVIRONMENTS.flatMap((env) =>
    stackRegions(loadTemplate(stack)).map((region) => ({ env, region, values: loadParameterFile(parameterFilePath(env, region, stack)), t: deployed(stack, env, region) })),
  );
}

describe('secrets rotation', () => {
  const t = loadTemplate('security');

  test('every Secrets Manager secret in every template has a rotation schedule, or an acknowledged reason why it cannot rotate', () => {
    const missing: string[] = [];
    for (const stack of templateNames()) {
      const tt = loadTemplate(stack);
      const schedules = resourcesOfType(tt, 'AWS::SecretsManager::RotationSchedule');
      const excused = loadAcknowledgements(stack).filter((a) => a.id === 'AwsSolutions-SMG4').flatMap((a) => a.resources ?? []);
      for (const [id, secret] of resourcesOfType(tt, 'AWS::SecretsManager::Secret')) {
        const rotated = schedules.filter(([, s]) => JSON.stringify(props(s).SecretId) === JSON.stringify(ref(id)));
        if (rotated.length === 0 && !excused.includes(id)) missing.push(`${stack}/${id}`);
        // A schedule that can be absent while its secret exists rotates nothing.
        for (const [sid, s] of rotated) expect(s.Condition, `${stack}/${sid}`).toBe(secret.Condition);
      }
    }
    expect(missing).toEqual([]);
    // The one excused secret: the origin header every ALB rule compares at deploy time.
    expect(loadAcknowledgements('edge').filter((a) => a.id === 'AwsSolutions-SMG4').flatMap((a) => a.resources)).toEqual(['OriginVerifySecret']);
  });

  test('the JWT signing key rotates through the auth service\'s Lambda, every JwtRotationDays, at once on creation', () => {
    const schedule = props(t.Resources.JwtSigningKeyRotation);
    expect(schedule).toEqual({
      SecretId: ref('AuthSigningKeySecret'),
      RotationLambdaARN: { 'Fn::GetAtt': ['JwtRotationFunction', 'Arn'] },
      RotateImmediatelyOnUpdate: true,
      RotationRules: { ScheduleExpression: { 'Fn::Sub': 'rate(${JwtRotationDays} days)' } },
    });
    expect(t.Parameters!.JwtRotationDays).toMatchObject({ Default: 30, MinValue: 1, MaxValue: 365 });
    expect(t.Resources.JwtSigningKeyRotation.DependsOn).toBe('JwtRotationInvokePermission');
    const fn = props(t.Resources.JwtRotationFunction);
    expect(fn.Code).toEqual({ S3Bucket: ref('CodeBucketName'), S3Key: ref('JwtRotationCodeKey') });
    expect(fn.Handler).toBe('index.handler');
    expect(fn.Runtime).toMatch(/^nodejs2[4-9]\.x$/);
    expect(props(t.Resources.JwtRotationInvokePermission)).toMatchObject({ Principal: 'secretsmanager.amazonaws.com', SourceArn: ref('AuthSigningKeySecret') });
  });

  test('the rotation Lambda may touch this one secret and its key only, under the boundary', () => {
    const role = props(t.Resources.JwtRotationRole);
    expect(role.PermissionsBoundary).toEqual(ref('PermissionsBoundary'));
    const statements = role.Policies.flatMap((p: any) => p.PolicyDocument.Statement);
    expect(statements.map((s: any) => s.Resource)).toEqual([ref('AuthSigningKeySecret'), { 'Fn::GetAtt': ['DataKey', 'Arn'] }, { 'Fn::Sub': '${JwtRotationLogGroup.Arn}:*' }]);
    expect(statements.flatMap((s: any) => s.Action).filter((a: string) => a.includes('*'))).toEqual([]);
  });

  test('the global region cannot be deployed without the rotation package, and every global parameter file names it', () => {
    const rule = (t.Rules as Record<string, any>).RotationCodeInTheGlobalRegion;
    expect(rule.RuleCondition).toEqual({ 'Fn::Equals': [ref('CreateGlobalResources'), 'true'] });
    expect(rule.Assertions.map((a: any) => a.Assert)).toEqual([
      { 'Fn::Not': [{ 'Fn::Equals': [ref('CodeBucketName'), ''] }] },
      { 'Fn::Not': [{ 'Fn::Equals': [ref('JwtRotationCodeKey'), ''] }] },
    ]);
    for (const { env, region, values, t: d } of deployments('security')) {
      if (values.CreateGlobalResources !== 'true') continue;
      expect(values.CodeBucketName, `${env}/${region}`).toBeTruthy();
      expect(String(values.JwtRotationCodeKey), `${env}/${region}`).toMatch(/\.zip$/);
      expect(resourcesOfType(d, 'AWS::SecretsManager::RotationSchedule').map(([id]) => id), `${env}/${region}`).toEqual(['JwtSigningKeyRotation']);
    }
  });

  test('database master secrets: RDS makes and rotates them (ManageMasterUserPassword) wherever a writer is', () => {
    for (const { env, region, t: d } of deployments('data')) {
      const dbs = [...resourcesOfType(d, 'AWS::RDS::DBCluster'), ...resourcesOfType(d, 'AWS::RDS::DBInstance')].filter(([, r]) => !props(r).DBClusterIdentifier);
      for (const [id, r] of dbs) {
        // A global secondary has no master user of its own: the primary's secret rotates.
        if (props(r).GlobalClusterIdentifier && props(r).ManageMasterUserPassword === undefined && region !== REGIONS[0]) continue;
        expect(props(r).ManageMasterUserPassword, `${env}/${region}/${id}`).toBe(true);
      }
    }
  });
});

describe('workload identity and mutual TLS, on by default', () => {
  const mesh = loadTemplate('mesh');
  const SPIFFE = ['auth', 'persona', 'vc-start'].map((s) => ({ 'Fn::Sub': `spiffe://\${SpiffeTrustDomain}/${s}` }));

  /** The App Mesh variant of a deployment (the variant that has a client-certificate mode). */
  const appMeshOf = (values: Record<string, unknown>) => instantiate(mesh, { ...values, MeshMode: 'AppMesh' });

  test('mutual TLS and its SPIFFE check are the template defaults', () => {
    expect(mesh.Parameters!.MutualTls.Default).toBe('true');
    expect(mesh.Parameters!.ClientCertificateDir.Default).not.toBe('');
    for (const [id, node] of resourcesOfType(instantiate(mesh, { MeshMode: 'AppMesh' }), 'AWS::AppMesh::VirtualNode')) {
      const validation = props(node).Spec.Listeners[0].TLS.Validation;
      expect(validation?.SubjectAlternativeNames?.Match?.Exact, id).toEqual(SPIFFE);
      expect(props(node).Spec.BackendDefaults.ClientPolicy.TLS.Certificate.File, id).toBeDefined();
    }
  });

  test.each(REGIONS)('prod in %s: every App Mesh listener requires a client certificate with a mesh SPIFFE ID; TLS is enforced to every backend', (region) => {
    const values = loadParameterFile(parameterFilePath('prod', region, 'mesh'));
    expect(values.MutualTls ?? mesh.Parameters!.MutualTls.Default, 'prod mesh parameters must keep MutualTls on').toBe('true');
    const nodes = resourcesOfType(appMeshOf(values), 'AWS::AppMesh::VirtualNode');
    expect(nodes).toHaveLength(6);
    for (const [id, node] of nodes) {
      const tls = props(node).Spec.Listeners[0].TLS;
      expect(tls.Mode, id).toBe('STRICT');
      expect(tls.Validation?.Trust?.File?.CertificateChain, id).toBeDefined();
      expect(tls.Validation.SubjectAlternativeNames.Match.Exact, id).toEqual(SPIFFE);
      const client = props(node).Spec.BackendDefaults.ClientPolicy.TLS;
      expect(client.Enforce, id).toBe(true);
      expect(client.Certificate?.File?.CertificateChain, id).toBeDefined();
    }
  });

  test('switching mutual TLS off is seen: no client certificate is then required (what the prod check guards against)', () => {
    for (const [, node] of resourcesOfType(appMeshOf({ MutualTls: 'false' }), 'AWS::AppMesh::VirtualNode')) {
      expect(props(node).Spec.Listeners[0].TLS.Validation).toBeUndefined();
    }
  });

  test('Service Connect: TLS from the Private CA on every service, unconditionally (it has no off switch)', () => {
    for (const env of ENVIRONMENTS) {
      for (const region of REGIONS) {
        const values = loadParameterFile(parameterFilePath(env, region, 'mesh'));
        if ((values.MeshMode ?? mesh.Parameters!.MeshMode.Default) !== 'ServiceConnect') continue;
        for (const file of ['auth', 'persona', 'vc-start']) {
          const svc = instantiate(loadTemplate('service'), loadParameterFile(parameterFilePath(env, region, `service-${file}`)));
          const [[, ecs]] = resourcesOfType(svc, 'AWS::ECS::Service');
          const sc = props(ecs).ServiceConnectConfiguration;
          expect(sc.Enabled, `${env}/${region}/${file}`).toBe(true);
          for (const s of sc.Services) expect(s.Tls.IssuerCertificateAuthority.AwsPcaAuthorityArn, `${env}/${region}/${file}`).toEqual({ 'Fn::ImportValue': { 'Fn::Sub': '${MeshStack}-PrivateCaArn' } });
        }
      }
    }
  });

  test('App Mesh retries fit inside the request timeout in every deployment (Envoy spaces them with its own backoff)', () => {
    for (const { env, region, values } of deployments('mesh')) {
      for (const [id, route] of resourcesOfType(appMeshOf(values), 'AWS::AppMesh::Route')) {
        const spec = props(route).Spec.HttpRoute ?? props(route).Spec.GrpcRoute;
        const { MaxRetries, PerRetryTimeout } = spec.RetryPolicy;
        expect(Number(MaxRetries), `${env}/${region}/${id}`).toBeGreaterThan(0);
        expect(PerRetryTimeout.Unit).toBe('ms');
        // The first try and every retry, each at most PerRetryTimeout, within the per-request timeout.
        expect((Number(MaxRetries) + 1) * Number(PerRetryTimeout.Value), `${env}/${region}/${id}`).toBeLessThanOrEqual(Number(spec.Timeout.PerRequest.Value) * 1000);
        // Only failures before a response (never a 5xx a handler may have acted on).
        expect(spec.RetryPolicy.HttpRetryEvents ?? spec.RetryPolicy.GrpcRetryEvents, id).not.toContain('server-error');
      }
    }
  });
});

describe('Strangler Fig: the legacy path on the edge ALB', () => {
  test.each(ENVIRONMENTS.flatMap((env) => REGIONS.map((region) => ({ env, region }))))('$env in $region: a weighted rule from the legacy Lambda (100) to its ECS replacement (0), only via CloudFront', ({ env, region }) => {
    const edge = deployed('edge', env, region);
    const lambdaTg = props(edge.Resources.LegacyLambdaTargetGroup);
    expect(lambdaTg).toMatchObject({ TargetType: 'lambda', Name: { 'Fn::Sub': '${AWS::StackName}-legacy' } });
    expect(lambdaTg.Targets).toEqual([{ Id: expect.stringMatching(/^arn:aws:lambda:/) }]);
    expect(lambdaTg.Targets[0].Id).toContain(`:lambda:${region}:`);
    expect(props(edge.Resources.LegacyReplacementTargetGroup)).toMatchObject({ TargetType: 'ip', HealthCheckPath: '/ready' });
    // ELB may invoke the function for this target group only (by its fixed name).
    expect(edge.Resources.LegacyLambdaTargetGroup.DependsOn).toBe('LegacyInvokePermission');
    expect(props(edge.Resources.LegacyInvokePermission)).toMatchObject({
      Principal: 'elasticloadbalancing.amazonaws.com',
      SourceArn: { 'Fn::Sub': 'arn:${AWS::Partition}:elasticloadbalancing:${AWS::Region}:${AWS::AccountId}:targetgroup/${AWS::StackName}-legacy/*' },
    });
    const rule = props(edge.Resources.LegacyRule);
    expect(rule.Actions).toEqual([{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: ref('LegacyLambdaTargetGroup'), Weight: 100 }, { TargetGroupArn: ref('LegacyReplacementTargetGroup'), Weight: 0 }], TargetGroupStickinessConfig: { Enabled: false } } }]);
    expect(rule.Conditions.map((c: { Field: string }) => c.Field)).toEqual(['path-pattern', 'http-header']);
    expect(rule.Conditions[0].PathPatternConfig.Values).toEqual(['/api/legacy/*']);
    // Its own priority among the service rules.
    const priorities = resourcesOfType(edge, 'AWS::ElasticLoadBalancingV2::ListenerRule').map(([, r]) => props(r).Priority);
    expect(new Set(priorities).size).toBe(priorities.length);
    for (const out of ['LegacyRuleArn', 'LegacyLambdaTargetGroupArn', 'LegacyReplacementTargetGroupArn']) expect(edge.Outputs![out], out).toBeDefined();
  });
});

describe('service quotas: alarms before a quota stops scaling or deploying, in both regions', () => {
  const t = loadTemplate('quotas');
  const usage = (id: string) => props(t.Resources[id]).Metrics.find((m: { ReturnData: boolean }) => !m.ReturnData).MetricStat;
  const dims = (id: string) => Object.fromEntries(usage(id).Metric.Dimensions.map((d: { Name: string; Value: string }) => [d.Name, d.Value]));

  test('the stack is deployed in both regions of every environment', () => {
    expect(stackRegions(t)).toEqual([...REGIONS]);
    for (const { env, region, values } of deployments('quotas')) expect(values.Environment, `${env}/${region}`).toBe(env);
  });

  test.each([
    ['FargateOnDemandVcpuQuotaAlarm', { Service: 'Fargate', Type: 'Resource', Resource: 'vCPU', Class: 'Standard/OnDemand' }],
    ['FargateSpotVcpuQuotaAlarm', { Service: 'Fargate', Type: 'Resource', Resource: 'vCPU', Class: 'Standard/Spot' }],
    ['EcrBatchGetImageQuotaAlarm', { Service: 'ECR', Type: 'API', Resource: 'BatchGetImage', Class: 'None' }],
    ['EcrGetDownloadUrlForLayerQuotaAlarm', { Service: 'ECR', Type: 'API', Resource: 'GetDownloadUrlForLayer', Class: 'None' }],
  ])('%s: AWS/Usage as a percentage of SERVICE_QUOTA(), alerting at QuotaAlarmPercent', (id, dimensions) => {
    const alarm = props(t.Resources[id]);
    expect(usage(id).Metric.Namespace).toBe('AWS/Usage');
    expect(dims(id)).toEqual(dimensions);
    const [expression] = alarm.Metrics.filter((m: { ReturnData: boolean }) => m.ReturnData);
    expect(expression.Expression).toContain('SERVICE_QUOTA(usage)');
    // A rate quota is per second; CallCount is summed per minute.
    if (dimensions.Type === 'API') expect(expression.Expression).toBe('100 * (usage / 60) / SERVICE_QUOTA(usage)');
    else expect(expression.Expression).toBe('100 * usage / SERVICE_QUOTA(usage)');
    expect(alarm).toMatchObject({ Threshold: ref('QuotaAlarmPercent'), ComparisonOperator: 'GreaterThanOrEqualToThreshold', AlarmActions: [ref('AlertsTopicArn')] });
    expect(alarm.DatapointsToAlarm).toBeLessThanOrEqual(alarm.EvaluationPeriods);
    expect(alarm.AlarmName['Fn::Sub']).toMatch(/^mesh-\$\{Environment\}-quota-/);
  });

  test('ENIs: the VPC\'s network address usage (one unit per task ENI) against its limit', () => {
    expect(usage('NetworkAddressUsageAlarm').Metric).toMatchObject({ Namespace: 'AWS/EC2', MetricName: 'NetworkAddressUsage' });
    expect(dims('NetworkAddressUsageAlarm')['Per-VPC Metrics']).toEqual({ 'Fn::ImportValue': { 'Fn::Sub': '${NetworkStack}-VpcId' } });
    expect(t.Parameters!.NetworkAddressUnitsLimit.Default).toBe(64000);
  });

  test('ALB rules per load balancer (no usage metric exists): the edge ALB stays far below the quota of 100', () => {
    for (const env of ENVIRONMENTS) {
      for (const region of REGIONS) {
        const rules = resourcesOfType(deployed('edge', env, region), 'AWS::ElasticLoadBalancingV2::ListenerRule');
        // canary-ramp adds none; the ALB default quota is 100 rules (the default action not counted).
        expect(rules.length, `${env}/${region}`).toBeLessThanOrEqual(50);
      }
    }
    expect(Object.keys((t.Metadata as Record<string, Record<string, string>>).NotMonitoredHere)).toEqual(['AlbRulesPerLoadBalancer']);
  });
});

describe('chaos: FIS experiments stopped by the service\'s SLO alarm, and the workflow that runs them', () => {
  const t = loadTemplate('chaos');
  const SERVICES = [['Auth', 'auth'], ['Persona', 'persona'], ['VcStart', 'vc-start']] as const;
  const FAULTS = [['StopTask', 'aws:ecs:stop-task'], ['CpuStress', 'aws:ecs:task-cpu-stress'], ['NetworkLatency', 'aws:ecs:task-network-latency'], ['PacketLoss', 'aws:ecs:task-network-packet-loss']] as const;
  /** The SSM document FIS runs on the task for each task fault (the -ECS ones call the ECS fault injection endpoints). */
  const DOCUMENTS: Record<string, string> = { CpuStress: 'AWSFIS-Run-CPU-Stress', NetworkLatency: 'AWSFIS-Run-Network-Latency-ECS', PacketLoss: 'AWSFIS-Run-Network-Packet-Loss-ECS' };

  test.each(SERVICES.flatMap(([S, s]) => FAULTS.map(([F, action]) => ({ S, s, F, action }))))('$s $F: $action on its stable tasks, stopped by mesh-<env>-$s-slo', ({ S, s, F, action }) => {
    const x = props(t.Resources[`${S}${F}Experiment`]);
    expect(x.StopConditions).toEqual([{ Source: 'aws:cloudwatch:alarm', Value: { 'Fn::Sub': `arn:\${AWS::Partition}:cloudwatch:\${AWS::Region}:\${AWS::AccountId}:alarm:mesh-\${Environment}-${s}-slo` } }]);
    // The alarm the stop condition names is the one observability makes.
    const composite = Object.values(loadTemplate('observability').Resources).filter((r) => r.Type === 'AWS::CloudWatch::CompositeAlarm').map((r) => props(r).AlarmName);
    expect(composite).toContainEqual({ 'Fn::Sub': `mesh-\${Environment}-${s}-slo` });
    expect(x.Targets.Tasks).toMatchObject({ ResourceType: 'aws:ecs:task', Parameters: { cluster: { 'Fn::ImportValue': { 'Fn::Sub': '${ClusterStack}-ClusterName' } }, service: `${s}-stable` } });
    expect(x.Targets.Tasks.SelectionMode).toMatch(/^PERCENT\((25|50)\)$/);
    expect(x.Actions.Fault).toMatchObject({ ActionId: action, Targets: { Tasks: 'Tasks' } });
    if (F !== 'StopTask') expect(x.Actions.Fault.Parameters.duration).toEqual({ 'Fn::Sub': 'PT${ExperimentMinutes}M' });
    expect(x.RoleArn).toEqual({ 'Fn::GetAtt': ['ExperimentRole', 'Arn'] });
    expect(x.ExperimentOptions.EmptyTargetResolutionMode).toBe('fail');
    expect(t.Outputs![`${S}${F}ExperimentTemplateId`].Value).toEqual(ref(`${S}${F}Experiment`));
  });

  test('the experiments\' role: FIS only, under the boundary, tasks of the platform cluster only', () => {
    const role = props(t.Resources.ExperimentRole);
    expect(role.PermissionsBoundary).toEqual(ref('PermissionsBoundaryArn'));
    expect(role.AssumeRolePolicyDocument.Statement.map((s: any) => s.Principal)).toEqual([{ Service: 'fis.amazonaws.com' }]);
    const statements = role.Policies[0].PolicyDocument.Statement;
    expect(statements.find((s: any) => s.Sid === 'PlatformTasks').Action).toEqual(['ecs:DescribeTasks', 'ecs:StopTask']);
    const agent = statements.find((s: any) => s.Sid === 'FaultsThroughTheTaskAgent');
    expect(agent.Resource[0]).toEqual({ 'Fn::Sub': 'arn:${AWS::Partition}:ssm:${AWS::Region}::document/AWSFIS-Run-CPU-Stress' });
    // Each task fault's document, on the platform's managed instances and its cluster's tasks only.
    for (const doc of Object.values(DOCUMENTS)) expect(agent.Resource).toContainEqual({ 'Fn::Sub': `arn:\${AWS::Partition}:ssm:\${AWS::Region}::document/${doc}` });
    expect(agent.Resource).toContainEqual({ 'Fn::Sub': ['arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:task/${Cluster}/*', { Cluster: { 'Fn::ImportValue': { 'Fn::Sub': '${ClusterStack}-ClusterName' } } }] });
  });

  test('the network faults go through the ECS fault injection endpoints (the only way on Fargate), on all destinations', () => {
    for (const [S] of SERVICES) {
      for (const F of ['NetworkLatency', 'PacketLoss']) {
        expect(props(t.Resources[`${S}${F}Experiment`]).Actions.Fault.Parameters, `${S}${F}`).toMatchObject({ useEcsFaultInjectionEndpoints: 'true', sources: '0.0.0.0/0' });
      }
    }
    expect(props(t.Resources.AuthPacketLossExperiment).Actions.Fault.Parameters.lossPercent).toEqual(ref('PacketLossPercent'));
    expect(t.Parameters!.PacketLossPercent).toMatchObject({ Default: 5, MinValue: 1, MaxValue: 100 });
  });

  test('experiments and service stacks agree: each targets the stable service its service stack runs in the same cluster, and where experiments may run its tasks are ready for task faults', () => {
    const service = loadTemplate('service');
    const defaults = (name: string) => service.Parameters![name].Default;
    for (const { env, region, values: chaos, t: experiments } of deployments('chaos')) {
      // Only where the deploy role may start experiments (staging) must the tasks be ready; prod's are not.
      const mayRun = deployments('security').some((d) => d.env === env && Boolean(d.t.Resources.ChaosPolicy));
      expect(mayRun, env).toBe(env === 'staging');
      for (const [S, s] of SERVICES) {
        const files = parameterFiles(env, region, 'service').map(loadParameterFile).filter((v) => v.ServiceName === s && (v.Track ?? defaults('Track')) === 'stable');
        expect(files, `${env}/${region} ${s}`).toHaveLength(1);
        const values = files[0];
        const d = instantiate(service, values);
        const name = props(d.Resources.Service).ServiceName['Fn::Sub'].replace('${ServiceName}', values.ServiceName).replace('${Track}', 'stable');
        expect(values.ClusterStack, `${env}/${region} ${s}`).toBe(chaos.ClusterStack);
        for (const [F] of FAULTS) expect(props(experiments.Resources[`${S}${F}Experiment`]).Targets.Tasks.Parameters.service, `${env}/${region} ${S}${F}`).toBe(name);

        const td = props(d.Resources.TaskDefinition);
        const agent = (td.ContainerDefinitions as Record<string, any>[]).find((c) => c.Name === 'fault-injection-agent');
        const where = `${env}/${region} ${s}`;
        expect(props(d.Resources.Service).EnableExecuteCommand, where).toBe(false); // FIS refuses tasks with ECS Exec on
        if (mayRun) {
          expect(values.FaultInjection, where).toBe('true');
          expect(td, where).toMatchObject({ EnableFaultInjection: true, PidMode: 'task', NetworkMode: 'awsvpc' });
          expect(agent, where).toMatchObject({ Essential: false, Environment: [{ Name: 'MANAGED_INSTANCE_ROLE_NAME', Value: ref('FaultInjectionInstanceRole') }] });
          expect(agent!.Command.join(' '), where).toContain('Key=ECS_TASK_ARN,Value=$arn');
          const role = props(d.Resources.FaultInjectionInstanceRole);
          expect(role.AssumeRolePolicyDocument.Statement.map((x: any) => x.Principal)).toEqual([{ Service: 'ssm.amazonaws.com' }]);
          expect(role.ManagedPolicyArns).toEqual([{ 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/AmazonSSMManagedInstanceCore' }]);
          const taskRole = props(d.Resources.TaskRole).Policies[0].PolicyDocument.Statement;
          expect(taskRole.find((x: any) => x.Sid === 'RegisterForFaultInjection').Action).toEqual(['ssm:CreateActivation', 'ssm:AddTagsToResource']);
          expect(taskRole.find((x: any) => x.Sid === 'PassFaultInjectionInstanceRole')).toMatchObject({ Action: 'iam:PassRole', Resource: { 'Fn::GetAtt': ['FaultInjectionInstanceRole', 'Arn'] } });
        } else {
          expect(td.EnableFaultInjection, where).toBe(false);
          expect(td.PidMode, where).toBeUndefined();
          expect(agent, where).toBeUndefined();
          expect(d.Resources.FaultInjectionInstanceRole, where).toBeUndefined();
        }
      }
    }
    // Off unless a parameter file turns it on.
    expect(service.Parameters!.FaultInjection).toMatchObject({ Default: 'false', AllowedValues: ['true', 'false'] });
  });

  test('only the staging deploy role may start experiments', () => {
    const security = loadTemplate('security');
    expect(security.Resources.ChaosPolicy.Condition).toBe('AllowsChaos');
    for (const { env, region, t: d } of deployments('security')) expect(Boolean(d.Resources.ChaosPolicy), `${env}/${region}`).toBe(env === 'staging' && region === REGIONS[0]);
  });

  test('chaos.yml: dispatched by hand against staging, least privilege, input only through env, judged by slo-gate', () => {
    const text = readFileSync(join(repoRoot, '.github/workflows/chaos.yml'), 'utf8');
    const wf = YAML.parse(text) as Record<string, any>;
    expect(Object.keys(wf.on)).toEqual(['workflow_dispatch']);
    expect(wf.permissions).toEqual({});
    const job = wf.jobs.experiment;
    expect(job.environment).toBe('staging-${{ inputs.region }}');
    expect(job.permissions).toEqual({ 'id-token': 'write', contents: 'read' });
    expect(wf.on.workflow_dispatch.inputs.region.options).toEqual([...REGIONS]);
    for (const step of job.steps) {
      if (step.run) expect(step.run, step.name).not.toMatch(/\$\{\{/);
      if (step.uses && !step.uses.startsWith('mesh-actions/mesh-actions/')) expect(step.uses, step.uses).toMatch(/@[0-9a-f]{40}$/);
    }
    expect(text).toMatch(/aws-actions\/configure-aws-credentials@[0-9a-f]{40} # v\d+\.\d+\.\d+/);
    const start = job.steps.find((s: any) => s.id === 'start');
    expect(start.run).toContain('aws fis start-experiment --experiment-template-id "$TEMPLATE_ID"');
    expect(start.env.TEMPLATE_ID).toBe('${{ steps.find.outputs.template }}');
    const stop = job.steps.find((s: any) => String(s.run ?? '').includes('stop-experiment'));
    expect(stop.if).toContain('cancelled()');
    const gate = job.steps.find((s: any) => s.uses === 'mesh-actions/mesh-actions/slo-gate@v1');
    expect(gate.with).toMatchObject({ preset: 'alb', window: '${{ steps.start.outputs.started-at }}' });
    expect(gate.with.slo).toContain('p95 < 200ms');
  });
});

describe('feature flags: AppConfig for the Strangler Fig switch', () => {
  const t = loadTemplate('flags');

  test('a feature-flag profile with vc-start\'s Strangler Fig flag (verification-start-saga), off until a team turns it on', () => {
    expect(props(t.Resources.FlagsProfile)).toMatchObject({ LocationUri: 'hosted', Type: 'AWS.AppConfig.FeatureFlags' });
    const v = props(t.Resources.InitialFlags);
    expect(v.ContentType).toBe('application/json');
    const content = JSON.parse(v.Content);
    expect(content.version).toBe('1');
    expect(Object.keys(content.flags)).toEqual(['verification-start-saga']);
    expect(content.values['verification-start-saga']).toEqual({ enabled: false });
    expect(props(t.Resources.InitialDeployment)).toMatchObject({ ConfigurationVersion: ref('InitialFlags'), DeploymentStrategyId: ref('LinearWithBake'), EnvironmentId: ref('RegionEnvironment') });
  });

  test('flag changes roll out linearly with a bake, and roll back on any service\'s SLO alarm', () => {
    expect(props(t.Resources.LinearWithBake)).toMatchObject({ GrowthType: 'LINEAR', GrowthFactor: ref('GrowthPercent'), FinalBakeTimeInMinutes: ref('BakeMinutes'), ReplicateTo: 'NONE' });
    const monitors = props(t.Resources.RegionEnvironment).Monitors;
    expect(monitors.map((m: any) => m.AlarmArn['Fn::Sub'].split(':alarm:')[1])).toEqual(['mesh-${Environment}-auth-slo', 'mesh-${Environment}-persona-slo', 'mesh-${Environment}-vc-start-slo']);
    expect(props(t.Resources.AlarmReaderRole).PermissionsBoundary).toEqual(ref('PermissionsBoundaryArn'));
    expect(stackRegions(t)).toEqual([...REGIONS]);
  });
});

describe('multi-region cost: budgets per region, one anomaly monitor per environment', () => {
  const t = loadTemplate('cost');

  test('every budget is named after its region and filtered to it and to the environment\'s tag', () => {
    expect(stackRegions(t)).toEqual([...REGIONS]);
    const budgets = resourcesOfType(t, 'AWS::Budgets::Budget');
    expect(budgets.length).toBeGreaterThan(0);
    for (const [id, b] of budgets) {
      const budget = props(b).Budget;
      expect(budget.BudgetName['Fn::Sub'], id).toMatch(/^mesh-\$\{Environment\}-\$\{AWS::Region\}-/);
      expect(budget.CostFilters.Region, id).toEqual([ref('AWS::Region')]);
      expect(budget.CostFilters.TagKeyValue, id).toEqual([{ 'Fn::Sub': 'user:Environment$${Environment}' }]);
    }
  });

  test('the anomaly monitor (account-wide, no region filter exists) is made once per environment, in the primary region', () => {
    expect(props(t.Resources.AnomalyMonitor)).toMatchObject({ MonitorType: 'CUSTOM', MonitorName: { 'Fn::Sub': 'mesh-${Environment}' } });
    expect(JSON.parse(props(t.Resources.AnomalyMonitor).MonitorSpecification['Fn::Sub'].replace('${Environment}', 'staging'))).toEqual({ Tags: { Key: 'Environment', Values: ['staging'], MatchOptions: ['EQUALS'] } });
    for (const env of ENVIRONMENTS) {
      const withMonitor = REGIONS.filter((region) => deployed('cost', env, region).Resources.AnomalyMonitor);
      expect(withMonitor, env).toEqual([REGIONS[0]]);
      expect(props(deployed('cost', env, REGIONS[0]).Resources.AnomalySubscription).MonitorArnList).toEqual([ref('AnomalyMonitor')]);
    }
  });
});

describe('cross-account: workload accounts pull from the tooling account\'s registry, and only pull', () => {
  const t = loadTemplate('registry');

  test('no workload accounts: no repository policy (this account only)', () => {
    for (const [id, repo] of resourcesOfType(instantiate(t, { RepositoryPrefix: 'mesh' }), 'AWS::ECR::Repository')) expect(props(repo).RepositoryPolicyText, id).toBeUndefined();
  });

  test('with workload accounts: every repository lets exactly those accounts pull, no other action', () => {
    const d = instantiate(t, { RepositoryPrefix: 'mesh', WorkloadAccountIds: '111111111111,222222222222' });
    const repos = resourcesOfType(d, 'AWS::ECR::Repository');
    expect(repos).toHaveLength(3);
    for (const [id, repo] of repos) {
      expect(props(repo).RepositoryPolicyText.Statement, id).toEqual([{
        Sid: 'PullFromWorkloadAccounts',
        Effect: 'Allow',
        Principal: { AWS: ['111111111111', '222222222222'] },
        Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'],
      }]);
    }
  });
});
