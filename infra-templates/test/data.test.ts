/**
 * templates/data.yaml, from the template and from the template as each parameter file deploys it: a
 * database per service behind an RDS Proxy, TLS and IAM only, rotated, optionally global.
 */
import { describe, expect, test } from 'vitest';
import { type Resource } from '../lib/parse.js';
import { loadTemplate } from '../lib/files.js';
import { resourcesOfType } from '../lib/policies.js';
import { type Json, resource, parameterSets, effective, SERVICE_IDS } from './helpers.js';

describe('data: a database per service behind an RDS Proxy, TLS and IAM only, rotated, optionally global', () => {
  const t = loadTemplate('data');

  test.each(SERVICE_IDS)('%s: encrypted, protected, backed up, RDS-managed rotating secret, IAM auth', (svc) => {
    const cluster = resource(t, `${svc}Cluster`).Properties!;
    const instance = resource(t, `${svc}Instance`).Properties!;
    expect(cluster).toMatchObject({ Engine: 'aurora-postgresql', StorageEncrypted: true, KmsKeyId: { Ref: 'DataKeyArn' }, DeletionProtection: true, EnableIAMDatabaseAuthentication: true });
    expect(cluster.ManageMasterUserPassword).toEqual({ 'Fn::If': ['IsWritable', true, { Ref: 'AWS::NoValue' }] });
    expect(cluster.ServerlessV2ScalingConfiguration).toEqual({ MinCapacity: { Ref: 'MinCapacityAcu' }, MaxCapacity: { Ref: 'MaxCapacityAcu' } });
    expect(instance).toMatchObject({ Engine: 'postgres', StorageEncrypted: true, MultiAZ: true, DeletionProtection: true, EnableIAMDatabaseAuthentication: true, ManageMasterUserPassword: true, PubliclyAccessible: false });
    for (const id of [`${svc}Cluster`, `${svc}Instance`]) expect(resource(t, id).DeletionPolicy, id).toBe('Snapshot');
    expect(resource(t, `${svc}Cluster`).Condition).toBe('IsAurora');
    expect(resource(t, `${svc}Instance`).Condition).toBe('IsRds');
  });

  test.each(SERVICE_IDS)('%s: the proxy pools connections, requires TLS and IAM, and reads only its own secret', (svc) => {
    const proxy = resource(t, `${svc}Proxy`).Properties!;
    expect(proxy).toMatchObject({ EngineFamily: 'POSTGRESQL', RequireTLS: true });
    expect(proxy.Auth).toEqual([{ AuthScheme: 'SECRETS', IAMAuth: 'REQUIRED', SecretArn: { 'Fn::If': ['IsAurora', { 'Fn::GetAtt': [`${svc}Cluster`, 'MasterUserSecret.SecretArn'] }, { 'Fn::GetAtt': [`${svc}Instance`, 'MasterUserSecret.SecretArn'] }] } }]);
    const pool = resource(t, `${svc}ProxyTargetGroup`).Properties!.ConnectionPoolConfigurationInfo;
    expect(pool.MaxConnectionsPercent).toBeLessThanOrEqual(100);
    expect(pool.MaxIdleConnectionsPercent).toBeLessThan(pool.MaxConnectionsPercent);
    const read = (resource(t, `${svc}ProxyRole`).Properties!.Policies as { PolicyDocument: { Statement: Record<string, Json>[] } }[])[0].PolicyDocument.Statement[0];
    expect(read).toMatchObject({ Action: 'secretsmanager:GetSecretValue', Resource: proxy.Auth[0].SecretArn });
  });

  test('every role here carries the permissions boundary (the CloudFormation role may create no other)', () => {
    const roles = resourcesOfType(t, 'AWS::IAM::Role');
    expect(roles.length).toBeGreaterThan(0);
    for (const [id, r] of roles) expect(r.Properties!.PermissionsBoundary, id).toEqual({ Ref: 'PermissionsBoundaryArn' });
    for (const { values } of parameterSets('data')) expect(values.PermissionsBoundaryArn).toBe(`/mesh/${values.Environment}/security/permissions-boundary-arn`);
  });

  test('only the proxies reach the databases, and only the service tasks reach the proxies; TLS is forced', () => {
    const db = resource(t, 'DatabaseSecurityGroup').Properties!;
    expect(db.SecurityGroupIngress).toEqual([expect.objectContaining({ FromPort: 5432, ToPort: 5432, SourceSecurityGroupId: { 'Fn::GetAtt': ['ProxySecurityGroup', 'GroupId'] } })]);
    const proxy = resource(t, 'ProxySecurityGroup').Properties!;
    expect(proxy.SecurityGroupIngress).toEqual([expect.objectContaining({ FromPort: 5432, SourceSecurityGroupId: { 'Fn::ImportValue': { 'Fn::Sub': '${NetworkStack}-ServiceSecurityGroupId' } } })]);
    for (const id of ['ClusterParameterGroup', 'InstanceParameterGroup']) expect(resource(t, id).Properties!.Parameters['rds.force_ssl']).toBe('1');
  });

  test('multi-region: prod is an Aurora global database, primary in eu-central-1 and secondary in eu-west-1', () => {
    const roles = parameterSets('data').map((p) => [p.env, p.region, effective('data', 'GlobalDatabaseRole', p.values), effective('data', 'Engine', p.values)]);
    expect(roles.filter(([env]) => env === 'prod')).toEqual([
      ['prod', 'eu-central-1', 'primary', 'aurora-serverless-v2'],
      ['prod', 'eu-west-1', 'secondary', 'aurora-serverless-v2'],
    ]);
    for (const svc of SERVICE_IDS) {
      expect(resource(t, `${svc}GlobalCluster`)).toMatchObject({ Condition: 'IsGlobalPrimary', Properties: { SourceDBClusterIdentifier: { 'Fn::GetAtt': [`${svc}Cluster`, 'DBClusterArn'] } } });
      // A secondary joins the global cluster by the name the primary gave it.
      const joinName = (resource(t, `${svc}Cluster`).Properties!.GlobalClusterIdentifier as { 'Fn::If': [string, Json, Json] })['Fn::If'];
      expect(joinName[0]).toBe('IsGlobalSecondary');
      expect(joinName[1]).toEqual(resource(t, `${svc}GlobalCluster`).Properties!.GlobalClusterIdentifier);
    }
    // The service stacks import these in every region: a secondary region exports the cluster's
    // reader endpoint and resource id (IAM auth to the cluster itself) instead of a proxy's.
    for (const svc of SERVICE_IDS) {
      for (const [output, secondary] of [['ProxyEndpoint', 'ReadEndpoint.Address'], ['ProxyResourceId', 'DBClusterResourceId']]) {
        const o = t.Outputs![`${svc}${output}`];
        expect(o.Condition, `${svc}${output}`).toBeUndefined();
        expect((o.Value as { 'Fn::If': [string, Json, Json] })['Fn::If'][0]).toBe('IsWritable');
        expect((o.Value as { 'Fn::If': [string, Json, Json] })['Fn::If'][2]).toEqual({ 'Fn::GetAtt': [`${svc}Cluster`, secondary] });
      }
    }
    const rule = (t.Rules as Record<string, { RuleCondition: Json; Assertions: { Assert: Json }[] }>).GlobalDatabaseNeedsAurora;
    expect(rule.RuleCondition).toEqual({ 'Fn::Equals': [{ Ref: 'Engine' }, 'rds'] });
    expect(rule.Assertions[0].Assert).toEqual({ 'Fn::Equals': [{ Ref: 'GlobalDatabaseRole' }, 'none'] });
  });
});
