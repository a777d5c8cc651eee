/**
 * buildah, for runners without a Docker engine: one `buildah build --manifest` for every platform
 * (no emulation needed for a context without RUN), then the manifest list written as an OCI archive;
 * a single platform is built as a plain image, so its digest is the image manifest's, as with buildx.
 * `--isolation chroot` works unprivileged and inside containers; storage follows the usual
 * containers-storage configuration (CONTAINERS_STORAGE_CONF, STORAGE_DRIVER).
 */
import { randomBytes } from 'node:crypto';
import { InputError } from '../../../common/errors.js';
import { mustRun, runTool } from '../process.js';
import { buildArgFlags, labelFlags, type BuildPlan, type Builder } from './types.js';

export function buildahBuildArgs(plan: BuildPlan, name: string, forCache = false): string[] {
  const args = ['build', '--isolation', 'chroot', '--platform', plan.platforms.join(','), '-f', plan.file, ...buildArgFlags(plan), ...labelFlags(plan)];
  if (plan.target) args.push('--target', plan.target);
  if (plan.cache === 'registry' && plan.cacheRef) {
    args.push('--layers', '--cache-from', plan.cacheRef.replace(/:[^:/]+$/, ''));
    if (forCache) args.push('--cache-to', plan.cacheRef.replace(/:[^:/]+$/, ''));
  }
  if (plan.authFile) args.push('--authfile', plan.authFile);
  args.push(plan.platforms.length > 1 ? '--manifest' : '--tag', name, plan.context);
  return args;
}

export function checkBuildahPlan(plan: Pick<BuildPlan, 'cache' | 'provenance' | 'sbom'>): void {
  if (plan.cache === 'gha') throw new InputError('Input "cache": "gha" needs builder buildx (the GitHub cache backend is BuildKit\'s); with buildah use registry or none.');
  if (plan.provenance) throw new InputError('Input "provenance": true needs builder buildx (buildah writes no provenance attestations); set it to false with buildah.');
  if (plan.sbom) throw new InputError('Input "sbom": true needs builder buildx (buildah writes no SBOM attestations); set it to false with buildah.');
}

export class BuildahBuilder implements Builder {
  readonly name = 'buildah' as const;
  readonly state: Record<string, string> = {};
  private readonly manifest = `mesh-build-${randomBytes(6).toString('hex')}`;

  async build(plan: BuildPlan, signal: AbortSignal): Promise<void> {
    checkBuildahPlan(plan);
    if (plan.platforms.length === 1) {
      this.state.buildahImage = this.manifest;
      await mustRun('buildah', buildahBuildArgs(plan, this.manifest), { signal });
      await mustRun('buildah', ['push', this.manifest, `oci-archive:${plan.archivePath}`], { signal });
      return;
    }
    this.state.buildahManifest = this.manifest;
    await mustRun('buildah', buildahBuildArgs(plan, this.manifest), { signal });
    await mustRun('buildah', ['manifest', 'push', '--all', this.manifest, `oci-archive:${plan.archivePath}`], { signal });
  }

  async exportCache(plan: BuildPlan, signal: AbortSignal): Promise<void> {
    if (plan.cache !== 'registry') return;
    const name = `${this.manifest}-cache`;
    try {
      await mustRun('buildah', buildahBuildArgs(plan, name, true), { signal });
    } finally {
      await runTool('buildah', plan.platforms.length > 1 ? ['manifest', 'rm', name] : ['rmi', name], { signal, echo: false });
    }
  }

  async cleanup(state: Record<string, string>, signal: AbortSignal): Promise<void> {
    if (state.buildahImage) await runTool('buildah', ['rmi', state.buildahImage], { signal });
    const list = state.buildahManifest;
    if (!list) return;
    // The list's images first (they are only referenced by it), then the list itself.
    const inspect = await runTool('buildah', ['manifest', 'inspect', list], { signal, echo: false });
    if (inspect.code !== 0) return;
    const digests = ((JSON.parse(inspect.stdout) as { manifests?: { digest: string }[] }).manifests ?? []).map((m) => m.digest);
    await runTool('buildah', ['manifest', 'rm', list], { signal });
    const images = await runTool('buildah', ['images', '--all', '--json'], { signal, echo: false });
    const listed = images.code === 0 ? (JSON.parse(images.stdout || '[]') as { id: string; digest: string }[]) : [];
    const ids = listed.filter((i) => digests.includes(i.digest)).map((i) => i.id);
    if (ids.length) await runTool('buildah', ['rmi', ...ids], { signal });
  }
}
