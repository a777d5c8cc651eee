/**
 * templates/edge.yaml, from the template and from the template as each parameter file deploys it:
 * the edge ALB (HTTPS, path rules, stable and canary target groups, CloudFront only) and the
 * Strangler Fig legacy path.
 */
import { describe, expect, test } from 'vitest';
import { ENVIRONMENTS, REGIONS, loadParameterFile, loadTemplate, parameterFilePath, parameterFiles } from '../lib/files.js';
import { resourcesOfType } from '../lib/policies.js';
import { instantiate } from '../lib/evaluate.js';
import { props, ref, ofType, deployed, envRegions } from './helpers.js';

/** What ELB accepts as a load balancer name: 1-32 alphanumerics and hyphens, no hyphen at either end. */
const ALB_NAME = /^(?!internal-)[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/;

describe('edge', () => {
  const t = loadTemplate('edge');

  test('HTTPS with ACM and a TLS 1.2+ policy; anything without a rule match is 403', () => {
    const [listener] = ofType(t, 'AWS::ElasticLoadBalancingV2::Listener');
    expect(listener).toMatchObject({ Port: 443, Protocol: 'HTTPS', Certificates: [{ CertificateArn: ref('CertificateArn') }] });
    expect(listener.SslPolicy).toMatch(/TLS13-1-2/);
    expect(listener.DefaultActions[0].FixedResponseConfig.StatusCode).toBe('403');
    expect(ofType(t, 'AWS::ElasticLoadBalancingV2::Listener')).toHaveLength(1); // no plain HTTP
  });

  test('path rules /api/auth/* and /api/persona/*, each only with the origin secret header, stable 100 / canary 0', () => {
    // The legacy path's rule (Strangler Fig) is checked below, in its own describe.
    const rules = ofType(t, 'AWS::ElasticLoadBalancingV2::ListenerRule').filter((r) => r.id !== 'RegionalHealthCheckRule' && r.id !== 'LegacyRule');
    expect(rules).toHaveLength(3);
    const paths = rules.map((r) => r.Conditions.find((c: any) => c.Field === 'path-pattern').PathPatternConfig.Values[0]);
    expect(paths).toEqual(expect.arrayContaining(['/api/auth/*', '/api/persona/*']));
    for (const r of rules) {
      expect(r.Conditions.find((c: any) => c.Field === 'http-header').HttpHeaderConfig.HttpHeaderName).toEqual(ref('OriginHeaderName'));
      expect(r.Actions[0].ForwardConfig.TargetGroups.map((g: any) => g.Weight)).toEqual([100, 0]);
    }
  });

  test('Route 53 health checks: the regional name answers the health path with a fixed 200 and nothing else', () => {
    const rule = t.Resources.RegionalHealthCheckRule;
    expect(rule.Condition).toBe('HasRegionalName');
    const p = props(rule);
    // Only the regional name (CloudFront sends Host: OriginHostName), only the health path, before every service rule.
    expect(p.Conditions).toEqual([
      { Field: 'host-header', HostHeaderConfig: { Values: [ref('RegionalOriginHostName')] } },
      { Field: 'path-pattern', PathPatternConfig: { Values: [ref('HealthCheckPath')] } },
    ]);
    expect(p.Actions).toEqual([{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '200', ContentType: 'text/plain', MessageBody: 'ok' } }]);
    const others = ofType(t, 'AWS::ElasticLoadBalancingV2::ListenerRule').filter((r) => r.id !== 'RegionalHealthCheckRule');
    for (const r of others) expect(r.Priority).toBeGreaterThan(p.Priority);
    expect(props(t.Resources.LoadBalancer).SecurityGroups).toEqual([
      { 'Fn::ImportValue': { 'Fn::Sub': '${NetworkStack}-AlbSecurityGroupId' } },
      { 'Fn::ImportValue': { 'Fn::Sub': '${NetworkStack}-AlbHealthCheckSecurityGroupId' } },
    ]);
    for (const { env, region } of envRegions) {
      const rendered = deployed('edge', env, region);
      expect(rendered.Resources.RegionalHealthCheckRule, `${env}/${region}`).toBeDefined();
    }
  });

  test('target groups: health checks (gRPC health for persona) and a deregistration delay tuned below the 300 s default', () => {
    // The service groups; the legacy path's (a Lambda group and its replacement's) are checked below.
    const groups = ofType(t, 'AWS::ElasticLoadBalancingV2::TargetGroup').filter((g) => !g.id.startsWith('Legacy'));
    expect(groups).toHaveLength(6);
    for (const g of groups) {
      const service = g.Tags.find((x: any) => x.Key === 'service').Value;
      if (service === 'persona') {
        expect(g.ProtocolVersion).toBe('GRPC');
        expect(g.HealthCheckPath).toBe('/grpc.health.v1.Health/Check');
        expect(g.Matcher).toEqual({ GrpcCode: '0' });
      } else {
        expect(g.HealthCheckPath).toBe('/ready');
        expect(g.Matcher).toEqual({ HttpCode: '200' });
      }
      expect(g.TargetGroupAttributes).toContainEqual({ Key: 'deregistration_delay.timeout_seconds', Value: ref('DeregistrationDelaySeconds') });
    }
    for (const { env, region } of envRegions) expect(Number(loadParameterFile(parameterFilePath(env, region, 'edge')).DeregistrationDelaySeconds)).toBeLessThan(60);
  });

  test('the ALB is named after its stack (what the service stacks call EdgeStack), within the 32 characters ALB names allow', () => {
    // A known name lets the security stack narrow canary-ramp's listener permissions to this ALB.
    expect(props(t.Resources.LoadBalancer).Name).toEqual(ref('AWS::StackName'));
    for (const { env, region } of envRegions) {
      const edgeStacks = new Set([...parameterFiles(env, region, 'service'), parameterFilePath(env, region, 'observability')].map((f) => loadParameterFile(f).EdgeStack));
      expect([...edgeStacks], `${env}/${region}`).toEqual([`${env}-edge`]);
      for (const name of edgeStacks) expect(String(name), `${env}/${region}`).toMatch(ALB_NAME);
    }
    expect('x'.repeat(33)).not.toMatch(ALB_NAME);
  });

  test('CloudFront in the primary region only, sending the secret header over HTTPS; WAF optional', () => {
    for (const env of ENVIRONMENTS) {
      const primary = deployed('edge', env, 'eu-central-1');
      const origin = props(primary.Resources.Distribution).DistributionConfig.Origins[0];
      expect(origin.CustomOriginConfig.OriginProtocolPolicy).toBe('https-only');
      expect(origin.OriginCustomHeaders[0].HeaderName).toBe('X-Origin-Verify');
      expect(primary.Resources.OriginVerifySecret).toBeDefined();
      const secondary = deployed('edge', env, 'eu-west-1');
      expect(secondary.Resources.Distribution).toBeUndefined();
      expect(secondary.Resources.OriginVerifySecret).toBeUndefined();
    }
    expect(instantiate(t, { EnableRegionalWaf: 'true' }).Resources.RegionalWebAclAssociation).toBeDefined();
    expect(instantiate(t, { EnableRegionalWaf: 'false' }).Resources.RegionalWebAcl).toBeUndefined();
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
