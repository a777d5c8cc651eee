/**
 * templates/quotas.yaml, from the template and from the template as each parameter file deploys it:
 * alarms on the service quotas a deployment can exhaust, in both regions.
 */
import { describe, expect, test } from 'vitest';
import { type Resource } from '../lib/parse.js';
import { ENVIRONMENTS, REGIONS, loadTemplate, stackRegions } from '../lib/files.js';
import { resourcesOfType } from '../lib/policies.js';
import { props, ref, deployed, deployments } from './helpers.js';

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
