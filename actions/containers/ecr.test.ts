/**
 * ECR against moto: the caller's registry and a masked password, the repository created the safe way,
 * and the order: nothing is written to AWS before the gate passed, and an immutable tag that holds
 * another image stops the push.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateRepositoryCommand, DescribeRepositoriesCommand, ECRClient, GetLifecyclePolicyCommand, PutImageCommand, RepositoryNotFoundException,
} from '@aws-sdk/client-ecr';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { useMoto } from '../../test/support/use-moto.js';
import { runBundle } from '../../test/support/harness.js';
import { ecrLogin, ensureRepository, existingTagDigests } from './ecr.js';
import { DEFAULT_LIFECYCLE_POLICY, parseEcrHost } from './ecr-inputs.js';
import { commands, requires } from '../../test/support/requires.js';
import { FAKE_TRIVY } from '../../test/support/containers/trivy-release.js';

const FIXTURES = join(import.meta.dirname, '../../test/fixtures/trivy');
const ACCOUNT = '123456789012';
const HOST = `${ACCOUNT}.dkr.ecr.eu-central-1.amazonaws.com`;
const moto = useMoto();
let ecr: ECRClient;
beforeAll(() => {
  ecr = new ECRClient({ region: 'eu-central-1' });
});
beforeEach(() => moto.current.reset());

const repoExists = async (name: string) =>
  ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [name] })).then(() => true, (e) => (e instanceof RepositoryNotFoundException ? false : Promise.reject(e)));

describe('ECR module', () => {
  it('recognizes ECR hosts', () => {
    expect(parseEcrHost(HOST)).toEqual({ accountId: ACCOUNT, region: 'eu-central-1' });
    expect(parseEcrHost('123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com')).toEqual({ accountId: ACCOUNT, region: 'us-gov-west-1' });
    expect(parseEcrHost('ghcr.io')).toBeNull();
  });

  it('logs in to the caller\'s registry', async () => {
    const creds = await ecrLogin(ecr, undefined);
    expect(creds.registry).toBe(HOST);
    expect(creds.username).toBe('AWS');
    expect(creds.password.length).toBeGreaterThan(0);
  });

  it('creates a missing repository with immutable tags, scan on push, KMS and the default lifecycle policy', async () => {
    const info = await ensureRepository(ecr, { name: 'team/new', create: true, lifecyclePolicy: JSON.stringify(DEFAULT_LIFECYCLE_POLICY) });
    expect(info).toMatchObject({ mutability: 'IMMUTABLE', created: true, uri: `${HOST}/team/new` });
    const repo = (await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['team/new'] }))).repositories![0];
    expect(repo.imageTagMutability).toBe('IMMUTABLE');
    expect(repo.imageScanningConfiguration?.scanOnPush).toBe(true);
    expect(repo.encryptionConfiguration?.encryptionType).toBe('KMS');
    const policy = await ecr.send(new GetLifecyclePolicyCommand({ repositoryName: 'team/new' }));
    expect(JSON.parse(policy.lifecyclePolicyText!)).toEqual(DEFAULT_LIFECYCLE_POLICY);
    // Idempotent: a second call finds it.
    expect(await ensureRepository(ecr, { name: 'team/new', create: true, lifecyclePolicy: '{}' })).toMatchObject({ created: false, mutability: 'IMMUTABLE' });
  });

  it('a repository whose lifecycle policy cannot be set is not left behind half-made', async () => {
    // moto takes any policy; the refusal (a role without ecr:PutLifecyclePolicy) is injected in the SDK.
    const denied = new ECRClient({ region: 'eu-central-1' });
    denied.middlewareStack.add((next, context) => async (args) => {
      if (context.commandName === 'PutLifecyclePolicyCommand') throw Object.assign(new Error('not authorized to perform: ecr:PutLifecyclePolicy'), { name: 'AccessDeniedException' });
      return next(args);
    }, { step: 'initialize' });
    await expect(ensureRepository(denied, { name: 'team/half', create: true, lifecyclePolicy: JSON.stringify(DEFAULT_LIFECYCLE_POLICY) })).rejects.toThrow(
      'Setting the lifecycle policy of ECR repository "team/half" failed (not authorized to perform: ecr:PutLifecyclePolicy); the new repository was deleted again. Nothing was pushed.',
    );
    expect(await repoExists('team/half')).toBe(false);
  });

  it('refuses a missing repository without create-repository', async () => {
    await expect(ensureRepository(ecr, { name: 'team/absent', create: false, lifecyclePolicy: '{}' })).rejects.toThrow('ECR repository "team/absent" does not exist; create it, or set create-repository: true.');
  });

  it('finds which tags already exist and the digest each holds', async () => {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'team/tags' }));
    const manifest = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${'a'.repeat(64)}`, size: 2 }, layers: [] });
    const put = await ecr.send(new PutImageCommand({ repositoryName: 'team/tags', imageManifest: manifest, imageTag: 'v1' }));
    const found = await existingTagDigests(ecr, 'team/tags', undefined, ['v1', 'v2'], undefined);
    expect([...found]).toEqual([['v1', put.image!.imageId!.imageDigest]]);
  });
});

const withTools = requires('ECR through the bundle', commands('buildah', 'skopeo'));

withTools.describe('ECR through the bundle', () => {
  let workspace: string;
  beforeAll(() => {
    workspace = mkdtempSync(join(tmpdir(), 'bsp-ecr-'));
    mkdirSync(join(workspace, 'svc'));
    writeFileSync(join(workspace, 'svc', 'hello.txt'), 'hi\n');
    writeFileSync(join(workspace, 'svc', 'Containerfile'), 'FROM scratch\nCOPY hello.txt /hello.txt\n');
  });

  const run = (inputs: Record<string, string>, report = 'alpine-310.json') => {
    const storage = mkdtempSync(join(tmpdir(), 'bsp-ecr-storage-'));
    writeFileSync(join(storage, 'storage.conf'), `[storage]\ndriver = "vfs"\ngraphroot = "${storage}/g"\nrunroot = "${storage}/r"\n`);
    return runBundle('build-scan-push', {
      cwd: workspace,
      inputs: { builder: 'buildah', context: 'svc', repository: 'team/svc', 'create-repository': 'true', 'trivy-path': FAKE_TRIVY, 'trivy-trust-unverified': 'true', tags: 'release-1', ...inputs },
      env: {
        ...moto.current.env, GITHUB_WORKSPACE: workspace, CONTAINERS_STORAGE_CONF: join(storage, 'storage.conf'),
        FAKE_TRIVY_REPORT: join(FIXTURES, report), FAKE_TRIVY_SARIF: join(FIXTURES, 'alpine-310.sarif'),
      },
    });
  };

  it('writes nothing to AWS when the gate fails (the repository is not even created)', async () => {
    const res = await run({}, 'alpine-39-high-critical.json');
    expect(res.code).toBe(1);
    expect(res.errors.join('\n')).toMatch(/Scan gate failed/);
    expect(await repoExists('team/svc')).toBe(false);
    // The ECR password was masked as soon as it was read.
    expect(res.stdout).toMatch(/^::add-mask::/m);
  });

  it('stops before pushing when an immutable tag already holds another image', async () => {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'team/svc', imageTagMutability: 'IMMUTABLE' }));
    const other = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${'b'.repeat(64)}`, size: 2 }, layers: [] });
    await ecr.send(new PutImageCommand({ repositoryName: 'team/svc', imageManifest: other, imageTag: 'release-1' }));
    const res = await run({});
    expect(res.code).toBe(1);
    expect(res.errors.join('\n')).toMatch(/Immutable tag\(s\) release-1 \(→ sha256:[0-9a-f]{64}\) already hold another image in team\/svc; nothing was pushed\./);
    // The moving branch tag is not even attempted in an immutable repository.
    expect(res.stdout).toContain('::notice::Not tagging main: team/svc has immutable tags.');
    expect(res.stdout).not.toContain('[command]skopeo');
  });

  it('with push: false builds and scans without any AWS call, naming the image by the given registry', async () => {
    const res = await run({ registry: HOST, push: 'false', 'create-repository': 'false' });
    expect(res.errors, res.stdout).toEqual([]);
    expect(res.outputs.image).toMatch(new RegExp(`^${HOST.replace(/\./g, '\\.')}/team/svc@sha256:[0-9a-f]{64}$`));
    expect(res.stdout).not.toContain('::add-mask::');
    expect(await repoExists('team/svc')).toBe(false);
  });

  it('refuses a missing repository without create-repository, before any push', async () => {
    const res = await run({ 'create-repository': 'false' });
    expect(res.code).toBe(1);
    expect(res.errors.join('\n')).toContain('ECR repository "team/svc" does not exist; create it, or set create-repository: true.');
    expect(res.stdout).not.toContain('[command]skopeo');
  });
});
