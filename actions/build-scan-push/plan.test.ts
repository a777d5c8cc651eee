/** Bad inputs end the step before any tool or AWS call, with a message naming the input and the accepted form. */
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBundle } from '../../test/support/harness.js';
import { parsePlatforms } from '../containers/platforms.js';
import { defaultTags, sanitizeTag } from './plan.js';

let workspace: string;
beforeAll(() => {
  workspace = mkdtempSync(join(tmpdir(), 'bsp-inputs-'));
  mkdirSync(join(workspace, 'svc'));
  writeFileSync(join(workspace, 'svc', 'Dockerfile'), 'FROM scratch\n');
  mkdirSync(join(workspace, 'empty'));
});

const base = { context: 'svc', repository: 'team/app', registry: 'registry.example.com', username: 'u', password: 'p', builder: 'buildah' };

describe('input validation through the bundle', () => {
  it.each<[string, Record<string, string>, RegExp]>([
    ['missing context', { context: 'nope' }, /Input "context": .*\/nope is not a directory; expected the build context folder/],
    ['context without a Dockerfile', { context: 'empty' }, /Input "file": .*\/empty\/Dockerfile does not exist; expected a Dockerfile or Containerfile/],
    ['bad platform', { platforms: 'linux/amd64,linux/amd65' }, /Input "platforms": "linux\/amd65" is not a platform; expected os\/arch\[\/variant\] items separated by commas/],
    ['platform without arch', { platforms: 'linux' }, /Input "platforms": "linux" is not a platform/],
    ['unknown severity', { severity: 'CRITICAL,SEVERE' }, /Input "severity": "SEVERE" is not a Trivy severity; expected a comma-separated list of UNKNOWN, LOW, MEDIUM, HIGH, CRITICAL/],
    ['fail-on outside severity', { severity: 'CRITICAL', 'fail-on': 'CRITICAL,MEDIUM' }, /Input "fail-on": MEDIUM is not in "severity" \(CRITICAL\)/],
    ['unknown builder', { builder: 'kaniko' }, /Input "builder": "kaniko" is not one of buildx \| buildah\./],
    ['gha cache with buildah', { cache: 'gha' }, /Input "cache": "gha" needs builder buildx/],
    ['sbom with buildah', { sbom: 'true' }, /Input "sbom": true needs builder buildx/],
    ['missing repository', { repository: '' }, /Input "repository" is required: the image repository name/],
    ['upper-case repository', { repository: 'Team/App' }, /Input "repository": "Team\/App" is not a repository name/],
    ['bad tag', { tags: 'ok,not ok!' }, /Input "tags": "not ok!" is not a valid tag/],
    ['username without password', { password: '' }, /Inputs "username" and "password" go together/],
    ['credentials for ECR', { registry: '123456789012.dkr.ecr.eu-central-1.amazonaws.com' }, /Inputs "username"\/"password" are for non-ECR registries/],
    ['create-repository on another registry', { 'create-repository': 'true' }, /Input "create-repository": only ECR repositories can be created/],
    ['lifecycle policy that is not JSON', { registry: '', username: '', password: '', 'lifecycle-policy': '{rules:' }, /Input "lifecycle-policy" is not JSON/],
    ['lifecycle policy without rules', { registry: '', username: '', password: '', 'lifecycle-policy': '{"rules":[]}' }, /Input "lifecycle-policy": expected an ECR lifecycle policy document with a non-empty "rules" array/],
    ['build-arg without =', { 'build-args': 'GOOD=1\nBROKEN' }, /Input "build-args": "BROKEN" is not KEY=value/],
    ['missing trivyignore', { trivyignore: '.trivyignore' }, /Input "trivyignore": .*\.trivyignore does not exist/],
    ['tuf mirror without root', { 'sigstore-tuf-mirror': 'https://tuf.example.com' }, /Input "sigstore-tuf-root" is required with "sigstore-tuf-mirror"/],
    ['region other than the ECR registry\'s', { registry: '123456789012.dkr.ecr.eu-central-1.amazonaws.com', username: '', password: '', region: 'us-east-1' }, /Input "region": "us-east-1" is not the region of registry 123456789012\.dkr\.ecr\.eu-central-1\.amazonaws\.com; leave it empty or set eu-central-1\./],
    ['non-boolean push', { push: 'yes' }, /Input "push": "yes" is not a boolean; expected true or false\./],
    // Each of these used to be found only after the work folder was made and Trivy downloaded.
    ['missing trivy-path', { 'trivy-path': 'bin/trivy' }, /Input "trivy-path": .*\/bin\/trivy does not exist or is not a file; expected the path of a trivy binary\./],
    ['trivy-mirror that does not parse', { 'trivy-mirror': 'http://[mirror' }, /Input "trivy-mirror": "http:\/\/\[mirror" is not an http\(s\) URL; expected http\(s\):\/\/host\[:port\]\[\/path\]\./],
    ['region that is no region, without a push', { push: 'false', region: 'Frankfurt' }, /Input "region": "Frankfurt" is not an AWS region name/],
    ['kms-key that is no key', { registry: '', username: '', password: '', 'kms-key': 'my key' }, /Input "kms-key": "my key" is not a KMS key/],
    ['target that is no stage name', { target: '--output=/' }, /Input "target": "--output=\/" is not a stage name/],
    ['lifecycle policy with a number too large', { registry: '', username: '', password: '', 'lifecycle-policy': '{"rules":[{"rulePriority":1e400}]}' }, /Input "lifecycle-policy": the number at \$\.rules\[0\]\.rulePriority is not finite/],
    ['SOURCE_DATE_EPOCH too large for a date', { env: 'SOURCE_DATE_EPOCH' }, /SOURCE_DATE_EPOCH: "1(0){400}" is not valid; expected whole Unix seconds from 0 to 253402300799\./],
  ])('%s', async (_name, inputs, message) => {
    const { env: envName, ...given } = inputs as Record<string, string>;
    const env = { GITHUB_WORKSPACE: workspace, ...(envName ? { [envName]: `1${'0'.repeat(400)}` } : {}) };
    const res = await runBundle('build-scan-push', { cwd: workspace, inputs: { ...base, ...given }, env });
    expect(res.code).toBe(1);
    expect(res.errors.join('\n')).toMatch(message);
    // Nothing ran: no tool, no AWS call, no download, not even the work folder.
    expect(res.stdout).not.toContain('[command]');
    expect(readdirSync(res.workdir).filter((f) => f.startsWith('build-scan-push-'))).toEqual([]);
    expect(res.state).not.toHaveProperty('workDir');
  });
});

describe('pure input helpers', () => {
  it('normalizes and de-duplicates platforms', () => {
    expect(parsePlatforms(['linux/AMD64', 'linux/arm64/v8', 'linux/amd64', 'linux/arm/v7'])).toEqual(['linux/amd64', 'linux/arm64/v8', 'linux/arm/v7']);
  });

  it.each([
    [{ sha: '0123456789abcdef0123456789abcdef01234567', ref: 'refs/heads/main' }, ['sha-0123456', 'main'], ['main']],
    [{ sha: '0123456789abcdef0123456789abcdef01234567', ref: 'refs/heads/feature/JIRA-1_x' }, ['sha-0123456', 'feature-JIRA-1_x'], ['feature-JIRA-1_x']],
    [{ sha: '0123456789abcdef0123456789abcdef01234567', ref: 'refs/tags/v1.4.2' }, ['sha-0123456', '1.4.2'], []],
    [{ sha: '0123456789abcdef0123456789abcdef01234567', ref: 'refs/tags/release-candidate' }, ['sha-0123456', 'release-candidate'], []],
    [{ sha: '0123456789abcdef0123456789abcdef01234567', ref: 'refs/pull/7/merge' }, ['sha-0123456'], []],
  ])('default tags for %o', (ctx, tags, moving) => {
    expect(defaultTags(ctx)).toEqual({ tags, moving });
  });

  it('sanitizes branch names into tags', () => {
    expect(sanitizeTag('-feat/ä b')).toBe('feat---b');
    expect(sanitizeTag('dependabot/npm_and_yarn/x-1.2')).toBe('dependabot-npm_and_yarn-x-1.2');
  });
});

describe('ECR inputs', () => {
  it('needs a region for the caller\'s ECR registry, and says so before any download or build', async () => {
    const res = await runBundle('build-scan-push', {
      cwd: workspace, inputs: { context: 'svc', repository: 'team/app', builder: 'buildah' },
      env: { GITHUB_WORKSPACE: workspace, AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined },
    });
    expect(res.code).toBe(1);
    expect(res.errors.join('\n')).toMatch(/Input "region" is required when neither AWS_REGION nor AWS_DEFAULT_REGION is set/);
    expect(res.stdout).not.toContain('[command]');
  });

  it('masks the password before validating anything else', async () => {
    const res = await runBundle('build-scan-push', {
      cwd: workspace, inputs: { ...base, password: 'hunter2-secret', platforms: 'linux/none' }, env: { GITHUB_WORKSPACE: workspace },
    });
    expect(res.code).toBe(1);
    expect(res.stdout.split('\n')[0]).toBe('::add-mask::hunter2-secret');
  });
});
