/** What any builder is asked to do; the drivers turn it into their own command lines. */
export type CacheMode = 'none' | 'gha' | 'registry';

export interface BuildPlan {
  context: string;
  file: string;
  platforms: string[];
  buildArgs: [string, string][];
  target?: string;
  labels: [string, string][];
  cache: CacheMode;
  /** `<registry>/<repository>:buildcache` when cache is `registry`. */
  cacheRef?: string;
  /** GitHub cache scope, so two images of one repository do not evict each other. */
  cacheScope: string;
  provenance: boolean;
  sbom: boolean;
  /** Where the OCI archive of every platform's image goes. */
  archivePath: string;
  /** Registry auth file (containers-auth.json format) for buildah's cache reads/writes. */
  authFile?: string;
  /** The same credentials for `docker login` (buildx reads the docker CLI's credential store). */
  login?: { registry: string; username: string; password: string };
}

export interface Builder {
  readonly name: 'buildx' | 'buildah';
  /** Builds every platform into plan.archivePath (an OCI archive); pushes nothing. */
  build(plan: BuildPlan, signal: AbortSignal): Promise<void>;
  /** After the gate passed: writes the registry cache (a cached rebuild), when cache is `registry`. */
  exportCache(plan: BuildPlan, signal: AbortSignal): Promise<void>;
  /** Post step: removes what the build left behind (local images, temporary builders). */
  cleanup(state: Record<string, string>, signal: AbortSignal): Promise<void>;
  /** What cleanup needs to know, saved as step state. */
  readonly state: Record<string, string>;
}

export function buildArgFlags(plan: BuildPlan, flag = '--build-arg'): string[] {
  return plan.buildArgs.flatMap(([k, v]) => [flag, `${k}=${v}`]);
}

export function labelFlags(plan: BuildPlan): string[] {
  return plan.labels.flatMap(([k, v]) => ['--label', `${k}=${v}`]);
}
