/**
 * The command lines the builders run. buildah's run for real in build-push.test.ts; docker buildx
 * cannot run here (no Docker engine), so its exact flags are pinned here against BuildKit's syntax.
 */
import { describe, expect, it } from 'vitest';
import { buildahBuildArgs } from './buildah.js';
import { buildxBuildArgs } from './buildx.js';
import type { BuildPlan } from './types.js';
import { skopeoCopyArgs } from '../push.js';

const plan = (overrides: Partial<BuildPlan> = {}): BuildPlan => ({
  context: '/w/svc', file: '/w/svc/Dockerfile', platforms: ['linux/amd64', 'linux/arm64'],
  buildArgs: [['VERSION', '1.2.3']], target: 'runtime', labels: [['org.opencontainers.image.revision', 'abc']],
  cache: 'none', cacheScope: 'team/app', provenance: false, sbom: false, archivePath: '/t/image.oci.tar',
  ...overrides,
});

describe('docker buildx', () => {
  it('builds every platform into one OCI archive, without attestations by default', () => {
    expect(buildxBuildArgs(plan(), 'mesh-1', 'image')).toEqual([
      'buildx', 'build', '--builder', 'mesh-1', '--platform', 'linux/amd64,linux/arm64', '-f', '/w/svc/Dockerfile',
      '--build-arg', 'VERSION=1.2.3', '--label', 'org.opencontainers.image.revision=abc', '--target', 'runtime',
      '--provenance=false', '--sbom=false', '--output', 'type=oci,dest=/t/image.oci.tar,tar=true', '/w/svc',
    ]);
  });

  it('reads and writes the GitHub cache with the build, scoped per repository', () => {
    const args = buildxBuildArgs(plan({ cache: 'gha', provenance: true, sbom: true }), 'b', 'image');
    expect(args).toEqual(expect.arrayContaining(['--cache-from', 'type=gha,scope=team/app', '--cache-to', 'type=gha,mode=max,scope=team/app', '--provenance=mode=max', '--sbom=true']));
  });

  it('only reads a registry cache while building; writes it in a cache-only build after the gate', () => {
    const p = plan({ cache: 'registry', cacheRef: 'r.example/team/app:buildcache' });
    const build = buildxBuildArgs(p, 'b', 'image');
    expect(build).toEqual(expect.arrayContaining(['--cache-from', 'type=registry,ref=r.example/team/app:buildcache']));
    expect(build).not.toContain('--cache-to');
    const cache = buildxBuildArgs(p, 'b', 'cache');
    expect(cache).toEqual(expect.arrayContaining(['--cache-to', 'type=registry,ref=r.example/team/app:buildcache,mode=max,image-manifest=true,oci-mediatypes=true', '--output', 'type=cacheonly']));
  });
});

describe('buildah', () => {
  it('builds several platforms into a manifest list with chroot isolation', () => {
    expect(buildahBuildArgs(plan(), 'list-1')).toEqual([
      'build', '--isolation', 'chroot', '--platform', 'linux/amd64,linux/arm64', '-f', '/w/svc/Dockerfile',
      '--build-arg', 'VERSION=1.2.3', '--label', 'org.opencontainers.image.revision=abc', '--target', 'runtime', '--manifest', 'list-1', '/w/svc',
    ]);
  });

  it('builds one platform as a plain image, and uses a registry cache with layers', () => {
    const args = buildahBuildArgs(plan({ platforms: ['linux/arm64'], cache: 'registry', cacheRef: 'r.example/team/app:buildcache', authFile: '/t/auth/config.json' }), 'img', true);
    expect(args).toEqual(expect.arrayContaining(['--layers', '--cache-from', 'r.example/team/app', '--cache-to', 'r.example/team/app', '--authfile', '/t/auth/config.json', '--tag', 'img']));
  });
});

describe('skopeo push', () => {
  it('copies the whole archive, refusing any conversion, and records the digest', () => {
    const saved = process.env.CONTAINERS_REGISTRIES_CONF;
    delete process.env.CONTAINERS_REGISTRIES_CONF;
    try {
      expect(skopeoCopyArgs({ archivePath: '/t/i.tar', authFile: '/t/a.json' }, 'r.example/team/app:v1', '/t/d')).toEqual([
        'copy', '--all', '--preserve-digests', '--retry-times', '3', '--authfile', '/t/a.json', '--digestfile', '/t/d', 'oci-archive:/t/i.tar', 'docker://r.example/team/app:v1',
      ]);
    } finally {
      if (saved !== undefined) process.env.CONTAINERS_REGISTRIES_CONF = saved;
    }
  });
});
