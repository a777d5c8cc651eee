/**
 * templates/registry.yaml, from the template and from the template as each parameter file deploys
 * it: ECR repositories (immutable, scanned, encrypted, replicated) and the cross-account pull
 * pattern: workload accounts pull from the tooling account's registry, and only pull.
 */
import { describe, expect, test } from 'vitest';
import { ENVIRONMENTS, loadTemplate } from '../lib/files.js';
import { resourcesOfType } from '../lib/policies.js';
import { instantiate } from '../lib/evaluate.js';
import { props, ref, ofType, deployed, SERVICE_NAMES } from './helpers.js';

describe('registry', () => {
  const t = loadTemplate('registry');

  test('every repository: immutable tags, scan on push, KMS, a lifecycle policy that expires untagged images and caps tagged ones', () => {
    const repos = ofType(t, 'AWS::ECR::Repository');
    expect(repos.map((r) => r.RepositoryName['Fn::Sub'])).toEqual(SERVICE_NAMES.map((s) => `\${RepositoryPrefix}/${s}`));
    for (const r of repos) {
      expect(r.ImageTagMutability).toBe('IMMUTABLE');
      expect(r.ImageScanningConfiguration).toEqual({ ScanOnPush: true });
      expect(r.EncryptionConfiguration).toEqual({ EncryptionType: 'KMS', KmsKey: { 'Fn::GetAtt': ['RegistryKey', 'Arn'] } });
      const policy = JSON.parse(r.LifecyclePolicy.LifecyclePolicyText['Fn::Sub'].replace(/\$\{\w+\}/g, '1'));
      expect(policy.rules.map((x: any) => x.selection.tagStatus)).toEqual(['untagged', 'tagged']);
      expect(policy.rules.every((x: any) => x.action.type === 'expire')).toBe(true);
    }
    expect(props(t.Resources.RegistryKey).EnableKeyRotation).toBe(true);
  });

  test.each(ENVIRONMENTS)('%s: eu-central-1 replicates to eu-west-1, which replicates nowhere', (env) => {
    const primary = deployed('registry', env, 'eu-central-1').Resources.Replication;
    expect(props(primary).ReplicationConfiguration.Rules[0].Destinations).toEqual([{ Region: 'eu-west-1', RegistryId: ref('AWS::AccountId') }]);
    expect(deployed('registry', env, 'eu-west-1').Resources.Replication).toBeUndefined();
  });
});

describe('cross-account: workload accounts pull from the tooling account\'s registry, and only pull', () => {
  const t = loadTemplate('registry');

  test('no workload accounts: no repository policy (this account only)', () => {
    for (const [id, repo] of resourcesOfType(instantiate(t, { RepositoryPrefix: 'mesh' }), 'AWS::ECR::Repository')) expect(props(repo).RepositoryPolicyText, id).toBeUndefined();
  });

  test('with workload accounts: every repository lets exactly those accounts pull, no other action', () => {
    const d = instantiate(t, { RepositoryPrefix: 'mesh', WorkloadAccountIds: '111111111111,222222222222' });
    const repos = resourcesOfType(d, 'AWS::ECR::Repository');
    expect(repos).toHaveLength(3);
    for (const [id, repo] of repos) {
      expect(props(repo).RepositoryPolicyText.Statement, id).toEqual([{
        Sid: 'PullFromWorkloadAccounts',
        Effect: 'Allow',
        Principal: { AWS: ['111111111111', '222222222222'] },
        Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'],
      }]);
    }
  });
});
