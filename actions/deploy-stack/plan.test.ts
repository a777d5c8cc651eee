/**
 * Input parsing as the runner delivers it (INPUT_* env), as tables: every accepted form of
 * parameters and tags, and every rejected input with the message the user will read.
 */
import { copyFileSync, mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseParameters, parseTags, resolveParameters } from '../cloudformation/parameters.js';
import { declaredParameters, loadTemplate } from '../cloudformation/template.js';
import { buildPlan, changeSetName, readInputs, secretValues } from './plan.js';
import { inputEnv } from '../../test/support/harness.js';

const fixtures = new URL('../../test/fixtures/cloudformation/', import.meta.url).pathname;
const ctx = { workspace: fixtures, runId: '7', runAttempt: '1', repository: 'o/r', sha: 'abc', random: () => '00c0ffee' };
let saved: NodeJS.ProcessEnv;

beforeEach(() => {
  saved = { ...process.env };
  for (const k of Object.keys(process.env)) if (k.startsWith('INPUT_')) delete process.env[k];
  process.env.AWS_REGION = 'eu-central-1';
});
afterEach(() => {
  process.env = saved;
});

function planFrom(inputs: Record<string, string>) {
  Object.assign(process.env, inputEnv({ name: 'svc', template: 'svc.yaml', capabilities: 'CAPABILITY_IAM', 'rollback-monitoring-time': '5m', timeout: '1h', ...inputs }));
  return buildPlan(readInputs(), ctx);
}

describe('parameters: every form gives the same map, commas intact', () => {
  const expected = [['Image', 'registry/app@sha256:abc'], ['Subnets', 'subnet-a,subnet-b'], ['Query', 'a=b&c=d']];
  it.each([
    ['Key=Value lines', 'Image=registry/app@sha256:abc\nSubnets=subnet-a,subnet-b\nQuery=a=b&c=d'],
    ['Key=Value lines with comments, blanks and spaces', '# service\n\n  Image = registry/app@sha256:abc\nSubnets=subnet-a,subnet-b\r\nQuery=a=b&c=d\n'],
    ['a YAML map', 'Image: registry/app@sha256:abc\nSubnets: subnet-a,subnet-b\nQuery: a=b&c=d'],
    ['a YAML map with a list', 'Image: registry/app@sha256:abc\nSubnets: [subnet-a, subnet-b]\nQuery: "a=b&c=d"'],
    ['a JSON object', '{"Image":"registry/app@sha256:abc","Subnets":"subnet-a,subnet-b","Query":"a=b&c=d"}'],
    [
      'the CloudFormation CLI list',
      '[{"ParameterKey":"Image","ParameterValue":"registry/app@sha256:abc"},{"ParameterKey":"Subnets","ParameterValue":"subnet-a,subnet-b"},{"ParameterKey":"Query","ParameterValue":"a=b&c=d"}]',
    ],
  ])('%s', (_label, text) => {
    expect([...parseParameters(text)]).toEqual(expected);
  });

  it('numbers and booleans become strings; a value with ": " stays whole in the line form', () => {
    expect([...parseParameters('Cpu: 256\nPublic: true')]).toEqual([['Cpu', '256'], ['Public', 'true']]);
    expect([...parseParameters('Banner=hello: world')]).toEqual([['Banner', 'hello: world']]);
  });

  it('YAML and JSON values keep the text as written: no number rounding, no lost leading zero', () => {
    expect([...parseParameters('ImageTag: 1.10\nAccountId: 012345678901\nCount: 12345678901234567890\nPublic: True\nCidrs: [10.0.0.0/16, 1.50]')]).toEqual([
      ['ImageTag', '1.10'], ['AccountId', '012345678901'], ['Count', '12345678901234567890'], ['Public', 'True'], ['Cidrs', '10.0.0.0/16,1.50'],
    ]);
    expect([...parseParameters('{"Version": 2.0, "Port": 8080}')]).toEqual([['Version', '2.0'], ['Port', '8080']]);
    expect([...parseTags('release: 1.20')]).toEqual([['release', '1.20']]);
  });

  it.each([
    ['a line without "="', 'Image=x\nnot-a-pair', /line 2 is not Key=Value \(it has no "=" after a name\)/],
    ['a key given twice', 'Image=x\nImage=y', /"Image" is given twice \(line 2\)/],
    ['a key given twice in YAML', 'Image: x\nImage: y', /not valid YAML\/JSON/],
    ['a non-alphanumeric key', 'Image-Tag=x', /"Image-Tag" is not a parameter name/],
    ['a nested map value', 'Image:\n  repo: x', /Input "parameters" "Image": the value must be a string/],
    ['a scalar', 'just words', /neither a map nor Key=Value lines/],
    ['a list item without keys', '[{"Name":"x"}]', /item 1 of the list has no ParameterKey/],
  ])('rejects %s', (_label, text, message) => {
    expect(() => parseParameters(text)).toThrow(message);
  });

  it('never echoes parameter text in an error: it may be a secret, and errors print before masking', () => {
    const secret = 'hunter2-very-secret-token';
    for (const text of [`DbPassword=x\n${secret}`, secret, `Db: [${secret}`]) {
      const err = (() => { try { parseParameters(text); } catch (e) { return e as Error; } })();
      expect(err, text).toBeInstanceOf(Error);
      expect(err!.message).not.toContain(secret);
    }
  });
});

describe('tags', () => {
  it('accept the same forms', () => {
    expect([...parseTags('team=payments\ncost-center=42')]).toEqual([['team', 'payments'], ['cost-center', '42']]);
    expect([...parseTags('team: payments')]).toEqual([['team', 'payments']]);
    expect([...parseTags('app:tier=web')]).toEqual([['app:tier', 'web']]);
  });
  it.each([
    ['reserved aws: keys', 'aws:owner=me', /reserved prefix "aws:"/],
    ['over 50 tags', Array.from({ length: 51 }, (_, i) => `k${i}=v`).join('\n'), /51 tags given; a stack takes at most 50/],
    ['long values', `k=${'v'.repeat(257)}`, /longer than 256 characters/],
  ])('reject %s', (_label, text, message) => {
    expect(() => parseTags(text)).toThrow(message);
  });
});

describe('resolveParameters against the template', () => {
  const declared = declaredParameters('Parameters:\n  Image: {Type: String}\n  Cpu: {Type: String, Default: "256"}\n  Zones: {Type: CommaDelimitedList, Default: [a, b]}\n')!;
  it('on create: only what is given; a missing required parameter is an error', () => {
    expect(resolveParameters(new Map([['Image', 'x']]), declared, null)).toEqual([{ ParameterKey: 'Image', ParameterValue: 'x' }]);
    expect(() => resolveParameters(new Map(), declared, null)).toThrow('the template requires Image (no Default, and the stack has no previous value)');
  });
  it('on update: keeps current values that differ from the default, omits those equal to it', () => {
    const current = new Map([['Image', 'old'], ['Cpu', '512'], ['Zones', 'a,b']]);
    expect(resolveParameters(new Map(), declared, current)).toEqual([
      { ParameterKey: 'Image', UsePreviousValue: true },
      { ParameterKey: 'Cpu', UsePreviousValue: true },
    ]);
  });
  it('refuses the one-line comma form A=1,B=2 instead of giving A the value "1,B=2" and B its default', () => {
    expect(() => resolveParameters(parseParameters('Image=x,Cpu=512'), declared, null)).toThrow(
      'Input "parameters": the value of "Image" contains ",Cpu=" and Cpu is a parameter of the template; give one Key=Value per line',
    );
    // Commas (and "=" after them) that do not name a declared parameter are a value's own.
    expect(resolveParameters(parseParameters('Image=a,b=c\nZones=eu-central-1a,eu-central-1b'), declared, null)).toEqual([
      { ParameterKey: 'Image', ParameterValue: 'a,b=c' },
      { ParameterKey: 'Zones', ParameterValue: 'eu-central-1a,eu-central-1b' },
    ]);
  });
  it('names undeclared keys and what the template declares', () => {
    expect(() => resolveParameters(new Map([['Imgae', 'x']]), declared, null)).toThrow('"Imgae" is not declared by the template (it declares Image, Cpu, Zones)');
  });
});

describe('inputs read from INPUT_* into a plan', () => {
  it('applies the defaults and reads a parameters file', () => {
    const plan = planFrom({ parameters: 'params-svc.yaml' });
    expect(plan).toMatchObject({
      stackName: 'svc',
      region: 'eu-central-1',
      capabilities: ['CAPABILITY_IAM'],
      execute: true,
      failOnEmptyChangeSet: false,
      recreateFailedStack: false,
      terminationProtection: undefined,
      rollbackMonitoringMinutes: 5,
      timeoutMs: 3_600_000,
      changeSetName: 'deploy-r7-a1-00c0ffee',
    });
    expect(plan.template.kind).toBe('body');
    expect([...plan.parameters]).toEqual([['Image', 'registry/app@sha256:abc'], ['DbPassword', 's3cr3t,with,commas']]);
    // NoEcho values are what gets masked.
    expect(secretValues(plan)).toEqual(['s3cr3t,with,commas']);
  });

  it('reads one Key=Value line whose value ends like a file name as a parameter, not a missing file', () => {
    expect([...planFrom({ parameters: 'Image=registry/app/config.json' }).parameters]).toEqual([['Image', 'registry/app/config.json']]);
    expect([...planFrom({ parameters: 'Image = build/v1.yaml' }).parameters]).toEqual([['Image', 'build/v1.yaml']]);
    expect([...planFrom({ parameters: 'Image: build/v1.yaml' }).parameters]).toEqual([['Image', 'build/v1.yaml']]);
  });

  it('reads booleans, lists and the S3 template forms', () => {
    const plan = planFrom({
      template: 's3://my-templates/svc/v1.yaml',
      execute: 'false',
      'fail-on-empty-changeset': 'true',
      'recreate-failed-stack': 'True',
      'termination-protection': 'true',
      capabilities: 'CAPABILITY_IAM\nCAPABILITY_NAMED_IAM',
      'rollback-alarms': 'arn:aws:cloudwatch:eu-central-1:123456789012:alarm:a, arn:aws:cloudwatch:eu-central-1:123456789012:alarm:b',
      'rollback-monitoring-time': '1h',
    });
    expect(plan.template).toEqual({ kind: 'url', url: 'https://my-templates.s3.eu-central-1.amazonaws.com/svc/v1.yaml', declared: null });
    expect(plan).toMatchObject({ execute: false, failOnEmptyChangeSet: true, recreateFailedStack: true, terminationProtection: true, rollbackMonitoringMinutes: 60 });
    expect(plan.capabilities).toEqual(['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM']);
    expect(plan.rollbackAlarms).toHaveLength(2);
    expect(planFrom({ capabilities: 'none' }).capabilities).toEqual([]);
  });

  it.each([
    ['name', { name: '' }, 'Input "name" is required (the stack name).'],
    ['name', { name: '1-svc' }, 'Input "name": "1-svc" is not a stack name'],
    ['template', { template: 'missing.yaml' }, 'Input "template": file "missing.yaml" not found'],
    ['template', { template: 'ftp://host/t.yaml' }, 'Input "template": "ftp://host/t.yaml" is not a supported location'],
    ['parameters', { parameters: 'nope.yaml' }, 'Input "parameters": file "nope.yaml" not found'],
    ['parameters', { parameters: 'Image=x\nbroken' }, 'Input "parameters": line 2 is not Key=Value'],
    ['capabilities', { capabilities: 'CAPABILITY_ADMIN' }, 'Input "capabilities": "CAPABILITY_ADMIN" is not one of CAPABILITY_IAM | CAPABILITY_NAMED_IAM | CAPABILITY_AUTO_EXPAND (or none).'],
    ['role-arn', { 'role-arn': 'cfn-role' }, 'Input "role-arn": "cfn-role" is not an IAM role ARN'],
    ['rollback-alarms', { 'rollback-alarms': 'arn:aws:sns:eu-central-1:123456789012:topic' }, 'is not a CloudWatch alarm ARN'],
    ['rollback-monitoring-time', { 'rollback-monitoring-time': '4h' }, 'Input "rollback-monitoring-time": "4h" is out of range; expected whole minutes from 0m to 180m'],
    ['rollback-monitoring-time', { 'rollback-monitoring-time': '90s' }, 'Input "rollback-monitoring-time": expected whole minutes from 0m to 180m'],
    ['rollback-monitoring-time', { 'rollback-monitoring-time': 'soon' }, 'Input "rollback-monitoring-time": "soon" is not a duration'],
    ['timeout', { timeout: '10s' }, 'Input "timeout": "10s" is out of range; expected a duration from 1m to 24h'],
    ['timeout', { timeout: `1${'0'.repeat(400)}h` }, 'is out of range; expected a duration from 1m to 24h'],
    ['execute', { execute: 'yes' }, 'Input "execute": "yes" is not a boolean; expected true or false.'],
    ['termination-protection', { 'termination-protection': 'on' }, 'Input "termination-protection": "on" is not valid'],
    ['s3-bucket', { 's3-bucket': 'Bad_Bucket' }, 'Input "s3-bucket": "Bad_Bucket" is not an S3 bucket name.'],
    ['region', { region: 'Frankfurt' }, 'Input "region": "Frankfurt" is not an AWS region name'],
  ])('rejects a bad %s', (_input, inputs, message) => {
    expect(() => planFrom(inputs)).toThrow(message);
  });
});

describe('files are read only inside the workspace (symlinks resolved)', () => {
  let workspace: string;
  let outside: string;
  const planIn = (inputs: Record<string, string>) => {
    Object.assign(process.env, inputEnv({ name: 'svc', template: 'svc.yaml', ...inputs }));
    return buildPlan(readInputs(), { ...ctx, workspace });
  };
  beforeEach(() => {
    workspace = mkdtempSync(join(tmpdir(), 'deploy-ws-'));
    outside = mkdtempSync(join(tmpdir(), 'deploy-outside-'));
    for (const f of ['svc.yaml', 'params-svc.yaml']) {
      copyFileSync(join(fixtures, f), join(workspace, f));
      copyFileSync(join(fixtures, f), join(outside, f));
    }
    mkdirSync(join(workspace, 'cfn'));
    symlinkSync(join(workspace, 'svc.yaml'), join(workspace, 'cfn', 'linked.yaml'));
    symlinkSync(outside, join(workspace, 'escape'));
    symlinkSync(join(outside, 'svc.yaml'), join(workspace, 'escape.yaml'));
  });

  const refused = (input: string, text: string) => `Input "${input}": "${text}" is outside the workspace (${realpathSync(workspace)}); expected a path inside GITHUB_WORKSPACE`;
  it.each([
    ['template', '/etc/passwd'],
    ['template', '../../../../../../etc/passwd'],
    ['template', 'OUTSIDE/svc.yaml'],
    ['template', '../OUTSIDE_NAME/svc.yaml'],
    ['template', 'escape/svc.yaml'],
    ['template', 'escape.yaml'],
    ['template', 'cfn/../../x.yaml'],
    ['parameters', '/etc/passwd'],
    ['parameters', 'file:///etc/hostname'],
    ['parameters', 'file://../OUTSIDE_NAME/params-svc.yaml'],
    ['parameters', 'escape/params-svc.yaml'],
    ['parameters', '../missing.yaml'],
  ])('%s: %s is refused, never read', (input, raw) => {
    const text = raw.replace('OUTSIDE_NAME', basename(outside)).replace('OUTSIDE', outside);
    expect(() => planIn({ [input]: text })).toThrow(refused(input, text.replace(/^file:\/\//, '')));
  });

  it('inside it: relative and absolute paths, and a symlink that stays inside', () => {
    expect(planIn({}).template).toMatchObject({ kind: 'body', path: join(realpathSync(workspace), 'svc.yaml') });
    expect(planIn({ template: join(workspace, 'svc.yaml') }).template.kind).toBe('body');
    expect(planIn({ template: 'cfn/linked.yaml' }).template.kind).toBe('body');
    expect([...planIn({ parameters: 'file://params-svc.yaml' }).parameters.keys()]).toEqual(['Image', 'DbPassword']);
  });

  it('a one-line parameter whose value only looks like a path outside stays a parameter', () => {
    expect([...planIn({ parameters: 'Image=../../registry/app' }).parameters]).toEqual([['Image', '../../registry/app']]);
  });

  it('without GITHUB_WORKSPACE the workspace is the current directory', async () => {
    const { runBundle } = await import('../../test/support/harness.js');
    const run = await runBundle('deploy-stack', {
      cwd: workspace,
      inputs: { name: 'svc', template: join(outside, 'svc.yaml') },
      env: { GITHUB_WORKSPACE: undefined, AWS_ENDPOINT_URL: 'http://127.0.0.1:9' },
    });
    expect(run.code).toBe(1);
    expect(run.errors.join('\n')).toContain(refused('template', join(outside, 'svc.yaml')));
  });
});

describe('templates', () => {
  it('a large template names s3-bucket; with one it is uploaded under a content-addressed key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tpl-'));
    writeFileSync(join(dir, 'big.yaml'), `Resources: {}\n# ${'x'.repeat(60_000)}\n`);
    expect(() => loadTemplate('big.yaml', { workspace: dir, region: 'eu-central-1', stackName: 's' })).toThrow(/is \d+ bytes, over CloudFormation's 51200-byte limit for a template body; set input "s3-bucket"/);
    const a = loadTemplate('big.yaml', { workspace: dir, region: 'eu-central-1', stackName: 's', s3Bucket: 'b' });
    const b = loadTemplate('big.yaml', { workspace: dir, region: 'eu-central-1', stackName: 's', s3Bucket: 'b' });
    expect(a.kind).toBe('upload');
    expect(a.kind === 'upload' && a.key).toMatch(/^mesh-actions\/deploy-stack\/s\/[0-9a-f]{32}\.template$/);
    expect(a.kind === 'upload' && b.kind === 'upload' && a.key === b.key).toBe(true);
  });

  it('s3:// templates become the S3 URL of the region, in the China partition too', () => {
    expect(loadTemplate('s3://t/svc/v 1.yaml', { workspace: fixtures, region: 'eu-central-1', stackName: 's' })).toMatchObject({ url: 'https://t.s3.eu-central-1.amazonaws.com/svc/v%201.yaml' });
    expect(loadTemplate('s3://t/svc.yaml', { workspace: fixtures, region: 'cn-north-1', stackName: 's' })).toMatchObject({ url: 'https://t.s3.cn-north-1.amazonaws.com.cn/svc.yaml' });
  });

  it('change set names are unique per run, attempt and call, and valid for CloudFormation', () => {
    const names = new Set(Array.from({ length: 50 }, () => changeSetName({ ...ctx, random: undefined })));
    expect(names.size).toBe(50);
    for (const n of names) expect(n).toMatch(/^[A-Za-z][-A-Za-z0-9]{0,127}$/);
  });
});
