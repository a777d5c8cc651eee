/**
 * templates/discovery.yaml, from the template and from the template as each parameter file deploys
 * it: the Cloud Map namespace and one discovery service per reference service, TTL 5-10 s.
 */
import { describe, expect, test } from 'vitest';
import { loadParameterFile, loadTemplate, parameterFilePath } from '../lib/files.js';
import { ref, ofType, envRegions, SERVICE_NAMES } from './helpers.js';

describe('discovery', () => {
  const t = loadTemplate('discovery');

  test('private DNS namespace svc.local; each service: A records with the 5-10 s TTL parameter, ECS-driven health', () => {
    expect(t.Parameters!.NamespaceName.Default).toBe('svc.local');
    expect(t.Parameters!.DnsTtlSeconds).toMatchObject({ MinValue: 5, MaxValue: 10 });
    expect(Number(t.Parameters!.DnsTtlSeconds.Default)).toBeGreaterThanOrEqual(5);
    expect(Number(t.Parameters!.DnsTtlSeconds.Default)).toBeLessThanOrEqual(10);
    const services = ofType(t, 'AWS::ServiceDiscovery::Service');
    expect(services.map((s) => s.Name)).toEqual([...SERVICE_NAMES]);
    for (const s of services) {
      expect(s.DnsConfig.DnsRecords).toEqual([{ Type: 'A', TTL: ref('DnsTtlSeconds') }]);
      expect(s.HealthCheckCustomConfig).toEqual({ FailureThreshold: ref('FailureThreshold') });
    }
  });

  test.each(envRegions)('$env/$region TTL is between 5 and 10 s', ({ env, region }) => {
    const ttl = Number(loadParameterFile(parameterFilePath(env, region, 'discovery')).DnsTtlSeconds);
    expect(ttl).toBeGreaterThanOrEqual(5);
    expect(ttl).toBeLessThanOrEqual(10);
  });
});
