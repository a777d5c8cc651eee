/**
 * templates/global.yaml, from the template and from the template as each parameter file deploys it:
 * one CloudFront distribution, its origin name failing over between the regional ALBs, each
 * region's health (HTTPS check and the health stack's alarms).
 */
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ENVIRONMENTS, REGIONS, loadParameterFile, loadTemplate, parametersDir, stackRegions } from '../lib/files.js';
import { resourcesOfType } from '../lib/policies.js';
import { resource, parameterSets, effective, byDefault } from './helpers.js';

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
