/**
 * templates/security.yaml, from the template and from the template as each parameter file deploys
 * it: the OIDC trust scoped to repository, branch and environment, each action's least-privilege
 * policy (against the README and the actions' AWS calls), the boundary, keys, secret replicas, and
 * every rotatable secret's rotation.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { repoRoot } from '../../test/support/harness.js';
import { ACTION_POLICIES, readmePath, regenerate, render, renderStatement } from '../tools/readme.js';
import { type Resource } from '../lib/parse.js';
import { ENVIRONMENTS, REGIONS, infraRoot, loadAcknowledgements, loadParameterFile, loadTemplate, parameterFiles, templateNames } from '../lib/files.js';
import { policyStatements, resourcesOfType } from '../lib/policies.js';
import { type Json, props, ref, list, resource, parameterSets, deployed, deployments } from './helpers.js';

const POLICIES = ACTION_POLICIES;

describe('security: OIDC trust, least privilege per action, boundary, keys, replicas', () => {
  const t = loadTemplate('security');

  test('the deploy role trusts GitHub OIDC for one repository, one branch and its build and region environments only', () => {
    expect(resource(t, 'GitHubOidcProvider').Properties).toEqual({ Url: 'https://token.actions.githubusercontent.com', ClientIdList: ['sts.amazonaws.com'] });
    const trust = resource(t, 'DeployRole').Properties!.AssumeRolePolicyDocument as { Statement: Record<string, Json>[] };
    expect(trust.Statement).toHaveLength(1);
    const [s] = trust.Statement;
    expect(s.Action).toBe('sts:AssumeRoleWithWebIdentity');
    expect(s.Principal).toEqual({ Federated: { 'Fn::If': ['CreateOidcProvider', { Ref: 'GitHubOidcProvider' }, { Ref: 'ExistingOidcProviderArn' }] } });
    // StringEquals, never StringLike: no wildcard can widen the subject.
    expect(Object.keys(s.Condition as object)).toEqual(['StringEquals']);
    const eq = (s.Condition as { StringEquals: Record<string, Json> }).StringEquals;
    expect(eq['token.actions.githubusercontent.com:aud']).toBe('sts.amazonaws.com');
    expect(eq['token.actions.githubusercontent.com:sub']).toEqual(['${GitHubEnvironment}', '${GitHubEnvironment}-${PrimaryRegion}', '${GitHubEnvironment}-${SecondaryRegion}']
      .map((environment) => ({ 'Fn::Sub': `repo:\${GitHubOrg}/\${GitHubRepo}:environment:${environment}:ref:refs/heads/\${DeployBranch}` })));
    for (const name of ['GitHubOrg', 'GitHubRepo', 'DeployBranch', 'GitHubEnvironment']) {
      expect(t.Parameters![name].AllowedPattern, name).not.toContain('*');
      expect(new RegExp(t.Parameters![name].AllowedPattern as string).test('*'), name).toBe(false);
    }
    for (const { env, region, values } of parameterSets('security')) {
      if (values.CreateGlobalResources === 'true') expect(values.GitHubEnvironment, `${env}/${region}`).toBe(env);
    }
  });

  test('IAM lives in exactly one region; keys, analyzer and parameters in both', () => {
    const global = Object.entries(t.Resources).filter(([, r]) => r.Type.startsWith('AWS::IAM::')).map(([id, r]) => [id, r.Condition]);
    for (const [id, c] of global) expect(['IsGlobalRegion', 'CreateOidcProvider', 'HasTemplatesBucket', 'AllowsChaos'], String(id)).toContain(c);
    for (const env of ENVIRONMENTS) {
      const flags = parameterSets('security').filter((p) => p.env === env).map((p) => [p.region, p.values.CreateGlobalResources]);
      expect(flags.filter(([, f]) => f === 'true'), env).toEqual([['eu-central-1', 'true']]);
    }
    for (const id of ['PlatformKey', 'DataKey', 'AccessAnalyzer', 'PlatformKeyParameter', 'DataKeyParameter']) expect(resource(t, id).Condition, id).toBeUndefined();
    expect(resource(t, 'AccessAnalyzer').Properties!.Type).toBe('ACCOUNT');
  });

  test('the deploy role and the CloudFormation role carry the boundary, which no one can lift', () => {
    for (const id of ['DeployRole', 'CfnExecutionRole']) expect(resource(t, id).Properties!.PermissionsBoundary, id).toEqual({ Ref: 'PermissionsBoundary' });
    const statements = (resource(t, 'PermissionsBoundary').Properties!.PolicyDocument as { Statement: Record<string, Json>[] }).Statement;
    const sid = (name: string) => statements.find((s) => s.Sid === name)!;
    expect(sid('StayInPlatformRegions')).toMatchObject({ Effect: 'Deny', Condition: { StringNotEquals: { 'aws:RequestedRegion': [{ Ref: 'PrimaryRegion' }, { Ref: 'SecondaryRegion' }] } } });
    expect(sid('NoBoundaryRemoval')).toMatchObject({ Effect: 'Deny', Action: ['iam:DeleteRolePermissionsBoundary', 'iam:DeleteUserPermissionsBoundary'] });
    const self = 'arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/mesh-${Environment}-permissions-boundary';
    expect(render({ 'Fn::Sub': self })).toBe(render({ 'Fn::Sub': `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:policy/${(resource(t, 'PermissionsBoundary').Properties!.ManagedPolicyName as { 'Fn::Sub': string })['Fn::Sub']}` }));
    expect(sid('NoRoleWithoutThisBoundary')).toMatchObject({ Effect: 'Deny', Condition: { StringNotEquals: { 'iam:PermissionsBoundary': { 'Fn::Sub': self } } } });
    expect(sid('NoBoundaryEdits')).toMatchObject({ Effect: 'Deny', Resource: { 'Fn::Sub': self } });
    // The CloudFormation role may create roles only with the same boundary attached.
    const cfnStatements = (resource(t, 'CfnExecutionRole').Properties!.Policies as { PolicyDocument: { Statement: Record<string, Json>[] } }[])[0].PolicyDocument.Statement;
    expect(cfnStatements.find((s) => list(s.Action as string[]).includes('iam:CreateRole'))!.Condition).toEqual({ StringEquals: { 'iam:PermissionsBoundary': { Ref: 'PermissionsBoundary' } } });
  });

  test('canary-ramp and rollback change listeners and rules of the edge ALB only, named in every deployment', () => {
    const statements = (resource(t, 'CanaryRampPolicy').Properties!.PolicyDocument as { Statement: Record<string, Json>[] }).Statement;
    const shift = statements.find((s) => list(s.Action as string[]).includes('elasticloadbalancing:ModifyRule'))!;
    expect(shift.Resource).toEqual([
      { 'Fn::Sub': 'arn:${AWS::Partition}:elasticloadbalancing:*:${AWS::AccountId}:listener/app/${LoadBalancerName}/*' },
      { 'Fn::Sub': 'arn:${AWS::Partition}:elasticloadbalancing:*:${AWS::AccountId}:listener-rule/app/${LoadBalancerName}/*' },
    ]);
    // No wildcard can stand in for the name: the parameter is required and takes ALB names only.
    const p = t.Parameters!.LoadBalancerName;
    expect(p.Default).toBeUndefined();
    const accepts = (v: string) => new RegExp(p.AllowedPattern as string).test(v);
    expect(['*', 'staging-*', 'x'.repeat(33), '-edge', 'edge-'].filter(accepts)).toEqual([]);
    expect(accepts('staging-edge')).toBe(true);
    // The edge stack names its ALB after itself: the name is the EdgeStack the services use there.
    for (const { env, region, values } of parameterSets('security')) {
      const edgeStacks = new Set(parameterFiles(env, region, 'service').map((f) => loadParameterFile(f).EdgeStack));
      expect([values.LoadBalancerName], `${env}/${region}`).toEqual([...edgeStacks]);
    }
  });

  test('the deploy role has exactly one policy per action, and the README documents each one as deployed', () => {
    expect(resource(t, 'DeployRole').Properties!.ManagedPolicyArns).toEqual(['SloGatePolicy', 'CanaryRampPolicy', 'BuildScanPushPolicy', 'DeployStackPolicy'].map((id) => ({ Ref: id })));
    expect(resource(t, 'DeployStackUploadPolicy').Properties!.Roles).toEqual([{ Ref: 'DeployRole' }]);
    expect(resource(t, 'ChaosPolicy').Properties!.Roles).toEqual([{ Ref: 'DeployRole' }]);
    expect(t.Conditions!.AllowsChaos).toEqual({ 'Fn::And': [{ Condition: 'IsGlobalRegion' }, { 'Fn::Equals': [{ Ref: 'Environment' }, 'staging'] }] });
    const readme = readFileSync(readmePath, 'utf8');
    const documented = new Map([...readme.matchAll(/<!-- policy: ([^>]+?) -->\s*```json\n([\s\S]*?)```/g)].map((m) => [m[1], JSON.parse(m[2]) as { Statement: Json[] }]));
    expect([...documented.keys()].sort()).toEqual(Object.keys(POLICIES).sort());
    for (const [action, id] of Object.entries(POLICIES)) {
      const deployed = (resource(t, id).Properties!.PolicyDocument as { Statement: Json[] }).Statement.map(renderStatement);
      expect({ action, Statement: documented.get(action)!.Statement }).toEqual({ action, Statement: deployed });
    }
  });

  test('the README\'s generated sections (parameters of every template, policies) are current', () => {
    const readme = readFileSync(readmePath, 'utf8');
    expect(regenerate(readme) === readme, 'infra-templates/README.md is stale: run `npx tsx infra-templates/tools/readme.ts`').toBe(true);
  });

  test('every AWS call in the actions\' source is allowed by the deploy role, and iam:PassRole only hands over the CloudFormation role', () => {
    const granted = Object.values(POLICIES).flatMap((id) =>
      (resource(t, id).Properties!.PolicyDocument as { Statement: Record<string, Json>[] }).Statement.filter((s) => s.Effect === 'Allow').flatMap((s) => list(s.Action as string[])),
    );
    const allows = (action: string) => granted.some((g) => new RegExp(`^${g.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i').test(action));
    const calls = sdkCallsInActions();
    expect(calls.length).toBeGreaterThan(10);
    expect(calls.filter((c) => !allows(c))).toEqual([]);
    const passRole = policyStatements(t).filter((p) => list(p.statement.Action as string[]).includes('iam:PassRole') && p.resource !== 'CfnExecutionRole');
    expect(passRole.map((p) => [p.resource, p.statement.Resource, p.statement.Condition])).toEqual([
      ['DeployStackPolicy', { 'Fn::GetAtt': ['CfnExecutionRole', 'Arn'] }, { StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } }],
    ]);
  });

  test('the CloudFormation role and the boundary cover the service of every resource type in every stack it deploys', () => {
    const statements = (r: string) =>
      r === 'CfnExecutionRole'
        ? (resource(t, r).Properties!.Policies as { PolicyDocument: { Statement: Record<string, Json>[] } }[]).flatMap((p) => p.PolicyDocument.Statement)
        : (resource(t, r).Properties!.PolicyDocument as { Statement: Record<string, Json>[] }).Statement;
    const wildcards = (r: string) => new Set(statements(r).filter((s) => s.Effect === 'Allow').flatMap((s) => list(s.Action as string[])).filter((a) => a.endsWith(':*')).map((a) => a.slice(0, -2)));
    const role = wildcards('CfnExecutionRole');
    const boundary = wildcards('PermissionsBoundary');
    // The security stack itself is bootstrapped with administrator credentials, not by this role.
    const stacks = readdirSync(join(infraRoot, 'templates')).map((f) => f.replace(/\.yaml$/, '')).filter((s) => s !== 'security');
    const needed = new Map<string, string>();
    for (const stack of stacks) {
      for (const r of Object.values(loadTemplate(stack).Resources)) {
        const service = r.Type.split('::')[1];
        const prefix = IAM_SERVICE[service] ?? service.toLowerCase();
        if (!needed.has(prefix)) needed.set(prefix, `${stack}: ${r.Type}`);
      }
    }
    const missing = [...needed].filter(([prefix]) => !(prefix === 'iam' || role.has(prefix)) || !boundary.has(prefix)).map(([p, where]) => `${p} (${where})`);
    expect(missing).toEqual([]);
  });

  test('keys rotate, only the account administers them, and the secrets replicate to the second region', () => {
    for (const [id, key] of resourcesOfType(t, 'AWS::KMS::Key')) {
      expect(key.Properties!.EnableKeyRotation, id).toBe(true);
      const admin = (key.Properties!.KeyPolicy as { Statement: Record<string, Json>[] }).Statement.filter((s) => list(s.Action as string[]).includes('kms:*'));
      expect(admin.map((s) => s.Principal), id).toEqual([{ AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root' } }]);
    }
    const secrets = resourcesOfType(t, 'AWS::SecretsManager::Secret');
    expect(secrets.length).toBeGreaterThan(0);
    for (const [id, s] of secrets) {
      expect(s.Properties!.ReplicaRegions, id).toEqual([{ Region: { Ref: 'SecondaryRegion' }, KmsKeyId: { 'Fn::Sub': 'alias/mesh-${Environment}-data' } }]);
      expect(s.Properties!.KmsKeyId, id).toEqual({ Ref: 'DataKey' });
    }
    expect(resource(t, 'DataKeyAlias').Properties!.AliasName).toEqual({ 'Fn::Sub': 'alias/mesh-${Environment}-data' });
  });
});

/** CloudFormation's service names whose IAM prefix is not simply the name in lower case. */
const IAM_SERVICE: Record<string, string> = {
  ACMPCA: 'acm-pca',
  AccessAnalyzer: 'access-analyzer',
  ApplicationAutoScaling: 'application-autoscaling',
  CertificateManager: 'acm',
  ElasticLoadBalancingV2: 'elasticloadbalancing',
  EventSchemas: 'schemas',
};

const IAM_PREFIX: Record<string, string> = {
  'client-ecs': 'ecs',
  'client-elastic-load-balancing-v2': 'elasticloadbalancing',
  'client-app-mesh': 'appmesh',
  'client-cloudwatch': 'cloudwatch',
  'client-cloudformation': 'cloudformation',
  'client-ecr': 'ecr',
  'client-s3': 's3',
};
/** Commands whose IAM action has another name. */
const IAM_ACTION: Record<string, string> = { 's3:HeadObject': 's3:GetObject', 's3:HeadBucket': 's3:ListBucket' };

/** `prefix:Action` for every `new XCommand(` the actions make with a client the deploy role serves. */
function sdkCallsInActions(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (name === 'dist' || name === 'node_modules') continue;
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) files.push(path);
    }
  };
  walk(join(repoRoot, 'actions'));
  const calls = new Set<string>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/import\s*\{([^}]*)\}\s*from\s*'@aws-sdk\/(client-[a-z0-9-]+)'/g)) {
      const prefix = IAM_PREFIX[m[2]];
      if (!prefix) continue;
      for (const name of m[1].split(',').map((s) => s.trim().replace(/^type\s+/, ''))) {
        const command = /^(\w+)Command$/.exec(name);
        if (command && new RegExp(`new\\s+${name}\\s*\\(`).test(text)) {
          const action = `${prefix}:${command[1]}`;
          calls.add(IAM_ACTION[action] ?? action);
        }
      }
    }
  }
  return [...calls].sort();
}

describe('secrets rotation', () => {
  const t = loadTemplate('security');

  test('every Secrets Manager secret in every template has a rotation schedule, or an acknowledged reason why it cannot rotate', () => {
    const missing: string[] = [];
    for (const stack of templateNames()) {
      const tt = loadTemplate(stack);
      const schedules = resourcesOfType(tt, 'AWS::SecretsManager::RotationSchedule');
      const excused = loadAcknowledgements(stack).filter((a) => a.id === 'AwsSolutions-SMG4').flatMap((a) => a.resources ?? []);
      for (const [id, secret] of resourcesOfType(tt, 'AWS::SecretsManager::Secret')) {
        const rotated = schedules.filter(([, s]) => JSON.stringify(props(s).SecretId) === JSON.stringify(ref(id)));
        if (rotated.length === 0 && !excused.includes(id)) missing.push(`${stack}/${id}`);
        // A schedule that can be absent while its secret exists rotates nothing.
        for (const [sid, s] of rotated) expect(s.Condition, `${stack}/${sid}`).toBe(secret.Condition);
      }
    }
    expect(missing).toEqual([]);
    // The one excused secret: the origin header every ALB rule compares at deploy time.
    expect(loadAcknowledgements('edge').filter((a) => a.id === 'AwsSolutions-SMG4').flatMap((a) => a.resources)).toEqual(['OriginVerifySecret']);
  });

  test('the JWT signing key rotates through the auth service\'s Lambda, every JwtRotationDays, at once on creation', () => {
    const schedule = props(t.Resources.JwtSigningKeyRotation);
    expect(schedule).toEqual({
      SecretId: ref('AuthSigningKeySecret'),
      RotationLambdaARN: { 'Fn::GetAtt': ['JwtRotationFunction', 'Arn'] },
      RotateImmediatelyOnUpdate: true,
      RotationRules: { ScheduleExpression: { 'Fn::Sub': 'rate(${JwtRotationDays} days)' } },
    });
    expect(t.Parameters!.JwtRotationDays).toMatchObject({ Default: 30, MinValue: 1, MaxValue: 365 });
    expect(t.Resources.JwtSigningKeyRotation.DependsOn).toBe('JwtRotationInvokePermission');
    const fn = props(t.Resources.JwtRotationFunction);
    expect(fn.Code).toEqual({ S3Bucket: ref('CodeBucketName'), S3Key: ref('JwtRotationCodeKey') });
    expect(fn.Handler).toBe('index.handler');
    expect(fn.Runtime).toMatch(/^nodejs2[4-9]\.x$/);
    expect(props(t.Resources.JwtRotationInvokePermission)).toMatchObject({ Principal: 'secretsmanager.amazonaws.com', SourceArn: ref('AuthSigningKeySecret') });
  });

  test('the rotation Lambda may touch this one secret and its key only, under the boundary', () => {
    const role = props(t.Resources.JwtRotationRole);
    expect(role.PermissionsBoundary).toEqual(ref('PermissionsBoundary'));
    const statements = role.Policies.flatMap((p: any) => p.PolicyDocument.Statement);
    expect(statements.map((s: any) => s.Resource)).toEqual([ref('AuthSigningKeySecret'), { 'Fn::GetAtt': ['DataKey', 'Arn'] }, { 'Fn::Sub': '${JwtRotationLogGroup.Arn}:*' }]);
    expect(statements.flatMap((s: any) => s.Action).filter((a: string) => a.includes('*'))).toEqual([]);
  });

  test('the global region cannot be deployed without the rotation package, and every global parameter file names it', () => {
    const rule = (t.Rules as Record<string, any>).RotationCodeInTheGlobalRegion;
    expect(rule.RuleCondition).toEqual({ 'Fn::Equals': [ref('CreateGlobalResources'), 'true'] });
    expect(rule.Assertions.map((a: any) => a.Assert)).toEqual([
      { 'Fn::Not': [{ 'Fn::Equals': [ref('CodeBucketName'), ''] }] },
      { 'Fn::Not': [{ 'Fn::Equals': [ref('JwtRotationCodeKey'), ''] }] },
    ]);
    for (const { env, region, values, t: d } of deployments('security')) {
      if (values.CreateGlobalResources !== 'true') continue;
      expect(values.CodeBucketName, `${env}/${region}`).toBeTruthy();
      expect(String(values.JwtRotationCodeKey), `${env}/${region}`).toMatch(/\.zip$/);
      expect(resourcesOfType(d, 'AWS::SecretsManager::RotationSchedule').map(([id]) => id), `${env}/${region}`).toEqual(['JwtSigningKeyRotation']);
    }
  });

  test('database master secrets: RDS makes and rotates them (ManageMasterUserPassword) wherever a writer is', () => {
    for (const { env, region, t: d } of deployments('data')) {
      const dbs = [...resourcesOfType(d, 'AWS::RDS::DBCluster'), ...resourcesOfType(d, 'AWS::RDS::DBInstance')].filter(([, r]) => !props(r).DBClusterIdentifier);
      for (const [id, r] of dbs) {
        // A global secondary has no master user of its own: the primary's secret rotates.
        if (props(r).GlobalClusterIdentifier && props(r).ManageMasterUserPassword === undefined && region !== REGIONS[0]) continue;
        expect(props(r).ManageMasterUserPassword, `${env}/${region}/${id}`).toBe(true);
      }
    }
  });
});
