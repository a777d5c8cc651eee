/**
 * templates/chaos.yaml, from the template and from the template as each parameter file deploys it:
 * AWS FIS experiments stopped by the service's SLO alarm, their agreement with the service stacks'
 * fault-injection readiness, and the chaos workflow.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import YAML from 'yaml';
import { repoRoot } from '../../test/support/harness.js';
import { type Resource } from '../lib/parse.js';
import { REGIONS, loadParameterFile, loadTemplate, parameterFiles } from '../lib/files.js';
import { instantiate } from '../lib/evaluate.js';
import { props, ref, deployments, SERVICE_IDS, SERVICE_NAMES } from './helpers.js';

describe('chaos: FIS experiments stopped by the service\'s SLO alarm, and the workflow that runs them', () => {
  const t = loadTemplate('chaos');
  const SERVICES = SERVICE_IDS.map((id, i) => [id, SERVICE_NAMES[i]] as const);
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
    // Only where the deploy role may start experiments (staging) must the tasks be ready; prod's are not.
    const chaosEnvs = new Set(deployments('security').filter((d) => Boolean(d.t.Resources.ChaosPolicy)).map((d) => d.env));
    for (const { env, region, values: chaos, t: experiments } of deployments('chaos')) {
      const mayRun = chaosEnvs.has(env);
      expect(mayRun, env).toBe(env === 'staging');
      const serviceFiles = parameterFiles(env, region, 'service').map(loadParameterFile);
      for (const [S, s] of SERVICES) {
        const files = serviceFiles.filter((v) => v.ServiceName === s && (v.Track ?? defaults('Track')) === 'stable');
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
    // …and when the wait gave up on it (failed before it saw the experiment end).
    expect(stop.if).toContain('failure()');
    expect(stop.if).toContain("steps.wait.outputs.status == ''");
    const gate = job.steps.find((s: any) => s.uses === 'mesh-actions/mesh-actions/slo-gate@v1');
    expect(gate.with).toMatchObject({ preset: 'alb', window: '${{ steps.start.outputs.started-at }}' });
    expect(gate.with.slo).toContain('p95 < 200ms');
  });
});
