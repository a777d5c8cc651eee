/**
 * templates/flags.yaml, from the template and from the template as each parameter file deploys it:
 * AppConfig feature flags for the Strangler Fig switch.
 */
import { describe, expect, test } from 'vitest';
import { REGIONS, loadTemplate, stackRegions } from '../lib/files.js';
import { props, ref } from './helpers.js';

describe('feature flags: AppConfig for the Strangler Fig switch', () => {
  const t = loadTemplate('flags');

  test('a feature-flag profile with vc-start\'s Strangler Fig flag (verification-start-saga), off until a team turns it on', () => {
    expect(props(t.Resources.FlagsProfile)).toMatchObject({ LocationUri: 'hosted', Type: 'AWS.AppConfig.FeatureFlags' });
    const v = props(t.Resources.InitialFlags);
    expect(v.ContentType).toBe('application/json');
    const content = JSON.parse(v.Content);
    expect(content.version).toBe('1');
    expect(Object.keys(content.flags)).toEqual(['verification-start-saga']);
    expect(content.values['verification-start-saga']).toEqual({ enabled: false });
    expect(props(t.Resources.InitialDeployment)).toMatchObject({ ConfigurationVersion: ref('InitialFlags'), DeploymentStrategyId: ref('LinearWithBake'), EnvironmentId: ref('RegionEnvironment') });
  });

  test('flag changes roll out linearly with a bake, and roll back on any service\'s SLO alarm', () => {
    expect(props(t.Resources.LinearWithBake)).toMatchObject({ GrowthType: 'LINEAR', GrowthFactor: ref('GrowthPercent'), FinalBakeTimeInMinutes: ref('BakeMinutes'), ReplicateTo: 'NONE' });
    const monitors = props(t.Resources.RegionEnvironment).Monitors;
    expect(monitors.map((m: any) => m.AlarmArn['Fn::Sub'].split(':alarm:')[1])).toEqual(['mesh-${Environment}-auth-slo', 'mesh-${Environment}-persona-slo', 'mesh-${Environment}-vc-start-slo']);
    expect(props(t.Resources.AlarmReaderRole).PermissionsBoundary).toEqual(ref('PermissionsBoundaryArn'));
    expect(stackRegions(t)).toEqual([...REGIONS]);
  });
});
