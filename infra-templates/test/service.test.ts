/**
 * templates/service.yaml, from the template and from the template as each parameter file deploys
 * it: the task definition, roles, autoscaling and the deployment shapes canary-ramp drives, per
 * parameter file.
 */
import { describe, expect, test } from 'vitest';
import { type Template } from '../lib/parse.js';
import { loadParameterFile, loadTemplate, parameterFiles } from '../lib/files.js';
import { instantiate } from '../lib/evaluate.js';
import { props, ref, ofType, envRegions, SERVICE_NAMES } from './helpers.js';

describe('service', () => {
  const t = loadTemplate('service');
  const base = { ServiceName: 'auth', ImageUri: '111111111111.dkr.ecr.eu-central-1.amazonaws.com/mesh/auth@sha256:' + '0'.repeat(64) };
  const containers = (tpl: Template) => props(tpl.Resources.TaskDefinition).ContainerDefinitions as Record<string, any>[];

  test('app + ADOT collector; Envoy (256 CPU units, 256 MiB) only under App Mesh', () => {
    expect(containers(instantiate(t, base)).map((c) => c.Name)).toEqual(['app', 'otel-collector']);
    const mesh = instantiate(t, { ...base, MeshMode: 'AppMesh', DeploymentShape: 'MeshRamp' });
    const envoy = containers(mesh).find((c) => c.Name === 'envoy')!;
    expect(envoy).toMatchObject({ Cpu: 256, Memory: 256, User: '1337', Essential: true });
    expect(props(mesh.Resources.TaskDefinition).ProxyConfiguration.Type).toBe('APPMESH');
    expect(containers(mesh).find((c) => c.Name === 'app')!.DependsOn).toContainEqual({ ContainerName: 'envoy', Condition: 'HEALTHY' });
  });

  test('separate execution and task roles; secrets injected from Secrets Manager and SSM', () => {
    const td = props(t.Resources.TaskDefinition);
    expect(td.ExecutionRoleArn).toEqual({ 'Fn::GetAtt': ['ExecutionRole', 'Arn'] });
    expect(td.TaskRoleArn).toEqual({ 'Fn::GetAtt': ['TaskRole', 'Arn'] });
    const app = containers(instantiate(t, { ...base, AppSecretName: 'mesh/staging/auth/jwt-signing-key', ConfigParameterPath: '/mesh/auth' })).find((c) => c.Name === 'app')!;
    expect(app.Secrets.map((s: any) => s.Name)).toEqual(['APP_SECRET', 'APP_CONFIG']);
    expect(app.Secrets[0].ValueFrom).toBe('mesh/staging/auth/jwt-signing-key');
    expect(app.Secrets[1].ValueFrom['Fn::Sub']).toMatch(/:ssm:.*parameter\$\{ConfigParameterPath\}\/config$/);
    expect(app.Environment.some((e: any) => /SECRET|PASSWORD|TOKEN/i.test(e.Name))).toBe(false);
  });

  test('every container logs to one group with retention: the observability stack\'s for the service, else its own', () => {
    // Every optional container present (Envoy, the fault-injection agent): cdk-nag cannot see into them (nag/service.yaml).
    const all = { ...base, MeshMode: 'AppMesh', DeploymentShape: 'MeshRamp', FaultInjection: 'true' };
    const own = instantiate(t, all);
    expect(containers(own).map((c) => c.Name)).toEqual(['app', 'otel-collector', 'envoy', 'fault-injection-agent']);
    for (const c of containers(own)) expect(c.LogConfiguration).toMatchObject({ LogDriver: 'awslogs', Options: { 'awslogs-group': ref('LogGroup') } });
    expect(props(own.Resources.LogGroup).RetentionInDays).toBe(30);
    const shared = instantiate(t, { ...all, ObservabilityStack: 'staging-observability' });
    expect(shared.Resources.LogGroup).toBeUndefined();
    const groups = containers(shared).map((c) => c.LogConfiguration.Options['awslogs-group']['Fn::ImportValue']['Fn::Sub']);
    expect(groups).toEqual(containers(shared).map(() => ['${ObservabilityStack}-${Svc}LogGroupName', { Svc: 'Auth' }]));
    const serviceConnectLogs = props(instantiate(t, { ...base, ObservabilityStack: 'x' }).Resources.Service).ServiceConnectConfiguration.LogConfiguration;
    expect(serviceConnectLogs.Options['awslogs-group']['Fn::ImportValue']).toBeDefined();
  });

  test('database through RDS Proxy with IAM authentication when a data stack is named', () => {
    const withDb = instantiate(t, { ...base, DataStack: 'staging-data' });
    const env = containers(withDb).find((c) => c.Name === 'app')!.Environment.map((e: any) => e.Name);
    expect(env).toEqual(expect.arrayContaining(['PGHOST', 'PGPORT', 'PGUSER', 'PGSSLMODE']));
    const statements = props(withDb.Resources.TaskRole).Policies[0].PolicyDocument.Statement;
    expect(statements.find((x: any) => x.Sid === 'ConnectToDatabase').Action).toBe('rds-db:connect');
    expect(props(instantiate(t, base).Resources.TaskRole).Policies[0].PolicyDocument.Statement.some((x: any) => x.Sid === 'ConnectToDatabase')).toBe(false);
  });

  test.each([
    ['EcsCanary', 'CANARY'],
    ['EcsLinear', 'LINEAR'],
  ])('%s: ECS native %s with a PAUSE hook before each production shift, two target groups and the listener rule', (shape, strategy) => {
    const service = props(instantiate(t, { ...base, DeploymentShape: shape }).Resources.Service);
    expect(service.DeploymentConfiguration.Strategy).toBe(strategy);
    expect(service.DeploymentConfiguration.LifecycleHooks).toEqual([
      { TargetType: 'PAUSE', LifecycleStages: ['PRE_PRODUCTION_TRAFFIC_SHIFT'], TimeoutConfiguration: { TimeoutInMinutes: 360, Action: 'ROLLBACK' } },
    ]);
    const lb = service.LoadBalancers[0];
    expect(lb.AdvancedConfiguration.AlternateTargetGroupArn['Fn::ImportValue']['Fn::Sub'][0]).toBe('${EdgeStack}-${Svc}CanaryTargetGroupArn');
    expect(lb.AdvancedConfiguration.ProductionListenerRule['Fn::ImportValue']['Fn::Sub'][0]).toBe('${EdgeStack}-${Svc}RuleArn');
    expect(service.DeploymentConfiguration.DeploymentCircuitBreaker).toBeUndefined();
  });

  test('ECS native shapes stay under the 33 hours CloudFormation allows a canary or linear deployment', () => {
    const max = (name: string) => Number(t.Parameters![name].MaxValue);
    expect(max('BakeMinutes') + max('CanaryBakeMinutes')).toBeLessThan(33 * 60);
    const steps = Math.ceil(100 / Number(t.Parameters!.LinearStepPercent.MinValue));
    expect(max('BakeMinutes') + steps * max('LinearStepBakeMinutes')).toBeLessThan(33 * 60);
  });

  test('AlbRamp and MeshRamp: a rolling service per track, on its own target group, no hook', () => {
    for (const shape of ['AlbRamp', 'MeshRamp']) {
      const service = props(instantiate(t, { ...base, DeploymentShape: shape, Track: 'canary', MeshMode: shape === 'MeshRamp' ? 'AppMesh' : 'ServiceConnect' }).Resources.Service);
      expect(service.DeploymentConfiguration.Strategy).toBe('ROLLING');
      expect(service.DeploymentConfiguration.LifecycleHooks).toBeUndefined();
      expect(service.LoadBalancers[0].AdvancedConfiguration).toBeUndefined();
      expect(service.ServiceName).toEqual({ 'Fn::Sub': '${ServiceName}-${Track}' });
      expect(service.DeploymentConfiguration.DeploymentCircuitBreaker).toEqual({ Enable: true, Rollback: true });
    }
  });

  test('rollback alarms only when named', () => {
    expect(props(instantiate(t, base).Resources.Service).DeploymentConfiguration.Alarms).toBeUndefined();
    const alarms = props(instantiate(t, { ...base, RollbackAlarmNames: 'p95,errors' }).Resources.Service).DeploymentConfiguration.Alarms;
    expect(alarms).toEqual({ AlarmNames: ['p95', 'errors'], Enable: true, Rollback: true });
  });

  test('autoscaling on CPU, memory, ALB RequestCountPerTarget and SQS backlog per task', () => {
    const withQueue = instantiate(t, { ...base, QueueArn: 'arn:aws:sqs:eu-central-1:111111111111:q' });
    const policies = ofType(withQueue, 'AWS::ApplicationAutoScaling::ScalingPolicy').map((p) => p.TargetTrackingScalingPolicyConfiguration);
    expect(policies.map((p) => p.PredefinedMetricSpecification?.PredefinedMetricType ?? 'custom')).toEqual([
      'ECSServiceAverageCPUUtilization', 'ECSServiceAverageMemoryUtilization', 'ALBRequestCountPerTarget', 'custom',
    ]);
    const backlog = policies[3].CustomizedMetricSpecification.Metrics;
    expect(backlog.map((m: any) => m.MetricStat?.Metric.MetricName ?? m.Expression)).toEqual([
      'ApproximateNumberOfMessagesVisible', 'RunningTaskCount', 'IF(tasks > 0, backlog / tasks, backlog)',
    ]);
    expect(instantiate(t, base).Resources.BacklogScaling).toBeUndefined();
  });

  test('parameter files: every service runs in every env/region, images pinned by digest, vc-start scales on its queue', () => {
    for (const { env, region } of envRegions) {
      const files = parameterFiles(env, region, 'service').map((f) => loadParameterFile(f));
      expect(files.map((p) => p.ServiceName).sort()).toEqual([...SERVICE_NAMES]);
      for (const p of files) expect(String(p.ImageUri)).toMatch(/@sha256:[0-9a-f]{64}$/);
      expect(files.find((p) => p.ServiceName === 'vc-start')!.QueueArn).toMatch(/^arn:aws:sqs:/);
    }
  });
});
