/**
 * The order is the contract: validate every input, get a verified Trivy, build every platform into one
 * OCI archive, scan that archive, decide, and only then create the repository and push the archive
 * byte for byte. The digest output is the digest that was scanned.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { runbook } from '../lib/runbooks.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@actions/core';
import * as io from '@actions/io';
import { errorMessage } from '../../common/errors.js';
import { BuildahBuilder } from '../containers/builders/buildah.js';
import { BuildxBuilder } from '../containers/builders/buildx.js';
import type { BuildPlan, Builder } from '../containers/builders/types.js';
import { ecrClient, ecrLogin, ensureRepository, existingTagDigests } from '../containers/ecr.js';
import { parseEcrHost } from '../containers/ecr-inputs.js';
import { readLayout, type LayoutImage } from '../containers/oci-layout.js';
import { mustRun } from '../containers/process.js';
import { pushArchive } from '../containers/push.js';
import { writeAuthFile, type RegistryCredentials } from '../containers/registry-auth.js';
import { decideGate, type GateDecision } from '../containers/trivy/gate.js';
import { assertTrivyUnchanged, resolveTrivy, type ResolvedTrivy, type TrivyPin } from '../containers/trivy/install.js';
import { SEVERITIES } from '../containers/trivy/report.js';
import { scanImages } from '../containers/trivy/scan.js';
import { scanSummaryMarkdown } from '../containers/trivy/summary.js';
import pin from './trivy-checksums.json' with { type: 'json' };
import { ecrRegion, needsEcr, ociLabels, registryKind, type GitHubContext, type Inputs, type Plan } from './plan.js';
import { readState, saveBuilder, saveWorkDir } from './state-helper.js';

function newBuilder(inputs: Inputs): Builder {
  return inputs.builder === 'buildah' ? new BuildahBuilder() : new BuildxBuilder(inputs.buildxBuilder);
}

interface Registry {
  host: string;
  creds?: RegistryCredentials;
  ecr?: { client: ReturnType<typeof ecrClient>; accountId?: string };
}

async function resolveRegistry(inputs: Inputs, region: string | undefined, signal: AbortSignal): Promise<Registry | undefined> {
  if (registryKind(inputs.registry) === 'other') {
    const creds = inputs.username && inputs.password ? { registry: inputs.registry!, username: inputs.username, password: inputs.password } : undefined;
    return { host: inputs.registry!, creds };
  }
  if (!needsEcr(inputs)) return undefined;
  const parsed = inputs.registry ? parseEcrHost(inputs.registry) : null;
  const client = ecrClient(region ?? ecrRegion(inputs));
  const creds = await ecrLogin(client, parsed?.accountId, signal);
  return { host: inputs.registry ?? creds.registry, creds, ecr: { client, accountId: parsed?.accountId ?? creds.registry.split('.')[0] } };
}

function setScanOutputs(decision: GateDecision, sarifPath: string): void {
  for (const s of SEVERITIES) core.setOutput(s.toLowerCase(), decision.counts[s]);
  core.setOutput('sarif', sarifPath);
}

/** Runs the plan main validated (./main.ts): nothing here reads an input. */
export async function buildScanPush(ctx: GitHubContext, { inputs, tags, moving, region }: Plan, signal: AbortSignal): Promise<void> {
  const work = mkdtempSync(join(process.env.RUNNER_TEMP || tmpdir(), 'build-scan-push-'));
  saveWorkDir(work);

  const trivy = await verifiedTrivy(inputs, work, signal);
  const registry = await resolveRegistry(inputs, region, signal);
  const authFile = registry?.creds ? writeAuthFile(join(work, 'auth'), registry.creds) : undefined;
  // Without a push to the caller's ECR there is no token to name its host: then the name is the repository alone.
  const registryHost = registry?.host ?? inputs.registry;
  const repositoryRef = registryHost ? `${registryHost}/${inputs.repository}` : inputs.repository;
  const version = tags.find((t) => /^\d+\.\d+\.\d+/.test(t)) ?? tags[0];

  const plan: BuildPlan = {
    context: inputs.context, file: inputs.file, platforms: inputs.platforms, buildArgs: inputs.buildArgs, target: inputs.target,
    labels: ociLabels(ctx, version, inputs.labels), cache: inputs.cache,
    cacheRef: inputs.cache === 'registry' ? `${repositoryRef}:buildcache` : undefined,
    cacheScope: inputs.repository, provenance: inputs.provenance, sbom: inputs.sbom,
    archivePath: join(work, 'image.oci.tar'), authFile, login: registry?.creds,
  };
  const builder = newBuilder(inputs);
  const { layout, layoutDir } = await build(builder, plan, inputs, work, signal);
  const decision = trivy ? await scan(trivy, { layout, layoutDir }, inputs, work, repositoryRef, signal) : undefined;

  let resultTags = tags;
  if (inputs.push) {
    if (!registry) throw new Error('No registry to push to.');
    const pushedTags = registry.ecr ? await tagsForRepository(registry.ecr, inputs, tags, moving, layout.digest, signal) : { push: tags, result: tags };
    resultTags = pushedTags.result;
    await builder.exportCache(plan, signal);
    if (pushedTags.push.length) {
      await core.group(`Push ${repositoryRef}`, () => pushArchive({
        archivePath: plan.archivePath, destinations: pushedTags.push.map((t) => `${repositoryRef}:${t}`), expectedDigest: layout.digest, authFile, signal,
      }));
    }
  } else {
    core.info('push: false: built and scanned, not pushed.');
  }

  const image = `${repositoryRef}@${layout.digest}`;
  core.setOutput('digest', layout.digest);
  core.setOutput('image', image);
  core.setOutput('tags', resultTags.map((t) => `${repositoryRef}:${t}`).join('\n'));
  core.setOutput('metadata', JSON.stringify({
    image, digest: layout.digest, mediaType: layout.mediaType, pushed: inputs.push,
    platforms: layout.images.map((i) => ({ platform: i.platform, digest: i.manifest.digest })),
    tags: resultTags.map((t) => `${repositoryRef}:${t}`), labels: Object.fromEntries(plan.labels),
    scan: decision ? { trivy: trivy?.version, counts: decision.counts, failOn: inputs.failOn } : null,
  }));
  core.info(`${inputs.push ? 'Pushed' : 'Built'} ${image}`);
}

/** A Trivy that cannot be verified stops the job before minutes of building; none with scan: false. */
async function verifiedTrivy(inputs: Inputs, work: string, signal: AbortSignal): Promise<ResolvedTrivy | undefined> {
  if (!inputs.scan) {
    core.warning('scan: false: this image is pushed without a vulnerability scan.');
    return undefined;
  }
  const trivy = await resolveTrivy({
    pin: pin as TrivyPin, trivyPath: inputs.trivyPath, trustUnverified: inputs.trivyTrustUnverified, mirror: inputs.trivyMirror, installDir: join(work, 'trivy'), signal,
    trust: { tufMirrorURL: inputs.sigstoreTufMirror, tufRootPath: inputs.sigstoreTufRoot, tufCachePath: join(work, 'sigstore-tuf') },
  });
  core.info(`Trivy ${trivy.version} (${trivy.source}): ${trivy.path}${trivy.verified ? `, SHA-256 ${trivy.sha256} verified` : ', unverified'}`);
  return trivy;
}

/** The built image, unpacked: its OCI layout and where it is. */
interface Built {
  layout: LayoutImage;
  layoutDir: string;
}

/** Builds every platform into one OCI archive and unpacks it to read what was built. */
async function build(builder: Builder, plan: BuildPlan, inputs: Inputs, work: string, signal: AbortSignal): Promise<Built> {
  try {
    await core.group(`Build ${inputs.platforms.join(', ')} with ${builder.name}`, () => builder.build(plan, signal));
  } finally {
    saveBuilder(builder.name, builder.state);
  }
  const layoutDir = join(work, 'layout');
  mkdirSync(layoutDir);
  await mustRun('tar', ['-xf', plan.archivePath, '-C', layoutDir], { signal, echo: false });
  const layout = readLayout(layoutDir);
  core.info(`Built ${layout.digest} (${layout.images.map((i) => i.platform).join(', ')}).`);
  return { layout, layoutDir };
}

/** Scans the built archive and decides; throws when the findings fail the gate. */
async function scan(trivy: ResolvedTrivy, { layout, layoutDir }: Built, inputs: Inputs, work: string, repositoryRef: string, signal: AbortSignal): Promise<GateDecision> {
  assertTrivyUnchanged(trivy);
  const outcome = await core.group('Scan with Trivy', () => scanImages({
    trivy: trivy.path, layoutDir, images: layout.images, workDir: join(work, 'scan'),
    severities: inputs.severities, ignoreUnfixed: inputs.ignoreUnfixed, trivyignore: inputs.trivyignore, signal,
  }));
  const decision = decideGate(outcome.scans, { severities: inputs.severities, ignoreUnfixed: inputs.ignoreUnfixed }, inputs.failOn);
  setScanOutputs(decision, outcome.sarifPath);
  await core.summary.addRaw(scanSummaryMarkdown(decision, `${repositoryRef}@${layout.digest}`, layout.images.map((i) => i.platform))).write();
  if (!decision.passed) throw new Error(`${decision.message} ${runbook('trivyFindings')}`);
  core.info(decision.message);
  return decision;
}

/**
 * The ECR repository (created when asked) and the tags to push to it: all of them, less moving ones
 * an immutable repository cannot take (`result`, the tags that end up naming the image), less those
 * a re-run finds already holding this digest (`push`).
 */
async function tagsForRepository(
  ecr: NonNullable<Registry['ecr']>, inputs: Inputs, tags: string[], moving: string[], digest: string, signal: AbortSignal,
): Promise<{ push: string[]; result: string[] }> {
  const repo = await ensureRepository(ecr.client, {
    name: inputs.repository, accountId: ecr.accountId, create: inputs.createRepository, lifecyclePolicy: inputs.lifecyclePolicy, kmsKey: inputs.kmsKey,
  }, signal);
  if (repo.mutability !== 'IMMUTABLE') return { push: tags, result: tags };
  // Moving tags (the branch) cannot land in an immutable repository; deploys use the digest anyway.
  const dropped = moving.filter((t) => tags.includes(t));
  if (dropped.length) core.notice(`Not tagging ${dropped.join(', ')}: ${inputs.repository} has immutable tags.`);
  const kept = tags.filter((t) => !dropped.includes(t));
  // A re-run of the same commit finds its tags already there: fine when they hold this digest.
  const existing = await existingTagDigests(ecr.client, inputs.repository, ecr.accountId, kept, signal);
  const clash = [...existing].filter(([, d]) => d !== digest);
  if (clash.length) throw new Error(`Immutable tag(s) ${clash.map(([t, d]) => `${t} (→ ${d})`).join(', ')} already hold another image in ${inputs.repository}; nothing was pushed.`);
  return { push: kept.filter((t) => !existing.has(t)), result: kept };
}

export async function cleanup(signal: AbortSignal): Promise<void> {
  const { workDir, builder, builderState } = readState();
  if (builder) {
    const b: Builder = builder === 'buildah' ? new BuildahBuilder() : new BuildxBuilder();
    try {
      await b.cleanup(builderState, signal);
    } catch (err) {
      core.warning(`Cleaning up ${builder} failed: ${errorMessage(err)}`);
    }
  }
  // The scratch folder holds the registry auth file: it must not outlive the job.
  if (workDir) await io.rmRF(workDir);
}
