/**
 * Regional failover, exercised on moto: each region's health alarms (templates/health.yaml) made in
 * that region, the global stack (templates/global.yaml) deployed through CloudFormation with the
 * staging parameter file, then the alarms flipped with SetAlarmState and the answer for the origin
 * name checked after each flip.
 *
 * moto answers no DNS query (5.2.1 has no TestDNSAnswer) and judges no health check (they are
 * always healthy there). So the answer is COMPUTED: the record sets and health checks are read back
 * from moto (ListResourceRecordSets, GetHealthCheck over Route 53's REST API, as the project carries
 * no Route 53 SDK client), the alarm states from moto's CloudWatch (DescribeAlarms), and
 * lib/failover.ts applies Route 53's documented failover and health-check rules to them. What this
 * proves is the wiring (records → calculated checks → alarm checks → the alarms that exist in each
 * region) and the documented semantics over it, not Route 53's resolvers.
 *
 * moto skips AWS::CloudWatch::Alarm in templates, so the health stack's alarms are made with
 * PutMetricAlarm from the template's own properties (parameter file values, stand-in edge exports).
 */
import { CloudFormationClient, CreateStackCommand, DescribeStacksCommand, waitUntilStackCreateComplete } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, DescribeAlarmsCommand, PutMetricAlarmCommand, SetAlarmStateCommand, type PutMetricAlarmCommandInput } from '@aws-sdk/client-cloudwatch';
import { readFileSync } from 'node:fs';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, test } from 'vitest';
import { awsClient } from '../../common/aws.js';
import { useMoto } from '../../test/support/use-moto.js';
import { evaluateHealth, failoverAnswer, type AlarmState, type HealthCheckConfig, type RecordSet } from '../lib/failover.js';
import { loadParameterFile, loadTemplate, parameterFilePath, templatePath } from '../lib/files.js';
import { instantiate } from '../lib/evaluate.js';
import { substitute } from '../lib/imports.js';
import { motoGet, SERVICE_IDS } from './helpers.js';

const ENV = 'staging';
const PRIMARY = 'eu-central-1';
const SECONDARY = 'eu-west-1';
const ORIGIN = 'origin.api.staging.mesh.example.com';
const moto = useMoto(PRIMARY, { route53HealthChecks: true });

/** What the edge stack of a region would export (moto cannot build the edge stack: CloudFront, ACM). */
const edgeExports = (region: string): Record<string, string> => ({
  [`${ENV}-edge-LoadBalancerFullName`]: `app/${ENV}-edge/${region === PRIMARY ? '1111111111' : '2222222222'}`,
  ...Object.fromEntries(SERVICE_IDS.map((s) => [`${ENV}-edge-${s}StableTargetGroupFullName`, `targetgroup/${ENV}-${s.toLowerCase()}-stable/0123456789abcdef`])),
});

/** A template value with Fn::Sub and Fn::ImportValue resolved (instantiate has done Refs and conditions). */
function resolveValue(node: unknown, vars: Record<string, unknown>, exports: Record<string, string>): unknown {
  if (Array.isArray(node)) return node.map((n) => resolveValue(n, vars, exports));
  if (!node || typeof node !== 'object') return node;
  const [[fn, arg], ...rest] = Object.entries(node);
  if (!rest.length && fn === 'Fn::Sub' && typeof arg === 'string') {
    const text = substitute(arg, vars);
    if (text === null) throw new Error(`Fn::Sub ${arg}: names something not a parameter or pseudo parameter`);
    return text;
  }
  if (!rest.length && fn === 'Fn::ImportValue') {
    const name = String(resolveValue(arg, vars, exports));
    if (!(name in exports)) throw new Error(`no stand-in export ${name}`);
    return exports[name];
  }
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, resolveValue(v, vars, exports)]));
}

/** The health stack's alarms in one region, made with PutMetricAlarm; their names. */
async function createHealthAlarms(region: string): Promise<string[]> {
  const values = loadParameterFile(parameterFilePath(ENV, region, 'health'));
  // The SSM-typed parameter resolves to the topic ARN at deploy time.
  const given = { ...values, AlertsTopicArn: `arn:aws:sns:${region}:123456789012:mesh-${ENV}-alerts` };
  const deployed = instantiate(loadTemplate('health'), given);
  const vars = { ...given, 'AWS::Region': region, 'AWS::AccountId': '123456789012', 'AWS::Partition': 'aws' };
  const cw = awsClient(CloudWatchClient, { region });
  const names: string[] = [];
  for (const r of Object.values(deployed.Resources).filter((x) => x.Type === 'AWS::CloudWatch::Alarm')) {
    const p = resolveValue(r.Properties, vars, edgeExports(region)) as Record<string, unknown>;
    const numbers = Object.fromEntries(['Period', 'EvaluationPeriods', 'DatapointsToAlarm', 'Threshold'].map((k) => [k, Number(p[k])]));
    await cw.send(new PutMetricAlarmCommand({ ...(p as unknown as PutMetricAlarmCommandInput), ...numbers }));
    names.push(String(p.AlarmName));
  }
  return names.sort();
}

/** Route 53's REST API on moto (GET only), parsed from XML. */
async function route53(path: string): Promise<Record<string, any>> {
  // Route 53 is global: its credential scope names us-east-1.
  const res = await motoGet(moto.current.endpoint, `/2013-04-01${path}`, 'route53', 'us-east-1');
  const body = await res.text();
  if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${body.slice(0, 300)}`);
  const lists = new Set(['ResourceRecordSet', 'ChildHealthCheck', 'ResourceRecord']);
  return new XMLParser({ ignoreAttributes: true, parseTagValue: false, isArray: (name) => lists.has(name) }).parse(body) as Record<string, any>;
}

async function listRecordSets(zoneId: string): Promise<RecordSet[]> {
  const out = await route53(`/hostedzone/${zoneId.replace(/^\/hostedzone\//, '')}/rrset`);
  return (out.ListResourceRecordSetsResponse.ResourceRecordSets.ResourceRecordSet as Record<string, any>[]).map((r) => ({
    Name: r.Name,
    Type: r.Type,
    SetIdentifier: r.SetIdentifier,
    Failover: r.Failover,
    HealthCheckId: r.HealthCheckId,
    AliasTarget: r.AliasTarget && { DNSName: r.AliasTarget.DNSName, HostedZoneId: r.AliasTarget.HostedZoneId, EvaluateTargetHealth: r.AliasTarget.EvaluateTargetHealth === 'true' },
  }));
}

/** A health check and, for a calculated one, its children: the whole tree under `id`. */
async function getHealthChecks(id: string, into: Record<string, HealthCheckConfig> = {}): Promise<Record<string, HealthCheckConfig>> {
  if (id in into) return into;
  const c = (await route53(`/healthcheck/${id}`)).GetHealthCheckResponse.HealthCheck.HealthCheckConfig;
  into[id] = {
    Type: c.Type,
    AlarmIdentifier: c.AlarmIdentifier,
    InsufficientDataHealthStatus: c.InsufficientDataHealthStatus,
    ChildHealthChecks: c.ChildHealthChecks?.ChildHealthCheck,
    HealthThreshold: c.HealthThreshold === undefined ? undefined : Number(c.HealthThreshold),
    Inverted: c.Inverted === 'true',
    Disabled: c.Disabled === 'true',
  };
  for (const child of into[id].ChildHealthChecks ?? []) await getHealthChecks(child, into);
  return into;
}

async function alarmStates(): Promise<Map<string, AlarmState>> {
  const states = new Map<string, AlarmState>();
  for (const region of [PRIMARY, SECONDARY]) {
    const alarms = (await awsClient(CloudWatchClient, { region }).send(new DescribeAlarmsCommand({ AlarmNamePrefix: `mesh-${ENV}-region-` }))).MetricAlarms ?? [];
    for (const a of alarms) states.set(`${region}|${a.AlarmName}`, a.StateValue as AlarmState);
  }
  return states;
}

async function setAlarm(region: string, name: string, state: AlarmState): Promise<void> {
  await awsClient(CloudWatchClient, { region }).send(new SetAlarmStateCommand({ AlarmName: name, StateValue: state, StateReason: `failover test: ${state}` }));
}

async function deployGlobal(): Promise<string> {
  const cfn = awsClient(CloudFormationClient, { region: PRIMARY });
  const zoneStack = { Resources: { Zone: { Type: 'AWS::Route53::HostedZone', Properties: { Name: 'example.com' } } }, Outputs: { ZoneId: { Value: { Ref: 'Zone' } } } };
  await cfn.send(new CreateStackCommand({ StackName: 'test-zone', TemplateBody: JSON.stringify(zoneStack) }));
  await waitUntilStackCreateComplete({ client: cfn, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { StackName: 'test-zone' });
  const zoneId = (await cfn.send(new DescribeStacksCommand({ StackName: 'test-zone' }))).Stacks![0].Outputs![0].OutputValue!;
  const values = { ...loadParameterFile(parameterFilePath(ENV, PRIMARY, 'global')), HostedZoneId: zoneId };
  await cfn.send(new CreateStackCommand({
    StackName: `${ENV}-global`,
    TemplateBody: readFileSync(templatePath('global'), 'utf8'),
    Parameters: Object.entries(values).map(([ParameterKey, v]) => ({ ParameterKey, ParameterValue: String(v) })),
  }));
  await waitUntilStackCreateComplete({ client: cfn, maxWaitTime: 120, minDelay: 1, maxDelay: 2 }, { StackName: `${ENV}-global` });
  return zoneId;
}

describe('failover: regional health alarms drive the origin name between the regions (on moto; the answer computed)', () => {
  test('the answer flips primary → secondary → primary as the primary region\'s alarms flip, and stays on the primary when both regions are down', async () => {
    const alarmNames: Record<string, string[]> = { [PRIMARY]: await createHealthAlarms(PRIMARY), [SECONDARY]: await createHealthAlarms(SECONDARY) };
    expect(alarmNames[PRIMARY]).toEqual(['auth-healthy-hosts', 'elb-5xx', 'persona-healthy-hosts', 'target-5xx', 'vc-start-healthy-hosts'].map((n) => `mesh-${ENV}-region-${n}`));
    const zoneId = await deployGlobal();

    const records = await listRecordSets(zoneId);
    const origin = records.filter((r) => r.Name.replace(/\.$/, '') === ORIGIN);
    expect(origin.map((r) => [r.Failover, r.SetIdentifier, r.AliasTarget?.DNSName]).sort()).toEqual([
      ['PRIMARY', `${PRIMARY}-primary`, 'staging-edge-1111111111.eu-central-1.elb.amazonaws.com'],
      ['SECONDARY', `${SECONDARY}-secondary`, 'staging-edge-2222222222.eu-west-1.elb.amazonaws.com'],
    ]);
    const checks: Record<string, HealthCheckConfig> = {};
    for (const r of origin) await getHealthChecks(r.HealthCheckId!, checks);

    // Read back from moto: each record follows a calculated check needing all six children: the
    // region's HTTPS check and one CLOUDWATCH_METRIC check per alarm that region's health stack made.
    for (const r of origin) {
      const region = r.Failover === 'PRIMARY' ? PRIMARY : SECONDARY;
      const top = checks[r.HealthCheckId!];
      expect(top, r.SetIdentifier).toMatchObject({ Type: 'CALCULATED', HealthThreshold: 6 });
      const children = top.ChildHealthChecks!.map((id) => checks[id]);
      expect(children.map((c) => c.Type).sort()).toEqual(['CLOUDWATCH_METRIC', 'CLOUDWATCH_METRIC', 'CLOUDWATCH_METRIC', 'CLOUDWATCH_METRIC', 'CLOUDWATCH_METRIC', 'HTTPS']);
      const alarmChecks = children.filter((c) => c.Type === 'CLOUDWATCH_METRIC');
      expect(alarmChecks.map((c) => c.AlarmIdentifier!.Name).sort(), region).toEqual(alarmNames[region]);
      for (const c of alarmChecks) expect(c, region).toMatchObject({ AlarmIdentifier: { Region: region }, InsufficientDataHealthStatus: 'LastKnownStatus' });
    }

    // moto's checkers observe nothing: both ALBs answer their HTTPS check throughout.
    const endpoints = Object.fromEntries(Object.entries(checks).filter(([, c]) => c.Type === 'HTTPS').map(([id]) => [id, true]));
    let previous: Record<string, boolean> | undefined;
    const answer = async (): Promise<string> => {
      const states = await alarmStates();
      const health = evaluateHealth({ checks, endpoints, previous, alarmState: (region, name) => states.get(`${region}|${name}`) });
      previous = health;
      return failoverAnswer(records, ORIGIN, 'A', health).AliasTarget!.DNSName;
    };
    const primaryAlb = 'staging-edge-1111111111.eu-central-1.elb.amazonaws.com';
    const secondaryAlb = 'staging-edge-2222222222.eu-west-1.elb.amazonaws.com';

    for (const region of [PRIMARY, SECONDARY]) for (const name of alarmNames[region]) await setAlarm(region, name, 'OK');
    expect(await answer()).toBe(primaryAlb);

    // The primary region's ALB answers 5xx itself: its region is unhealthy, the secondary answers.
    await setAlarm(PRIMARY, `mesh-${ENV}-region-elb-5xx`, 'ALARM');
    expect(await answer()).toBe(secondaryAlb);
    // Its metric stops (INSUFFICIENT_DATA): the last known status holds, no flap back.
    await setAlarm(PRIMARY, `mesh-${ENV}-region-elb-5xx`, 'INSUFFICIENT_DATA');
    expect(await answer()).toBe(secondaryAlb);
    await setAlarm(PRIMARY, `mesh-${ENV}-region-elb-5xx`, 'OK');
    expect(await answer()).toBe(primaryAlb);

    // One service without healthy tasks is enough to leave the region.
    await setAlarm(PRIMARY, `mesh-${ENV}-region-vc-start-healthy-hosts`, 'ALARM');
    expect(await answer()).toBe(secondaryAlb);
    // Both regions unhealthy: Route 53 answers with the primary.
    await setAlarm(SECONDARY, `mesh-${ENV}-region-target-5xx`, 'ALARM');
    expect(await answer()).toBe(primaryAlb);
    // The primary recovers while the secondary is still down: the primary, as it is healthy.
    await setAlarm(PRIMARY, `mesh-${ENV}-region-vc-start-healthy-hosts`, 'OK');
    expect(await answer()).toBe(primaryAlb);
  }, 180_000);
});

describe('failover: the documented rules, on their own', () => {
  const alarm = (name: string, when?: HealthCheckConfig['InsufficientDataHealthStatus']): HealthCheckConfig => ({ Type: 'CLOUDWATCH_METRIC', AlarmIdentifier: { Name: name, Region: PRIMARY }, InsufficientDataHealthStatus: when });
  const record = (failover: 'PRIMARY' | 'SECONDARY', check?: string): RecordSet => ({ Name: `${ORIGIN}.`, Type: 'A', SetIdentifier: failover, Failover: failover, HealthCheckId: check });

  test('CLOUDWATCH_METRIC: OK healthy, ALARM unhealthy; INSUFFICIENT_DATA as InsufficientDataHealthStatus says, the last status healthy when there was none', () => {
    const checks = { ok: alarm('a'), bad: alarm('b'), h: alarm('c', 'Healthy'), u: alarm('c', 'Unhealthy'), last: alarm('c', 'LastKnownStatus') };
    const states: Record<string, AlarmState> = { a: 'OK', b: 'ALARM', c: 'INSUFFICIENT_DATA' };
    const run = (previous?: Record<string, boolean>) => evaluateHealth({ checks, endpoints: {}, previous, alarmState: (_, n) => states[n] });
    expect(run()).toEqual({ ok: true, bad: false, h: true, u: false, last: true });
    expect(run({ last: false }).last).toBe(false);
  });

  test('CALCULATED counts healthy children against HealthThreshold; Inverted flips, Disabled is healthy', () => {
    const checks: Record<string, HealthCheckConfig> = {
      up: { Type: 'HTTPS' }, down: { Type: 'HTTPS' },
      two: { Type: 'CALCULATED', ChildHealthChecks: ['up', 'down'], HealthThreshold: 2 },
      one: { Type: 'CALCULATED', ChildHealthChecks: ['up', 'down'], HealthThreshold: 1 },
      inverted: { Type: 'HTTPS', Inverted: true }, disabled: { Type: 'HTTPS', Disabled: true },
    };
    expect(evaluateHealth({ checks, endpoints: { up: true, down: false, inverted: true, disabled: false }, alarmState: () => undefined }))
      .toEqual({ up: true, down: false, two: false, one: true, inverted: false, disabled: true });
  });

  test('bad wiring is an error, never a status: a missing alarm, an unknown child, an endpoint nobody observed', () => {
    expect(() => evaluateHealth({ checks: { x: alarm('gone') }, endpoints: {}, alarmState: () => undefined })).toThrow(/gone in eu-central-1, which does not exist/);
    expect(() => evaluateHealth({ checks: { c: { Type: 'CALCULATED', ChildHealthChecks: ['nope'] } }, endpoints: {}, alarmState: () => 'OK' })).toThrow(/nope is not among/);
    expect(() => evaluateHealth({ checks: { e: { Type: 'HTTPS' } }, endpoints: {}, alarmState: () => 'OK' })).toThrow(/say what the checkers observe/);
  });

  test('failover: primary while healthy, secondary while only it is healthy, primary when both are down; a record without a check is healthy', () => {
    const records = [record('PRIMARY', 'p'), record('SECONDARY', 's')];
    const answer = (p: boolean, s: boolean) => failoverAnswer(records, ORIGIN, 'A', { p, s }).Failover;
    expect([answer(true, true), answer(true, false), answer(false, true), answer(false, false)]).toEqual(['PRIMARY', 'PRIMARY', 'SECONDARY', 'PRIMARY']);
    expect(failoverAnswer([record('PRIMARY', 'p'), record('SECONDARY')], ORIGIN, 'A', { p: false }).Failover).toBe('SECONDARY');
    expect(() => failoverAnswer([record('PRIMARY', 'p')], ORIGIN, 'A', { p: true })).toThrow(/one PRIMARY and one SECONDARY/);
  });
});
