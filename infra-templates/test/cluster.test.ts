/**
 * templates/cluster.yaml, from the template and from the template as each parameter file deploys
 * it: the ECS cluster, Container Insights and the FARGATE / FARGATE_SPOT strategy.
 */
import { describe, expect, test } from 'vitest';
import { loadParameterFile, loadTemplate, parameterFilePath } from '../lib/files.js';
import { props, ref, envRegions } from './helpers.js';

describe('cluster', () => {
  const cluster = props(loadTemplate('cluster').Resources.Cluster);

  test('Container Insights on; FARGATE and FARGATE_SPOT providers; a default strategy with an on-demand base and a Spot share', () => {
    expect(cluster.ClusterSettings).toContainEqual({ Name: 'containerInsights', Value: 'enhanced' });
    expect(cluster.CapacityProviders).toEqual(['FARGATE', 'FARGATE_SPOT']);
    expect(cluster.DefaultCapacityProviderStrategy).toEqual([
      { CapacityProvider: 'FARGATE', Base: ref('OnDemandBase'), Weight: ref('OnDemandWeight') },
      { CapacityProvider: 'FARGATE_SPOT', Weight: ref('SpotWeight') },
    ]);
  });

  test.each(envRegions)('$env/$region puts some tasks on Spot', ({ env, region }) => {
    expect(Number(loadParameterFile(parameterFilePath(env, region, 'cluster')).SpotWeight)).toBeGreaterThan(0);
  });
});
