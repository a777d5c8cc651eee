/**
 * The security stack's JWT rotation Lambda deployed from the real template through deploy-stack
 * against moto (its own server: moto's state dump, which deploy.test.ts reads IAM with, cannot
 * serialise a Lambda function without Docker). The package (services/auth/rotation/package.ts, built
 * here) is put in the code bucket under the key it names first, as the README's "Secrets" says; the
 * function and its role are read back through the Lambda and IAM APIs.
 * moto keeps no rotation schedule from a template: security.test.ts checks that wiring.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import YAML from 'yaml';
import { awsClient } from '../../common/aws.js';
import { FakeClock } from '../../common/clock.js';
import { buildPlan } from '../../actions/deploy-stack/plan.js';
import { platformInputs } from '../../test/support/cloudformation/deploy-inputs.js';
import { deployStack } from '../../actions/deploy-stack/deploy.js';
import { repoRoot } from '../../test/support/harness.js';
import { useMoto } from '../../test/support/use-moto.js';
import { buildRotationPackage } from '../../services/auth/rotation/package.js';
import { parametersDir } from '../lib/files.js';
import { motoGet } from './helpers.js';

const ENV = 'staging';
const REGION = 'eu-central-1';
const moto = useMoto(REGION);

/** An IAM document as the query API returns it: XML-escaped, sometimes also URL-encoded. */
const iamDocument = (xml: string, tag: string): string => {
  const raw = new RegExp(`<${tag}>([^<]*)<`).exec(xml)![1].replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  return raw.startsWith('%7B') ? decodeURIComponent(raw) : raw;
};

test('security in the primary region: the JWT rotation Lambda from the code bucket, under the boundary', async () => {
  const file = YAML.parse(readFileSync(join(parametersDir, ENV, REGION, 'security.yaml'), 'utf8')) as Record<string, string>;
  // Path style: moto answers on 127.0.0.1, not on bucket host names.
  const s3 = new S3Client({ region: REGION, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: file.CodeBucketName, CreateBucketConfiguration: { LocationConstraint: REGION } }));
  // The real package under the key it names (moto stores it, never runs it; rotation-package.test.ts runs it).
  const pkg = await buildRotationPackage();
  await s3.send(new PutObjectCommand({ Bucket: file.CodeBucketName, Key: pkg.key, Body: pkg.zip }));

  const plan = buildPlan(
    platformInputs(ENV, 'security', 'infra-templates/templates/security.yaml', REGION, {
      parameters: YAML.stringify({ ...file, JwtRotationCodeKey: pkg.key, ExistingOidcProviderArn: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com' }),
    }),
    { workspace: repoRoot, runId: '1', runAttempt: '1', repository: 'example-org/example-service', sha: 'abc' },
  );
  const lines: string[] = [];
  const log = { info: (m: string) => lines.push(m), warning: (m: string) => lines.push(`warning: ${m}`), notice: (m: string) => lines.push(`notice: ${m}`) };
  const result = await deployStack(plan, { cfn: awsClient(CloudFormationClient, { region: REGION }), clock: new FakeClock(), log, color: false });
  expect(result.outcome, `${result.message}\n${lines.join('\n')}`).toBe('created');

  const fn = (await (await motoGet(moto.current.endpoint, `/2015-03-31/functions/mesh-${ENV}-jwt-rotation`, 'lambda', REGION)).json()) as { Configuration: Record<string, unknown> };
  expect(fn.Configuration).toMatchObject({
    Handler: 'index.handler',
    Role: `arn:aws:iam::123456789012:role/${ENV}-jwt-rotation`,
    Timeout: 30,
    // The function runs exactly the package that was built.
    CodeSha256: createHash('sha256').update(pkg.zip).digest('base64'),
  });
  expect(String(fn.Configuration.Runtime)).toMatch(/^nodejs2[4-9]\.x$/);

  const role = await (await motoGet(moto.current.endpoint, `/?Action=GetRole&Version=2010-05-08&RoleName=${ENV}-jwt-rotation`, 'iam', REGION)).text();
  expect(role).toContain(`<PermissionsBoundaryArn>arn:aws:iam::123456789012:policy/mesh-${ENV}-permissions-boundary</PermissionsBoundaryArn>`);
  expect(iamDocument(role, 'AssumeRolePolicyDocument')).toContain('lambda.amazonaws.com');
  const inline = await (await motoGet(moto.current.endpoint, `/?Action=GetRolePolicy&Version=2010-05-08&RoleName=${ENV}-jwt-rotation&PolicyName=rotate-jwt-signing-key`, 'iam', REGION)).text();
  // moto returns the inline policy as a Python literal, and leaves out the Resource that names the
  // secret it skipped: the actions are what can be read back here.
  const actions = [...iamDocument(inline, 'PolicyDocument').matchAll(/'((?:secretsmanager|kms|logs):\w+)'/g)].map((m) => m[1]);
  expect(actions).toEqual(['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage', 'kms:Decrypt', 'kms:GenerateDataKey', 'logs:CreateLogStream', 'logs:PutLogEvents']);
});
