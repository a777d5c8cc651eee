/**
 * templates/health.yaml, from the template and from the template as each parameter file deploys
 * it: the regional health alarms the global stack's Route 53 health checks follow - alarms Route 53
 * can read (one metric, a standard statistic, standard resolution), on this region's edge ALB and
 * stable target groups, named by the global stack's convention, in both regions.
 */
import { describe, expect, test } from 'vitest';
import { REGIONS, loadTemplate, stackRegions } from '../lib/files.js';
import { resourcesOfType } from '../lib/policies.js';
import { deployments, props, ref, SERVICE_IDS } from './helpers.js';

describe('health: the alarms a region fails over on', () => {
  const t = loadTemplate('health');
  const alarms = resourcesOfType(t, 'AWS::CloudWatch::Alarm');
  const edgeImport = (suffix: string) => ({ 'Fn::ImportValue': { 'Fn::Sub': `\${EdgeStack}-${suffix}` } });

  test('every alarm is one Route 53 can follow: a single standard-resolution metric, a standard statistic, no metric math or percentile', () => {
    expect(alarms).toHaveLength(5);
    for (const [id, r] of alarms) {
      const p = props(r);
      expect(p.Metrics, id).toBeUndefined();
      expect(p.ExtendedStatistic, id).toBeUndefined();
      expect(['Average', 'Minimum', 'Maximum', 'Sum', 'SampleCount'], id).toContain(p.Statistic);
      expect(p.Period, id).toBe(60);
      expect(p).toMatchObject({ Namespace: 'AWS/ApplicationELB', EvaluationPeriods: ref('EvaluationPeriods'), DatapointsToAlarm: ref('DatapointsToAlarm') });
      expect(p.AlarmName['Fn::Sub'], id).toMatch(/^mesh-\$\{Environment\}-region-[a-z0-9-]+$/);
      expect(p.AlarmActions, id).toEqual([ref('AlertsTopicArn')]);
      expect(p.OKActions, id).toEqual([ref('AlertsTopicArn')]);
    }
    expect(resourcesOfType(t, 'AWS::CloudWatch::CompositeAlarm')).toEqual([]);
  });

  test('5xx from the ALB itself and from the services (no traffic is no reason to leave); fewer healthy tasks than MinHealthyHosts in a stable target group (missing data is)', () => {
    const p = (id: string) => props(t.Resources[id]);
    expect(p('ElbErrorsAlarm')).toMatchObject({ MetricName: 'HTTPCode_ELB_5XX_Count', Statistic: 'Sum', ComparisonOperator: 'GreaterThanThreshold', Threshold: ref('ElbErrorsPerMinute'), TreatMissingData: 'notBreaching' });
    expect(p('TargetErrorsAlarm')).toMatchObject({ MetricName: 'HTTPCode_Target_5XX_Count', Statistic: 'Sum', ComparisonOperator: 'GreaterThanThreshold', Threshold: ref('TargetErrorsPerMinute'), TreatMissingData: 'notBreaching' });
    for (const id of ['ElbErrorsAlarm', 'TargetErrorsAlarm']) expect(p(id).Dimensions).toEqual([{ Name: 'LoadBalancer', Value: edgeImport('LoadBalancerFullName') }]);
    for (const svc of SERVICE_IDS) {
      expect(p(`${svc}HealthyHostsAlarm`)).toMatchObject({ MetricName: 'HealthyHostCount', Statistic: 'Minimum', ComparisonOperator: 'LessThanThreshold', Threshold: ref('MinHealthyHosts'), TreatMissingData: 'breaching' });
      // The stable group only: a bad canary is canary-ramp's to roll back, not a reason to leave the region.
      expect(p(`${svc}HealthyHostsAlarm`).Dimensions).toEqual([
        { Name: 'LoadBalancer', Value: edgeImport('LoadBalancerFullName') },
        { Name: 'TargetGroup', Value: edgeImport(`${svc}StableTargetGroupFullName`) },
      ]);
    }
  });

  test('deployed in both regions, each reading its own edge stack, with at most EvaluationPeriods breaching minutes to alarm', () => {
    expect(stackRegions(t)).toEqual([...REGIONS]);
    for (const { env, region, values } of deployments('health')) {
      expect(values.EdgeStack, `${env}/${region}`).toBe(`${env}-edge`);
      expect(values.AlertsTopicArn, `${env}/${region}`).toBe(`/mesh/${env}/events/alerts-topic-arn`);
      expect(Number(values.DatapointsToAlarm), `${env}/${region}`).toBeLessThanOrEqual(Number(values.EvaluationPeriods));
      expect(Number(values.MinHealthyHosts), `${env}/${region}`).toBeGreaterThanOrEqual(1);
    }
  });
});
