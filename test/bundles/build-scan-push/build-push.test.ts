/**
 * The whole action through its bundle: a real buildah build (chroot isolation, vfs storage) of a
 * two-platform FROM-scratch context, Trivy installed from a local mirror and verified (SHA-256 table +
 * Sigstore bundle), the gate, and a push to Debian's docker-registry with username/password.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runPost, startBundle, type RunResult, type Running } from '../../support/harness.js';
import { assetKey } from '../../../actions/containers/trivy/install.js';
import { startRegistry, type Registry } from '../../support/containers/registry.js';
import { commands, requires } from '../../support/requires.js';
import { FAKE_TRIVY, startTrivyMirror, type TrivyMirror } from '../../support/containers/trivy-release.js';
import { startFlakyProxy } from '../../support/containers/flaky-proxy.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/trivy');
const withTools = requires('build-scan-push with buildah and a local registry', commands('buildah', 'docker-registry', 'skopeo', 'htpasswd'));

withTools.describe('build-scan-push with buildah and a local registry', () => {
  let registry: Registry;
  let mirror: TrivyMirror;
  let context: string;
  let scratch: string;

  beforeAll(async () => {
    [registry, mirror] = await Promise.all([startRegistry(), startTrivyMirror(assetKey())]);
    scratch = mkdtempSync(join(tmpdir(), 'bsp-'));
    context = join(scratch, 'service');
    mkdirSync(context);
    // A static payload: FROM scratch + COPY builds for any platform without emulation.
    writeFileSync(join(context, 'hello.txt'), 'hello from mesh-actions\n');
    writeFileSync(join(context, 'Containerfile'), 'FROM scratch\nARG GREETING=hi\nCOPY hello.txt /hello.txt\nLABEL greeting=$GREETING\n');
  });
  afterAll(async () => {
    await Promise.all([registry?.stop(), mirror?.close()]);
  });

  function run(repository: string, report: string, inputs: Record<string, string | undefined> = {}, env: Record<string, string> = {}): Promise<RunResult> {
    return start(repository, report, inputs, env).done;
  }

  function start(repository: string, report: string, inputs: Record<string, string | undefined> = {}, env: Record<string, string> = {}): Running {
    return startBundle('build-scan-push', {
      cwd: scratch,
      inputs: {
        builder: 'buildah', context: 'service', platforms: 'linux/amd64,linux/arm64', 'build-args': 'GREETING=hello',
        registry: registry.host, repository, username: registry.username, password: registry.password, tags: 'release-1',
        // Trivy cannot run here: its CLI double, which is no release binary, so only through the opt-out.
        'trivy-path': FAKE_TRIVY, 'trivy-trust-unverified': 'true',
        ...inputs,
      },
      env: {
        ...registry.env,
        GITHUB_WORKSPACE: scratch,
        FAKE_TRIVY_REPORT: join(FIXTURES, report),
        FAKE_TRIVY_SARIF: join(FIXTURES, 'alpine-310.sarif'),
        FAKE_TRIVY_LOG: join(scratch, `trivy-${repository.replace(/\//g, '-')}.log`),
        ...env,
      },
      timeoutMs: 150_000,
    });
  }

  it('builds both platforms, scans each before pushing, and outputs the digest the registry holds', async () => {
    const res = await run('team/hello', 'alpine-310.json');
    expect(res.errors, res.stdout + res.stderr).toEqual([]);
    expect(res.code).toBe(0);
    const { digest, image, tags, metadata, sarif } = res.outputs;
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(image).toBe(`${registry.host}/team/hello@${digest}`);
    // Every tag points at exactly the scanned digest: user tag, sha-<short>, branch.
    expect(tags.split('\n')).toEqual(['release-1', 'sha-0123456', 'main'].map((t) => `${registry.host}/team/hello:${t}`));
    for (const tag of ['release-1', 'sha-0123456', 'main']) expect(await registry.manifestDigest('team/hello', tag)).toBe(digest);
    expect(await registry.manifestDigest('team/hello', digest)).toBe(digest);

    const index = await registry.manifest('team/hello', digest);
    expect(index.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    // buildah builds the platforms concurrently: the list is in completion order.
    expect(index.manifests.map((m: any) => `${m.platform.os}/${m.platform.architecture}`).sort()).toEqual(['linux/amd64', 'linux/arm64']);
    const meta = JSON.parse(metadata);
    expect(meta.platforms.map((p: any) => p.digest)).toEqual(index.manifests.map((m: any) => m.digest));
    expect(meta.labels['org.opencontainers.image.revision']).toBe('0123456789abcdef0123456789abcdef01234567');
    expect(meta.labels['org.opencontainers.image.source']).toBe('https://github.com/example-org/example-service');

    // Trivy ran once per platform, on a single-image layout, with the pinned 0.75 flags.
    const calls = readFileSync(join(scratch, 'trivy-team-hello.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const scans = calls.filter((c: string[]) => c[0] === 'image');
    expect(scans).toHaveLength(2);
    expect(scans[0]).toEqual(expect.arrayContaining(['--format', 'json', '--severity', 'CRITICAL,HIGH', '--scanners', 'vuln,secret', '--exit-code', '0']));
    expect(res.stdout).toContain(`Trivy 0.75.0 (trivy-path): ${FAKE_TRIVY}`);
    // The double is no release binary: it ran through the opt-out, which says so in the log and the summary.
    expect(res.warnings.join('\n')).toContain(`Running Trivy 0.75.0 from ${FAKE_TRIVY} unverified (trivy-trust-unverified: true)`);
    expect(res.summary).toContain('**Unverified Trivy:**');

    // The fixture's findings are MEDIUM: outside severity CRITICAL,HIGH, so nothing counted.
    expect([res.outputs.critical, res.outputs.high, res.outputs.medium]).toEqual(['0', '0', '0']);
    expect(JSON.parse(readFileSync(sarif, 'utf8')).version).toBe('2.1.0');
    expect(res.summary).toContain('Trivy scan of');
    expect(res.summary).toContain('✅ passed');

    // The password reached the runner only as a mask request, never in the log.
    const leaks = res.stdout.split('\n').filter((l) => l.includes(registry.password) && !l.startsWith('::add-mask::'));
    expect(leaks).toEqual([]);
    expect(res.stdout).toContain(`::add-mask::${registry.password}`);

    // Post removes the scratch folder, which held the registry auth file.
    const workDir = res.state.workDir;
    expect(existsSync(join(workDir, 'auth', 'config.json'))).toBe(true);
    const post = await runPost('build-scan-push', res, { env: registry.env });
    expect(post.code).toBe(0);
    expect(existsSync(workDir)).toBe(false);
    // ...and the builder's images and manifest list.
    const buildah = (...args: string[]) => execFileSync('buildah', args, { env: { ...process.env, ...registry.env } }).toString().trim();
    expect(buildah('images', '--all', '--quiet')).toBe('');
  });

  it('pushes nothing when the gate fails, and still reports counts, SARIF and a summary', async () => {
    const res = await run('team/vulnerable', 'alpine-39-high-critical.json');
    expect(res.code).toBe(1);
    expect(res.errors.join('\n')).toMatch(/Scan gate failed: 2 finding\(s\) at CRITICAL \(fail-on: CRITICAL,HIGH\), e\.g\. CVE-2019-14697 in musl .*Nothing was pushed\./);
    expect(res.outputs.critical).toBe('2');
    expect(res.outputs.digest).toBeUndefined();
    expect(existsSync(res.outputs.sarif)).toBe(true);
    expect(res.summary).toContain('❌ failed');
    expect(res.summary).toMatch(/\| CRITICAL \| CVE-2019-14697 \| musl \|/);
    expect(await registry.tags('team/vulnerable')).toEqual([]);
    expect(await registry.manifestDigest('team/vulnerable', 'release-1')).toBeNull();
    await runPost('build-scan-push', res, { env: registry.env });
  });

  it('reports without failing with fail-on: none, and builds without pushing with push: false', async () => {
    const res = await run('team/report-only', 'alpine-39-high-critical.json', { 'fail-on': 'none', push: 'false', platforms: 'linux/arm64' });
    expect(res.errors, res.stdout).toEqual([]);
    expect(res.outputs.critical).toBe('2');
    expect(res.outputs.digest).toMatch(/^sha256:/);
    // One platform: the digest is the image manifest's.
    expect(JSON.parse(res.outputs.metadata).mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
    expect(await registry.tags('team/report-only')).toEqual([]);
    await runPost('build-scan-push', res, { env: registry.env });
  });

  it('writes a registry build cache only after the gate passed', async () => {
    const failed = await run('team/cached', 'alpine-39-high-critical.json', { cache: 'registry' });
    expect(failed.code).toBe(1);
    expect(await registry.tags('team/cached')).toEqual([]);
    await runPost('build-scan-push', failed, { env: registry.env });

    const res = await run('team/cached', 'alpine-310.json', { cache: 'registry' });
    expect(res.errors, res.stdout).toEqual([]);
    const tags = await registry.tags('team/cached');
    expect(tags).toEqual(expect.arrayContaining(['release-1', 'sha-0123456', 'main']));
    // buildah's layer cache lands next to the image, tagged by cache key.
    expect(tags.length).toBeGreaterThan(3);
    expect(await registry.manifestDigest('team/cached', 'release-1')).toBe(res.outputs.digest);
    await runPost('build-scan-push', res, { env: registry.env });
  });

  it('stops cleanly when cancelled mid-scan: the scanner is ended, nothing is pushed, post cleans up', async () => {
    const running = start('team/cancelled', 'alpine-310.json', {}, { FAKE_TRIVY_SLEEP_MS: '30000' });
    await running.waitFor('[command]' + FAKE_TRIVY + ' image');
    const t0 = Date.now();
    running.child.kill('SIGTERM');
    const res = await running.done;
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(res.code).toBe(1);
    expect(res.errors.join('\n')).toMatch(/cancelled by SIGTERM/);
    expect(await registry.tags('team/cancelled')).toEqual([]);
    const post = await runPost('build-scan-push', res, { env: registry.env });
    expect(post.code).toBe(0);
    expect(existsSync(res.state.workDir)).toBe(false);
  });

  it('rides out a registry fault during the push and still lands exactly the scanned digest', async () => {
    // Every manifest PUT of the first attempt fails with 503; skopeo's and our retries recover.
    const proxy = await startFlakyProxy(registry.host, (method, path) => method === 'PUT' && path.includes('/manifests/'), 2, 503, join(scratch, 'flaky-registries.conf'));
    try {
      const res = await run('team/flaky', 'alpine-310.json', { registry: proxy.host, tags: 'flaky-1', platforms: 'linux/amd64' }, { CONTAINERS_REGISTRIES_CONF: proxy.registriesConf });
      expect(res.errors, res.stdout + res.stderr).toEqual([]);
      expect(proxy.faults.length).toBe(2);
      expect(await registry.manifestDigest('team/flaky', 'flaky-1')).toBe(res.outputs.digest);
      await runPost('build-scan-push', res, { env: registry.env });
    } finally {
      await proxy.close();
    }
  });

  it('pushes without scanning only when told to, and says so', async () => {
    const res = await run('team/unscanned', 'alpine-39-high-critical.json', { scan: 'false', tags: 'u-1', platforms: 'linux/amd64' });
    expect(res.code).toBe(0);
    expect(res.warnings.join('\n')).toContain('scan: false: this image is pushed without a vulnerability scan.');
    expect(res.outputs.sarif).toBeUndefined();
    expect(await registry.manifestDigest('team/unscanned', 'u-1')).toBe(res.outputs.digest);
    await runPost('build-scan-push', res, { env: registry.env });
  });

  it('fails closed, before building, when the downloaded Trivy does not match the committed SHA-256 table', async () => {
    // The bundle carries the real table: any archive but the genuine release is refused.
    const path = `/release/${mirror.assetName}`;
    mirror.server.files.set(path, Buffer.concat([mirror.archive, Buffer.from('tampered')]));
    try {
      const res = await run('team/untrusted-scanner', 'alpine-310.json', {
        'trivy-path': undefined, 'trivy-mirror': mirror.releaseBase, 'sigstore-tuf-mirror': mirror.tufMirror, 'sigstore-tuf-root': mirror.tufRootPath,
      });
      expect(res.code).toBe(1);
      expect(res.errors.join('\n')).toMatch(/SHA-256 of trivy_0\.75\.0_\S+ is [0-9a-f]{64}, but the committed table pins [0-9a-f]{64}: refusing to install it/);
      expect(res.stdout).not.toContain('buildah build');
      expect(await registry.tags('team/untrusted-scanner')).toEqual([]);
    } finally {
      mirror.server.files.set(path, mirror.archive);
    }
  });
});
