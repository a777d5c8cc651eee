/**
 * Gets a Trivy that can be trusted, by content only: the pinned release downloaded, checked against
 * the committed SHA-256 table and its Sigstore bundle verified against Trivy's release workflow
 * identity; or a binary already on the runner (`trivy-path`, or PATH) whose SHA-256 is the one the
 * table lists for the binary inside that verified archive. What a binary says about itself
 * (`--version`) proves nothing: any earlier step of the job can put a `trivy` on PATH that prints
 * the right version and passes every image. Every check fails closed, because Trivy's own release
 * channel was hijacked in March 2026 (CVE-2026-33634); only `trivy-trust-unverified` runs an
 * unlisted binary, with a warning in the log and the job summary.
 */
import { createHash } from 'node:crypto';
import { runbook } from '../../lib/runbooks.js';
import { mkdirSync, mkdtempSync, writeFileSync, existsSync, chmodSync, readFileSync, statSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as core from '@actions/core';
import * as io from '@actions/io';
import semver from 'semver';
import * as sigstore from 'sigstore';
import { InputError, errorMessage } from '../../../common/errors.js';
import { withRetry, isTransientError } from '../../../common/retry.js';
import { mustRun, runTool } from '../process.js';

export interface TrivyPin {
  version: string;
  tag: string;
  downloadBase: string;
  signer: { certificateIdentity: string; oidcIssuer: string };
  /**
   * Per platform (`linux/amd64`): the release archive, its SHA-256, and the SHA-256 of the `trivy`
   * binary inside it (null until recorded; see the README for how to fill it).
   */
  assets: Record<string, { name: string; sha256: string; binarySha256?: string | null }>;
  compromisedVersions: string[];
  minimumVersion: string;
}

export interface SigstoreTrust {
  /** A mirror of the Sigstore TUF repository (GHES, air-gapped); the public-good one by default. */
  tufMirrorURL?: string;
  /** The initial root.json for that mirror. */
  tufRootPath?: string;
  tufCachePath: string;
}

export interface ResolveOptions {
  pin: TrivyPin;
  /** The `trivy-path` input: use this binary, if its SHA-256 is the listed one. */
  trivyPath?: string;
  /** The `trivy-trust-unverified` input: run a binary on PATH or at trivy-path whose SHA-256 is not listed. */
  trustUnverified?: boolean;
  /** The `trivy-mirror` input: a base URL holding the release's asset names; the GitHub release by default. */
  mirror?: string;
  trust: SigstoreTrust;
  /** Where the verified binary goes (a private folder: a verified binary found elsewhere is copied here). */
  installDir: string;
  platform?: string;
  signal?: AbortSignal;
}

export interface ResolvedTrivy {
  path: string;
  version: string;
  source: 'trivy-path' | 'PATH' | 'download';
  /** SHA-256 of the binary at `path`. */
  sha256: string;
  /** False only when trivy-trust-unverified let a binary the table does not list run. */
  verified: boolean;
}

export class TrivyVerificationError extends Error {
  constructor(message: string) {
    super(`${message} ${runbook('trivyInstall')}`);
    this.name = 'TrivyVerificationError';
  }
}

export function assetKey(platform = process.platform, arch = process.arch): string {
  const os = platform === 'win32' ? 'windows' : platform;
  const cpu = arch === 'x64' ? 'amd64' : arch;
  return `${os}/${cpu}`;
}

/** `trivy --version` prints `Version: 0.75.0` (and DB info); older builds may print `v0.75.0`. */
export function parseTrivyVersion(output: string): string | null {
  const m = /Version:\s*v?(\d+\.\d+\.\d+[^\s]*)/.exec(output);
  return m ? m[1] : null;
}

/** Why a reported version must not be used, or null when it may. */
export function versionProblem(version: string, pin: TrivyPin): string | null {
  if (pin.compromisedVersions.includes(version)) {
    return `Trivy ${version} is one of the releases published by the March 2026 hijack (CVE-2026-33634: ${pin.compromisedVersions.join(', ')}).`;
  }
  if (!semver.valid(version)) return `"${version}" is not a Trivy release version.`;
  if (semver.lt(version, pin.minimumVersion)) return `Trivy ${version} is older than ${pin.minimumVersion}, the oldest this action drives.`;
  return null;
}

async function reportedVersion(path: string, signal?: AbortSignal): Promise<string | null> {
  const result = await runTool(path, ['--version'], { signal, echo: false });
  return result.code === 0 ? parseTrivyVersion(result.stdout) : null;
}

export async function resolveTrivy(opts: ResolveOptions): Promise<ResolvedTrivy> {
  const { pin } = opts;
  const key = opts.platform ?? assetKey();
  if (opts.trivyPath) {
    if (!existsSync(opts.trivyPath) || !statSync(opts.trivyPath).isFile()) throw new InputError(`Input "trivy-path": ${opts.trivyPath} does not exist or is not a file; expected the path of a trivy binary.`);
    // Hashed before it is ever run: even `--version` would run whatever is there.
    const bytes = readFileSync(opts.trivyPath);
    const sha256 = sha256Hex(bytes);
    const problem = binaryProblem(sha256, pin, key);
    if (problem === null) return { path: adopt(bytes, opts.installDir), version: pin.version, source: 'trivy-path', sha256, verified: true };
    if (!opts.trustUnverified) {
      throw new InputError(`Input "trivy-path": ${opts.trivyPath} ${problem}, so it is not run. Remove trivy-path to install the verified release, or set trivy-trust-unverified: true to run this binary anyway.`);
    }
    // Opted out of the digest, not of the version rules: the hijacked releases never run.
    const version = await reportedVersion(opts.trivyPath, opts.signal);
    if (!version) throw new InputError(`Input "trivy-path": ${opts.trivyPath} --version did not report a Trivy version.`);
    const versionIssue = versionProblem(version, pin);
    if (versionIssue) throw new InputError(`Input "trivy-path": ${versionIssue} Use ${pin.version}.`);
    if (version !== pin.version) core.warning(`Using Trivy ${version} from trivy-path; this action pins and verifies ${pin.version}.`);
    await reportUnverified(opts.trivyPath, sha256, version, problem);
    return { path: opts.trivyPath, version, source: 'trivy-path', sha256, verified: false };
  }
  const onPath = await io.which('trivy', false);
  const bytes = onPath ? readIfReadable(onPath) : null;
  if (onPath && !bytes) core.info(`trivy on PATH (${onPath}) cannot be read to verify it: installing the verified release.`);
  if (onPath && bytes) {
    const sha256 = sha256Hex(bytes);
    const problem = binaryProblem(sha256, pin, key);
    if (problem === null) return { path: adopt(bytes, opts.installDir), version: pin.version, source: 'PATH', sha256, verified: true };
    if (opts.trustUnverified) {
      const version = await reportedVersion(onPath, opts.signal);
      if (version === pin.version) {
        await reportUnverified(onPath, sha256, version, problem);
        return { path: onPath, version, source: 'PATH', sha256, verified: false };
      }
      core.info(`trivy on PATH reports ${version ?? 'no version'}, not the pinned ${pin.version}: installing the pinned release.`);
    } else {
      // Not run, not even for its version; the verified release is installed instead. A listed
      // digest that differs is worth a warning: that file claims to be Trivy and is not the release.
      const log = pin.assets[key]?.binarySha256 ? core.warning : core.info;
      log(`trivy on PATH (${onPath}) ${problem}: not running it; installing the verified release instead.`);
    }
  }
  return installPinned(opts);
}

function readIfReadable(path: string): Buffer | null {
  try {
    return readFileSync(path);
  } catch {
    return null;
  }
}

/** Why a binary with this SHA-256 is not the verified release's, or null when it is. */
export function binaryProblem(sha256: string, pin: TrivyPin, key: string): string | null {
  const listed = pin.assets[key]?.binarySha256;
  if (!listed) return `has SHA-256 ${sha256}, and trivy-checksums.json lists no Trivy ${pin.version} binary SHA-256 for ${key} to verify it against`;
  if (listed !== sha256) return `has SHA-256 ${sha256}, not ${listed}, the Trivy ${pin.version} release binary for ${key} in trivy-checksums.json`;
  return null;
}

/**
 * Runs a verified binary from a copy of the very bytes that were hashed, in our own folder: the
 * original may be replaced between the check and the scan by anything else running in the job.
 */
function adopt(bytes: Buffer, installDir: string): string {
  mkdirSync(installDir, { recursive: true, mode: 0o700 });
  const path = join(installDir, 'trivy');
  writeFileSync(path, bytes, { mode: 0o755 });
  chmodSync(path, 0o755);
  return path;
}

/** The opt-out is loud: a warning annotation and a line in the job summary, next to the scan it weakens. */
async function reportUnverified(path: string, sha256: string, version: string, problem: string): Promise<void> {
  core.warning(`Running Trivy ${version} from ${path} unverified (trivy-trust-unverified: true): it ${problem}. The scan gate is only as trustworthy as whatever put this binary there.`);
  await core.summary
    .addRaw(`> [!WARNING]\n> **Unverified Trivy:** \`${path}\` (SHA-256 \`${sha256}\`) ran with \`trivy-trust-unverified: true\`; it is not the verified Trivy release binary.\n\n`)
    .write();
}

/**
 * Checks, right before a scan, that the binary is still the one verified at resolve time: the build
 * runs for minutes in between, next to whatever else the job started.
 */
export function assertTrivyUnchanged(trivy: ResolvedTrivy): void {
  if (!trivy.verified) return;
  const now = existsSync(trivy.path) ? sha256Hex(readFileSync(trivy.path)) : 'missing';
  if (now !== trivy.sha256) throw new TrivyVerificationError(`${trivy.path} changed after it was verified (SHA-256 ${trivy.sha256}, now ${now}): refusing to scan with it.`);
}

async function download(url: string, what: string, signal?: AbortSignal): Promise<Buffer> {
  return withRetry(async () => {
    let res: Response;
    try {
      res = await fetch(url, { signal, redirect: 'follow' });
    } catch (err) {
      throw Object.assign(new Error(`Downloading ${what} from ${url} failed: ${errorMessage(err)}`), { cause: err, code: (err as { cause?: { code?: string } }).cause?.code });
    }
    if (res.status === 404) throw new TrivyVerificationError(`${what} is missing at ${url} (HTTP 404): refusing to install Trivy without it.`);
    if (!res.ok) throw Object.assign(new Error(`Downloading ${what} from ${url} failed: HTTP ${res.status}`), { $metadata: { httpStatusCode: res.status } });
    return Buffer.from(await res.arrayBuffer());
  }, { attempts: 4, baseMs: 500, signal, retryable: (e) => !(e instanceof TrivyVerificationError) && isTransientError(e) });
}

export function sha256Hex(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Checks the bundle's signature over `artifact`, its certificate chain, SCT and transparency-log entry, and that Trivy's release workflow signed it. */
export async function verifySigstoreBundle(artifact: Buffer, bundleText: Buffer, pin: TrivyPin, trust: SigstoreTrust, what: string): Promise<void> {
  let bundle: sigstore.Bundle;
  try {
    bundle = JSON.parse(bundleText.toString('utf8'));
  } catch {
    throw new TrivyVerificationError(`The Sigstore bundle of ${what} is not JSON.`);
  }
  const bindingProblem = bundleBindingProblem(bundle, artifact);
  if (bindingProblem) throw new TrivyVerificationError(`The Sigstore bundle of ${what} ${bindingProblem}.`);
  const expected = `expected a signature by ${pin.signer.certificateIdentity} (issuer ${pin.signer.oidcIssuer})`;
  let signer: Awaited<ReturnType<typeof sigstore.verify>>;
  try {
    signer = await sigstore.verify(bundle, artifact, {
      // sigstore-js matches this as an unanchored regular expression: anchor and escape it, or any
      // workflow whose ref merely contains (or resembles) the release workflow's identity would pass.
      certificateIdentityURI: exactPattern(pin.signer.certificateIdentity),
      certificateIssuer: pin.signer.oidcIssuer,
      tufMirrorURL: trust.tufMirrorURL,
      tufRootPath: trust.tufRootPath,
      tufCachePath: trust.tufCachePath,
    });
  } catch (err) {
    throw new TrivyVerificationError(`The Sigstore signature of ${what} did not verify (${errorMessage(err)}); ${expected}.`);
  }
  // And compare the verified identity as a string, so a future change in how the library matches cannot widen this.
  const san = signer.identity?.subjectAlternativeName;
  const issuer = signer.identity?.extensions?.issuer;
  if (san !== pin.signer.certificateIdentity || issuer !== pin.signer.oidcIssuer) {
    throw new TrivyVerificationError(`The Sigstore signature of ${what} did not verify (signed by ${san} (issuer ${issuer})); ${expected}.`);
  }
}

/**
 * Whether the bundle is about these bytes. A message signature carries the artifact's digest; a DSSE
 * (in-toto attestation) bundle names it as a subject, and sigstore-js checks only the envelope's
 * signature, not the subject, so an attestation for another file would otherwise pass.
 */
export function bundleBindingProblem(bundle: unknown, artifact: Buffer): string | null {
  const b = bundle as { messageSignature?: { messageDigest?: { algorithm?: string; digest?: string } }; dsseEnvelope?: { payload?: string; payloadType?: string } };
  const sha = sha256Hex(artifact);
  if (b?.messageSignature) {
    const d = b.messageSignature.messageDigest;
    if (d?.algorithm !== 'SHA2_256' || Buffer.from(d.digest ?? '', 'base64').toString('hex') !== sha) return `signs another file (its SHA-256 digest is not ${sha})`;
    return null;
  }
  if (b?.dsseEnvelope) {
    if (b.dsseEnvelope.payloadType !== 'application/vnd.in-toto+json') return `holds a ${b.dsseEnvelope.payloadType} envelope, not an in-toto statement`;
    let statement: { subject?: { digest?: { sha256?: string } }[] };
    try {
      statement = JSON.parse(Buffer.from(b.dsseEnvelope.payload ?? '', 'base64').toString('utf8'));
    } catch {
      return 'holds an unreadable in-toto statement';
    }
    if (!(statement.subject ?? []).some((s) => s.digest?.sha256 === sha)) return `attests other files (no subject has SHA-256 ${sha})`;
    return null;
  }
  return 'holds neither a message signature nor a DSSE envelope';
}

/** A regular expression matching exactly `text`. */
export function exactPattern(text: string): string {
  return `^${text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`;
}

async function installPinned(opts: ResolveOptions): Promise<ResolvedTrivy> {
  const { pin } = opts;
  const key = opts.platform ?? assetKey();
  const asset = pin.assets[key];
  if (!asset) throw new TrivyVerificationError(`No pinned Trivy ${pin.version} asset for ${key}; pinned: ${Object.keys(pin.assets).join(', ')}.`);
  const base = (opts.mirror || pin.downloadBase).replace(/\/+$/, '');
  const archive = await download(`${base}/${asset.name}`, asset.name, opts.signal);
  const actual = sha256Hex(archive);
  if (actual !== asset.sha256) {
    throw new TrivyVerificationError(`SHA-256 of ${asset.name} is ${actual}, but the committed table pins ${asset.sha256}: refusing to install it.`);
  }
  const bundle = await download(`${base}/${asset.name}.sigstore.json`, `${asset.name}.sigstore.json (its Sigstore signature)`, opts.signal);
  await verifySigstoreBundle(archive, bundle, pin, opts.trust, asset.name);
  core.info(`Verified ${asset.name}: SHA-256 ${actual}, signed by ${pin.signer.certificateIdentity}.`);

  mkdirSync(opts.installDir, { recursive: true });
  const work = mkdtempSync(join(opts.installDir, 'download-'));
  const archivePath = join(work, asset.name);
  writeFileSync(archivePath, archive);
  // Extract only the binary: nothing else from the archive lands on disk.
  await mustRun('tar', ['-xzf', archivePath, '-C', opts.installDir, 'trivy'], { signal: opts.signal, echo: false });
  await io.rmRF(work);
  const path = join(opts.installDir, 'trivy');
  chmodSync(path, 0o755);
  // The binary inside the verified archive is what the table's binary digest records, and what a
  // copy already on a runner must match to be run without a download.
  const sha256 = sha256Hex(readFileSync(path));
  const listed = asset.binarySha256;
  if (listed && listed !== sha256) {
    rmSync(path, { force: true });
    throw new TrivyVerificationError(`The trivy binary in the verified ${asset.name} has SHA-256 ${sha256}, but trivy-checksums.json lists ${listed} for ${key}: the table is inconsistent; refusing to use it.`);
  }
  if (!listed) core.info(`The trivy binary in ${asset.name} has SHA-256 ${sha256}; trivy-checksums.json lists none for ${key}, so a copy already on a runner is not used.`);
  return { path, version: pin.version, source: 'download', sha256, verified: true };
}
