/**
 * templates/observability.yaml, from the template and from the template as each parameter file
 * deploys it: SLO alarms (p95 > 200 ms, 5xx > 1 %) usable as deploy-stack rollback-alarms, their
 * metric math evaluated, dashboards, log groups.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import YAML from 'yaml';
import { repoRoot } from '../../test/support/harness.js';
import { loadTemplate } from '../lib/files.js';
import { type Json, list, resource, parameterSets, effective, byDefault, SERVICE_IDS, SERVICE_NAMES } from './helpers.js';

const TRACKS = ['Stable', 'Canary'] as const;

describe('observability: SLO alarms usable as rollback-alarms', () => {
  const t = loadTemplate('observability');
  const importsOf = (dims: Json) =>
    list(dims as { Name: string; Value: { 'Fn::ImportValue': { 'Fn::Sub': string } } }[]).map((d) => [d.Name, d.Value['Fn::ImportValue']['Fn::Sub']]);

  test.each(SERVICE_IDS.flatMap((s) => TRACKS.map((k) => [s, k])))('%s %s: p95 of ALB TargetResponseTime > 200 ms', (svc, track) => {
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

  test.each(SERVICE_IDS.flatMap((s) => TRACKS.map((k) => [s, k])))('%s %s: target 5xx > 1 percent of requests', (svc, track) => {
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
    for (const svc of SERVICE_IDS) {
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
    expect(published).toEqual(SERVICE_IDS.map((s) => ({ 'Fn::GetAtt': [`${s}RollbackAlarm`, 'Arn'] })));
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
    for (const svc of SERVICE_IDS) {
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
    expect(red.widgets).toHaveLength(SERVICE_IDS.length * 3);
    const titles = red.widgets.map((w) => w.properties.title);
    for (const svc of SERVICE_NAMES) {
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
