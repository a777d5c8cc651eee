/**
 * docker buildx (the default on GitHub-hosted runners): a docker-container builder (the docker
 * driver cannot export several platforms) writing every platform into one OCI archive.
 */
import { randomBytes } from 'node:crypto';
import { mustRun, runTool } from '../process.js';
import { buildArgFlags, labelFlags, type BuildPlan, type Builder } from './types.js';

function cacheFlags(plan: BuildPlan, withExport: boolean): string[] {
  switch (plan.cache) {
    case 'gha':
      return ['--cache-from', `type=gha,scope=${plan.cacheScope}`, ...(withExport ? ['--cache-to', `type=gha,mode=max,scope=${plan.cacheScope}`] : [])];
    case 'registry':
      return [
        '--cache-from', `type=registry,ref=${plan.cacheRef}`,
        // ECR needs an image manifest (not an index) for cache blobs.
        ...(withExport ? ['--cache-to', `type=registry,ref=${plan.cacheRef},mode=max,image-manifest=true,oci-mediatypes=true`] : []),
      ];
    default:
      return [];
  }
}

export function buildxBuildArgs(plan: BuildPlan, builder: string, mode: 'image' | 'cache'): string[] {
  const args = ['buildx', 'build', '--builder', builder, '--platform', plan.platforms.join(','), '-f', plan.file, ...buildArgFlags(plan), ...labelFlags(plan)];
  if (plan.target) args.push('--target', plan.target);
  // The GitHub cache is written with the image (it is not a registry); a registry cache only after the gate.
  args.push(...cacheFlags(plan, plan.cache === 'gha' || mode === 'cache'));
  if (mode === 'image') {
    args.push(`--provenance=${plan.provenance ? 'mode=max' : 'false'}`, `--sbom=${plan.sbom}`);
    args.push('--output', `type=oci,dest=${plan.archivePath},tar=true`);
  } else {
    args.push('--output', 'type=cacheonly');
  }
  args.push(plan.context);
  return args;
}

export class BuildxBuilder implements Builder {
  readonly name = 'buildx' as const;
  readonly state: Record<string, string> = {};

  constructor(private readonly builderName?: string) {}

  private async ensureBuilder(signal: AbortSignal): Promise<string> {
    if (this.builderName) return this.builderName;
    if (this.state.buildxBuilder) return this.state.buildxBuilder;
    const name = `mesh-${randomBytes(4).toString('hex')}`;
    await mustRun('docker', ['buildx', 'create', '--name', name, '--driver', 'docker-container'], { signal });
    this.state.buildxBuilder = name;
    return name;
  }

  /** Only a registry cache needs credentials at build time; logged out again in post, as docker/login-action does. */
  private async login(plan: BuildPlan, signal: AbortSignal): Promise<void> {
    if (plan.cache !== 'registry' || !plan.login || this.state.dockerLogout) return;
    const { registry, username, password } = plan.login;
    await mustRun('docker', ['login', '--username', username, '--password-stdin', registry], { signal, stdin: password });
    this.state.dockerLogout = registry;
  }

  async build(plan: BuildPlan, signal: AbortSignal): Promise<void> {
    const builder = await this.ensureBuilder(signal);
    await this.login(plan, signal);
    await mustRun('docker', buildxBuildArgs(plan, builder, 'image'), { signal });
  }

  async exportCache(plan: BuildPlan, signal: AbortSignal): Promise<void> {
    if (plan.cache !== 'registry') return;
    await this.login(plan, signal);
    await mustRun('docker', buildxBuildArgs(plan, await this.ensureBuilder(signal), 'cache'), { signal });
  }

  async cleanup(state: Record<string, string>, signal: AbortSignal): Promise<void> {
    if (state.buildxBuilder) await runTool('docker', ['buildx', 'rm', state.buildxBuilder], { signal });
    if (state.dockerLogout) await runTool('docker', ['logout', state.dockerLogout], { signal });
  }
}
