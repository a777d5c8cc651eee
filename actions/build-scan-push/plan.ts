/**
 * Inputs, typed and validated all at once (nothing runs on a bad input), and the pure functions that
 * turn them and the GitHub context into a plan: tags, OCI labels, registry, scan policy.
 */
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import semver from 'semver';
import { resolveRegion } from '../../common/region.js';
import { InputError } from '../../common/errors.js';
import { getBool, getEnum, getLines, getList, getString, raw } from '../lib/inputs.js';
import type { BuildPlan } from '../containers/builders/types.js';
import { checkBuildahPlan } from '../containers/builders/buildah.js';
import { parseEcrHost, parseLifecyclePolicy } from '../containers/ecr-inputs.js';
import { parsePlatforms } from '../containers/platforms.js';
import { parseSeverityList, type Severity } from '../containers/trivy/report.js';

/** The build half of the inputs is the builders' plan as the user wrote it (labels before the OCI defaults). */
export interface Inputs extends Pick<BuildPlan, 'context' | 'file' | 'platforms' | 'buildArgs' | 'target' | 'labels' | 'cache' | 'provenance' | 'sbom'> {
  builder: 'buildx' | 'buildah';
  buildxBuilder?: string;
  /** Registry host; undefined means the caller's ECR registry. */
  registry?: string;
  repository: string;
  tags: string[];
  push: boolean;
  username?: string;
  password?: string;
  region?: string;
  createRepository: boolean;
  lifecyclePolicy: string;
  kmsKey?: string;
  scan: boolean;
  severities: Severity[];
  failOn: Severity[];
  ignoreUnfixed: boolean;
  trivyignore?: string;
  trivyPath?: string;
  trivyTrustUnverified: boolean;
  trivyMirror?: string;
  sigstoreTufMirror?: string;
  sigstoreTufRoot?: string;
}

export interface GitHubContext {
  workspace: string;
  repository: string;
  serverUrl: string;
  sha: string;
  ref: string;
  /** SOURCE_DATE_EPOCH when set (reproducible builds), else now. */
  created: Date;
}

/** Unix seconds up to 9999-12-31T23:59:59Z: the span an image's `created` label can carry. */
const MAX_EPOCH_S = 253_402_300_799;

export function githubContext(env = process.env): GitHubContext {
  const text = env.SOURCE_DATE_EPOCH?.trim();
  let epoch = new Date();
  if (text) {
    const seconds = /^\d+$/.test(text) ? Number(text) : NaN;
    // A reproducible build asked for: a value out of range must not quietly become "now".
    if (!(seconds <= MAX_EPOCH_S)) throw new InputError(`SOURCE_DATE_EPOCH: "${text}" is not valid; expected whole Unix seconds from 0 to ${MAX_EPOCH_S}.`);
    epoch = new Date(seconds * 1000);
  }
  return {
    workspace: env.GITHUB_WORKSPACE || process.cwd(),
    repository: env.GITHUB_REPOSITORY ?? '',
    serverUrl: env.GITHUB_SERVER_URL || 'https://github.com',
    sha: env.GITHUB_SHA ?? '',
    ref: env.GITHUB_REF ?? '',
    created: epoch,
  };
}

const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const HOST = /^[A-Za-z0-9.-]+(?::\d{1,5})?$/;

/** Branch names become tags the way docker/metadata-action does: unsafe characters to `-`. */
export function sanitizeTag(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]/g, '-').replace(/^[.-]+/, '').slice(0, 128);
}

/** `sha-<7>`, plus the branch for a branch ref, or the version for a semver tag ref (v1.2.3 → 1.2.3). */
export function defaultTags(ctx: Pick<GitHubContext, 'sha' | 'ref'>): { tags: string[]; moving: string[] } {
  const tags: string[] = [];
  const moving: string[] = [];
  if (/^[0-9a-f]{7,40}$/.test(ctx.sha)) tags.push(`sha-${ctx.sha.slice(0, 7)}`);
  const branch = /^refs\/heads\/(.+)$/.exec(ctx.ref)?.[1];
  if (branch) {
    const tag = sanitizeTag(branch);
    if (tag) { tags.push(tag); moving.push(tag); }
  }
  const gitTag = /^refs\/tags\/(.+)$/.exec(ctx.ref)?.[1];
  const version = gitTag ? semver.valid(semver.clean(gitTag) ?? '') : null;
  if (version) tags.push(version);
  else if (gitTag && sanitizeTag(gitTag)) tags.push(sanitizeTag(gitTag));
  return { tags, moving };
}

/** OCI annotations keys of the image spec, from the repository and commit; user labels win. */
export function ociLabels(ctx: GitHubContext, version: string, user: [string, string][]): [string, string][] {
  const source = ctx.repository ? `${ctx.serverUrl}/${ctx.repository}` : '';
  const base: [string, string][] = [
    ['org.opencontainers.image.created', ctx.created.toISOString()],
    ['org.opencontainers.image.source', source],
    ['org.opencontainers.image.url', source],
    ['org.opencontainers.image.revision', ctx.sha],
    ['org.opencontainers.image.version', version],
    ['org.opencontainers.image.title', ctx.repository.split('/').pop() ?? ''],
  ];
  const merged = new Map(base.filter(([, v]) => v));
  for (const [k, v] of user) merged.set(k, v);
  return [...merged];
}

function keyValues(name: string, lines: string[]): [string, string][] {
  return lines.map((line) => {
    const eq = line.indexOf('=');
    if (eq <= 0) throw new InputError(`Input "${name}": "${line}" is not KEY=value; expected one KEY=value per line.`);
    const key = line.slice(0, eq).trim();
    if (/\s/.test(key)) throw new InputError(`Input "${name}": "${key}" is not a key; expected one KEY=value per line, the key without spaces.`);
    return [key, line.slice(eq + 1)];
  });
}

function workspacePath(ws: string, p: string): string {
  return isAbsolute(p) ? p : resolve(ws, p);
}

/** An http(s) URL with a host; the regex alone let `http://[` through to fail at download time. */
function httpUrl(name: string): string | undefined {
  const v = raw(name);
  if (!v) return undefined;
  const url = URL.canParse(v) ? new URL(v) : null;
  if (!url || !['http:', 'https:'].includes(url.protocol) || !url.hostname || /\s/.test(v)) {
    throw new InputError(`Input "${name}": "${v}" is not an http(s) URL; expected http(s)://host[:port][/path].`);
  }
  return v;
}

const KMS_KEY = /^(?:arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(?:key|alias)\/[A-Za-z0-9/_-]+|alias\/[A-Za-z0-9/_-]+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/;
const BUILDX_BUILDER = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
const STAGE = /^[A-Za-z][A-Za-z0-9_.-]{0,127}$/;

/** `context` and `file`: the build context folder and its Dockerfile or Containerfile. */
function readBuildSource(ctx: GitHubContext): { context: string; file: string } {
  const context = workspacePath(ctx.workspace, getString('context', '.'));
  if (!existsSync(context) || !statSync(context).isDirectory()) {
    throw new InputError(`Input "context": ${context} is not a directory; expected the build context folder (relative to the workspace).`);
  }
  const fileInput = raw('file');
  const file = fileInput
    ? workspacePath(ctx.workspace, fileInput)
    : [join(context, 'Dockerfile'), join(context, 'Containerfile')].find((f) => existsSync(f)) ?? join(context, 'Dockerfile');
  if (!existsSync(file)) throw new InputError(`Input "file": ${file} does not exist; expected a Dockerfile or Containerfile (default: <context>/Dockerfile).`);
  return { context, file };
}

/** Where the image goes: repository, registry, tags and a non-ECR registry's login. */
function readRegistry(): Pick<Inputs, 'repository' | 'registry' | 'tags' | 'username' | 'password'> {
  const repository = raw('repository');
  if (!repository) throw new InputError('Input "repository" is required: the image repository name, e.g. team/service.');
  if (!REPOSITORY.test(repository)) throw new InputError(`Input "repository": "${repository}" is not a repository name; expected lowercase path components like team/service.`);
  const registry = raw('registry') || undefined;
  if (registry && !HOST.test(registry)) throw new InputError(`Input "registry": "${registry}" is not a registry host; expected host[:port], e.g. 123456789012.dkr.ecr.eu-central-1.amazonaws.com.`);

  const tags = getList('tags');
  for (const t of tags) if (!TAG.test(t)) throw new InputError(`Input "tags": "${t}" is not a valid tag; expected up to 128 of A-Z a-z 0-9 _ . - (not starting with . or -).`);

  const username = raw('username') || undefined;
  const password = raw('password') || undefined;
  if (!!username !== !!password) throw new InputError('Inputs "username" and "password" go together: set both (a registry login) or neither (ECR).');
  if (!registry || parseEcrHost(registry)) {
    if (username) throw new InputError('Inputs "username"/"password" are for non-ECR registries; ECR credentials come from the AWS role. Set "registry" to your registry host.');
  } else if (getBool('create-repository', false)) {
    throw new InputError(`Input "create-repository": only ECR repositories can be created, and "${registry}" is not an ECR registry.`);
  }
  return { repository, registry, tags, username, password };
}

/** Where Trivy and its trust come from: the ignore file, a mirror, a Sigstore TUF mirror and root, a local binary. */
function readTrivySource(ctx: GitHubContext): { trivyignore?: string; trivyPath?: string; trivyMirror?: string; tufMirror?: string; tufRoot?: string } {
  const trivyignoreInput = raw('trivyignore');
  const trivyignore = trivyignoreInput ? workspacePath(ctx.workspace, trivyignoreInput) : undefined;
  if (trivyignore && !existsSync(trivyignore)) throw new InputError(`Input "trivyignore": ${trivyignore} does not exist; expected a .trivyignore file (one finding ID per line).`);
  const tufMirror = raw('sigstore-tuf-mirror') || undefined;
  const tufRoot = raw('sigstore-tuf-root') ? workspacePath(ctx.workspace, raw('sigstore-tuf-root')) : undefined;
  if (tufMirror && !tufRoot) throw new InputError('Input "sigstore-tuf-root" is required with "sigstore-tuf-mirror": the initial root.json of that TUF mirror.');
  if (tufRoot && !existsSync(tufRoot)) throw new InputError(`Input "sigstore-tuf-root": ${tufRoot} does not exist; expected the TUF root.json of the mirror.`);
  httpUrl('sigstore-tuf-mirror');
  const trivyMirror = httpUrl('trivy-mirror');
  // Checked here as well as by the installer, so a wrong path fails before anything is made or fetched.
  const trivyPath = raw('trivy-path') ? workspacePath(ctx.workspace, raw('trivy-path')) : undefined;
  if (trivyPath && !(existsSync(trivyPath) && statSync(trivyPath).isFile())) {
    throw new InputError(`Input "trivy-path": ${trivyPath} does not exist or is not a file; expected the path of a trivy binary.`);
  }
  return { trivyignore, trivyPath, trivyMirror, tufMirror, tufRoot };
}

export function readInputs(ctx: GitHubContext): Inputs {
  const { context, file } = readBuildSource(ctx);
  const builder = getEnum('builder', ['buildx', 'buildah'] as const, 'buildx');
  const cache = getEnum('cache', ['none', 'gha', 'registry'] as const, 'none');
  const provenance = getBool('provenance', false);
  const sbom = getBool('sbom', false);
  if (builder === 'buildah') checkBuildahPlan({ cache, provenance, sbom });

  const { repository, registry, tags, username, password } = readRegistry();
  const severities = parseSeverityList(getString('severity', 'CRITICAL,HIGH'), 'Input "severity"');
  const failOnText = getString('fail-on', 'CRITICAL,HIGH');
  const failOn = failOnText.trim().toLowerCase() === 'none' ? [] : parseSeverityList(failOnText, 'Input "fail-on"');
  const unseen = failOn.filter((s) => !severities.includes(s));
  if (unseen.length) throw new InputError(`Input "fail-on": ${unseen.join(',')} is not in "severity" (${severities.join(',')}), so the gate could never see it; add it to "severity" or remove it.`);

  const region = raw('region') || undefined;
  if (region) resolveRegion(region);
  const kmsKey = raw('kms-key') || undefined;
  if (kmsKey && !KMS_KEY.test(kmsKey)) throw new InputError(`Input "kms-key": "${kmsKey}" is not a KMS key; expected a key ARN, alias ARN, alias/<name>, or key ID.`);
  const buildxBuilder = raw('buildx-builder') || undefined;
  if (buildxBuilder && !BUILDX_BUILDER.test(buildxBuilder)) throw new InputError(`Input "buildx-builder": "${buildxBuilder}" is not a builder name; expected letters, digits, _ . - (up to 128).`);
  const target = raw('target') || undefined;
  if (target && !STAGE.test(target)) throw new InputError(`Input "target": "${target}" is not a stage name; expected a letter, then letters, digits, _ . - (up to 128).`);

  const { trivyignore, trivyPath, trivyMirror, tufMirror, tufRoot } = readTrivySource(ctx);
  return {
    context, file, builder, cache, provenance, sbom,
    platforms: parsePlatforms(getList('platforms').length ? getList('platforms') : ['linux/amd64']),
    buildArgs: keyValues('build-args', getLines('build-args')),
    target,
    labels: keyValues('labels', getLines('labels')),
    buildxBuilder,
    registry, repository, tags,
    push: getBool('push', true),
    username, password,
    region,
    createRepository: getBool('create-repository', false),
    lifecyclePolicy: parseLifecyclePolicy(raw('lifecycle-policy')),
    kmsKey,
    scan: getBool('scan', true),
    severities, failOn,
    ignoreUnfixed: getBool('ignore-unfixed', false),
    trivyignore,
    trivyPath,
    trivyTrustUnverified: getBool('trivy-trust-unverified', false),
    trivyMirror,
    sigstoreTufMirror: tufMirror,
    sigstoreTufRoot: tufRoot,
  };
}

/** All tags, de-duplicated, user tags first; at least one, since a push needs a tag to land on. */
export function resolveTags(inputs: Pick<Inputs, 'tags'>, ctx: GitHubContext): { tags: string[]; moving: string[] } {
  const defaults = defaultTags(ctx);
  const tags = [...new Set([...inputs.tags, ...defaults.tags])];
  if (tags.length === 0) throw new InputError('Input "tags" is empty and no default tag applies (no GITHUB_SHA); set at least one tag.');
  return { tags, moving: defaults.moving.filter((t) => !inputs.tags.includes(t)) };
}

export function registryKind(registry: string | undefined): 'ecr' | 'other' {
  return !registry || parseEcrHost(registry) ? 'ecr' : 'other';
}

/** ECR needs a token even to know its host; a read, so it may come before the gate. */
export function needsEcr(inputs: Pick<Inputs, 'registry' | 'push' | 'cache'>): boolean {
  return registryKind(inputs.registry) === 'ecr' && (inputs.push || inputs.cache === 'registry');
}

/** The ECR region, checked with the other inputs (before any download or build). */
export function ecrRegion(inputs: Pick<Inputs, 'registry' | 'region'>): string {
  const hostRegion = inputs.registry ? parseEcrHost(inputs.registry)?.region : undefined;
  // A token from another region is not valid for this registry: the push would fail after the whole build.
  if (hostRegion && inputs.region && inputs.region !== hostRegion) {
    throw new InputError(`Input "region": "${inputs.region}" is not the region of registry ${inputs.registry}; leave it empty or set ${hostRegion}.`);
  }
  return resolveRegion(inputs.region ?? hostRegion);
}

export interface Plan {
  inputs: Inputs;
  tags: string[];
  /** Tags that follow a branch: an immutable repository cannot take them. */
  moving: string[];
  /** The ECR region when the run needs ECR. */
  region?: string;
}

/**
 * Every input, validated at once, with what follows from them and the GitHub context: nothing is
 * created, downloaded or built before this has passed.
 */
export function readPlan(ctx: GitHubContext): Plan {
  const inputs = readInputs(ctx);
  const region = needsEcr(inputs) ? ecrRegion(inputs) : undefined;
  const { tags, moving } = resolveTags(inputs, ctx);
  return { inputs, tags, moving, ...(region ? { region } : {}) };
}
