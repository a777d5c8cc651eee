import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  assertTrivyUnchanged, assetKey, bundleBindingProblem, exactPattern, parseTrivyVersion, resolveTrivy, sha256Hex, versionProblem, type ResolveOptions, type TrivyPin,
} from './install.js';
import pinned from '../../build-scan-push/trivy-checksums.json' with { type: 'json' };
import { startTrivyMirror, type TrivyMirror, FAKE_TRIVY } from '../../../test/support/containers/trivy-release.js';
import { runTool } from '../process.js';
import { captureStdout } from '../../../test/support/stdout.js';

const key = assetKey();
let mirror: TrivyMirror;

beforeAll(async () => {
  mirror = await startTrivyMirror(key);
});
afterAll(async () => mirror?.close());

function options(overrides: Partial<ResolveOptions> = {}): ResolveOptions {
  const scratch = mkdtempSync(join(tmpdir(), 'trivy-install-'));
  return {
    pin: mirror.pin,
    mirror: mirror.releaseBase,
    trust: { tufMirrorURL: mirror.tufMirror, tufRootPath: mirror.tufRootPath, tufCachePath: join(scratch, 'tuf') },
    installDir: join(scratch, 'bin'),
    ...overrides,
  };
}

// A trivy 0.75.0 on a developer's PATH would be used instead of the download under test.
const savedPath = process.env.PATH;
beforeAll(() => {
  process.env.PATH = (savedPath ?? '').split(':').filter((d) => !existsSync(join(d, 'trivy'))).join(':');
});
afterAll(() => {
  process.env.PATH = savedPath;
});

describe('pinned Trivy installer', () => {
  it('pins a release published after the CVE-2026-33634 hijack, for Linux amd64 and arm64', () => {
    expect(pinned.compromisedVersions).toEqual(['0.69.4', '0.69.5', '0.69.6']);
    expect(versionProblem(pinned.version, pinned)).toBeNull();
    for (const k of ['linux/amd64', 'linux/arm64']) expect(pinned.assets[k as keyof typeof pinned.assets].sha256).toMatch(/^[0-9a-f]{64}$/);
    // A binary digest is recorded from the verified archive, or not at all (then no pre-installed trivy runs).
    for (const asset of Object.values(pinned.assets) as TrivyPin['assets'][string][]) expect(asset.binarySha256 === null || /^[0-9a-f]{64}$/.test(asset.binarySha256 ?? '')).toBe(true);
    expect(pinned.signer.certificateIdentity).toBe(`https://github.com/aquasecurity/trivy/.github/workflows/reusable-release.yaml@refs/tags/${pinned.tag}`);
  });

  it('installs when the SHA-256 matches the table and the bundle verifies against the release workflow identity', async () => {
    const opts = options();
    const trivy = await resolveTrivy(opts);
    expect(trivy).toEqual({ path: join(opts.installDir, 'trivy'), version: '0.75.0', source: 'download', sha256: sha256Hex(readFileSync(FAKE_TRIVY)), verified: true });
    const out = await runTool(trivy.path, ['--version'], { echo: false });
    expect(parseTrivyVersion(out.stdout)).toBe('0.75.0');
    // Only the binary is extracted.
    expect(existsSync(join(opts.installDir, 'LICENSE'))).toBe(false);
    expect(mirror.server.requests).toContain('/tuf/targets/trusted_root.json');
  });

  const archivePath = () => `/release/${mirror.assetName}`;
  const bundlePath = () => `/release/${mirror.assetName}.sigstore.json`;

  /** Serves other files (null: none) for the duration of `fn`, then the genuine release again. */
  async function serving(files: Record<string, Buffer | null>, fn: () => Promise<void>): Promise<void> {
    const before = Object.fromEntries(Object.keys(files).map((p) => [p, mirror.server.files.get(p)]));
    for (const [p, body] of Object.entries(files)) if (body) mirror.server.files.set(p, body); else mirror.server.files.delete(p);
    try {
      await fn();
    } finally {
      for (const [p, body] of Object.entries(before)) if (body) mirror.server.files.set(p, body); else mirror.server.files.delete(p);
    }
  }

  /** Expects the install to fail with `message` and to leave no trivy behind. */
  async function refused(message: RegExp, overrides: Partial<ResolveOptions> = {}): Promise<void> {
    const opts = options(overrides);
    await expect(resolveTrivy(opts)).rejects.toThrow(message);
    expect(existsSync(join(opts.installDir, 'trivy'))).toBe(false);
  }

  const withChecksumOf = (bytes: Buffer) => {
    const pin = structuredClone(mirror.pin);
    pin.assets[key].sha256 = sha256Hex(bytes);
    return { pin };
  };

  it('refuses a tampered download (SHA-256 differs from the committed table) and installs nothing', () =>
    serving({ [archivePath()]: Buffer.concat([mirror.archive, Buffer.from('x')]) }, () =>
      refused(/SHA-256 of trivy_0\.75\.0_.* is [0-9a-f]{64}, but the committed table pins/)));

  it('refuses a download whose checksum was swapped in the table but whose bundle signs other bytes', () => {
    const other = Buffer.concat([mirror.archive, Buffer.from('evil')]);
    return serving({ [archivePath()]: other }, () => refused(/The Sigstore bundle of trivy_0\.75\.0_\S+ signs another file/, withChecksumOf(other)));
  });

  it('refuses a bundle whose digest was edited to match but whose signature is over other bytes', () => {
    const other = Buffer.concat([mirror.archive, Buffer.from('evil')]);
    const edited = JSON.parse(mirror.server.files.get(bundlePath())!.toString());
    edited.messageSignature.messageDigest.digest = Buffer.from(sha256Hex(other), 'hex').toString('base64');
    return serving({ [archivePath()]: other, [bundlePath()]: Buffer.from(JSON.stringify(edited)) }, () =>
      refused(/Sigstore signature of trivy_0\.75\.0_\S+ did not verify \(.*(mismatch|failed)/, withChecksumOf(other)));
  });

  it('fails closed when the .sigstore.json bundle is missing', () =>
    serving({ [bundlePath()]: null }, () =>
      refused(/sigstore\.json \(its Sigstore signature\) is missing at .* \(HTTP 404\): refusing to install Trivy/)));

  it('refuses a valid signature by another identity (a fork or a hijacked workflow)', () =>
    serving({ [bundlePath()]: mirror.sign(mirror.archive, { san: 'https://github.com/attacker/trivy/.github/workflows/release.yaml@refs/tags/v0.75.0', issuer: pinned.signer.oidcIssuer }) }, () =>
      refused(/certificate identity error/)));

  // sigstore-js reads certificateIdentityURI as an unanchored regular expression: these SANs would
  // match the genuine identity as a pattern, and a workflow in any repository can be given such a ref.
  it.each([
    ['the genuine identity as a suffix of an attacker\'s branch', `https://github.com/attacker/evil/.github/workflows/w.yml@refs/heads/x/${pinned.signer.certificateIdentity}`],
    ['the genuine identity with more after it', `${pinned.signer.certificateIdentity}-rc`],
    ['a dot of the identity read as "any character"', pinned.signer.certificateIdentity.replace('reusable-release.yaml', 'reusable-releaseXyaml')],
  ])('refuses a signature whose identity only resembles the release workflow: %s', (_name, san) =>
    serving({ [bundlePath()]: mirror.sign(mirror.archive, { san, issuer: pinned.signer.oidcIssuer }) }, () => refused(/did not verify/)));

  it('refuses a signature from another OIDC issuer', () =>
    serving({ [bundlePath()]: mirror.sign(mirror.archive, { san: pinned.signer.certificateIdentity, issuer: 'https://gitlab.com' }) }, () =>
      refused(/invalid certificate extension - expected issuer=https:\/\/token\.actions\.githubusercontent\.com/)));

  it('refuses a verified archive whose binary is not the one the table lists', async () => {
    const pin = structuredClone(mirror.pin);
    pin.assets[key].binarySha256 = '0'.repeat(64);
    await refused(/The trivy binary in the verified trivy_0\.75\.0_\S+ has SHA-256 [0-9a-f]{64}, but trivy-checksums\.json lists 0{64}/, { pin });
  });

  it('installs from the verified archive when the table lists no binary digest yet, and prints the one to record', async () => {
    const pin = structuredClone(mirror.pin);
    pin.assets[key].binarySha256 = null;
    const out = captureStdout();
    try {
      const trivy = await resolveTrivy(options({ pin }));
      expect(trivy).toMatchObject({ source: 'download', verified: true, sha256: sha256Hex(readFileSync(FAKE_TRIVY)) });
    } finally {
      out.restore();
    }
    expect(out.text()).toContain(`has SHA-256 ${sha256Hex(readFileSync(FAKE_TRIVY))}; trivy-checksums.json lists none for ${key}`);
  });
});

describe('a trivy already on the runner is trusted by its SHA-256, never by what it prints', () => {
  let scratch: string;
  let summaryFile: string;
  let runLog: string;
  let out: ReturnType<typeof captureStdout>;
  const genuine = () => readFileSync(FAKE_TRIVY);
  // The attack: a script that answers `--version` exactly like Trivy 0.75.0 (and would pass every image).
  const impostor = () => Buffer.concat([genuine(), Buffer.from('\n// not the release binary\n')]);

  /** Puts `bytes` on PATH as `trivy`, every run of it logged to `runLog`; returns its path. */
  function onPath(bytes: Buffer): string {
    const dir = mkdtempSync(join(scratch, 'path-'));
    const path = join(dir, 'trivy');
    writeFileSync(path, bytes);
    chmodSync(path, 0o755);
    process.env.PATH = `${dir}:${process.env.PATH}`;
    return path;
  }
  const runs = () => (existsSync(runLog) ? readFileSync(runLog, 'utf8').trim().split('\n').filter(Boolean) : []);
  const pinListing = (sha256: string | null): TrivyPin => {
    const pin = structuredClone(mirror.pin);
    pin.assets[key].binarySha256 = sha256;
    return pin;
  };

  let pathBefore: string | undefined;
  // @actions/core keeps the summary path it first saw: one file for all these tests, emptied for each.
  beforeAll(() => {
    summaryFile = join(mkdtempSync(join(tmpdir(), 'trivy-summary-')), 'summary.md');
  });
  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'trivy-trust-'));
    writeFileSync(summaryFile, '');
    runLog = join(scratch, 'runs.log');
    pathBefore = process.env.PATH;
    Object.assign(process.env, { GITHUB_STEP_SUMMARY: summaryFile, FAKE_TRIVY_LOG: runLog });
    out = captureStdout();
  });
  afterEach(() => {
    out.restore();
    process.env.PATH = pathBefore;
    delete process.env.GITHUB_STEP_SUMMARY;
    delete process.env.FAKE_TRIVY_LOG;
    delete process.env.FAKE_TRIVY_VERSION;
  });

  it('never runs a trivy on PATH that prints the pinned version but whose SHA-256 is not listed: it installs the verified release', async () => {
    const planted = onPath(impostor());
    const opts = options();
    const trivy = await resolveTrivy(opts);
    expect(trivy).toMatchObject({ source: 'download', path: join(opts.installDir, 'trivy'), verified: true });
    expect(runs()).toEqual([]); // not even `--version`
    expect(out.text()).toContain(`::warning::trivy on PATH (${planted}) has SHA-256 ${sha256Hex(impostor())}, not ${sha256Hex(genuine())}, the Trivy 0.75.0 release binary for ${key}`);
  });

  it('does not run a trivy on PATH while the table lists no binary digest for the platform', async () => {
    onPath(genuine());
    const trivy = await resolveTrivy(options({ pin: pinListing(null) }));
    expect(trivy.source).toBe('download');
    expect(runs()).toEqual([]);
    expect(out.text()).not.toContain('::warning::');
    expect(out.text()).toContain(`lists no Trivy 0.75.0 binary SHA-256 for ${key} to verify it against: not running it`);
  });

  it('runs a trivy on PATH whose SHA-256 is listed, from a private copy of the bytes it hashed', async () => {
    const planted = onPath(genuine());
    const opts = options();
    const downloads = () => mirror.server.requests.filter((r) => r.startsWith('/release/')).length;
    const before = downloads();
    const trivy = await resolveTrivy(opts);
    expect(trivy).toEqual({ path: join(opts.installDir, 'trivy'), version: '0.75.0', source: 'PATH', sha256: sha256Hex(genuine()), verified: true });
    expect(downloads()).toBe(before);
    // Replacing the original afterwards changes nothing: the copy runs.
    writeFileSync(planted, impostor());
    expect(parseTrivyVersion((await runTool(trivy.path, ['--version'], { echo: false })).stdout)).toBe('0.75.0');
    assertTrivyUnchanged(trivy);
    expect(runs()).toEqual([JSON.stringify(['--version'])]);
  });

  it('refuses trivy-path whose SHA-256 is not listed, without running it, naming the opt-out', async () => {
    const planted = join(scratch, 'my-trivy');
    writeFileSync(planted, impostor(), { mode: 0o755 });
    await expect(resolveTrivy(options({ trivyPath: planted }))).rejects.toThrow(
      new RegExp(`^Input "trivy-path": ${planted} has SHA-256 ${sha256Hex(impostor())}, not ${sha256Hex(genuine())}, .*so it is not run\\. Remove trivy-path to install the verified release, or set trivy-trust-unverified: true`),
    );
    expect(runs()).toEqual([]);
    await expect(resolveTrivy(options({ trivyPath: '/nonexistent/trivy' }))).rejects.toThrow(/Input "trivy-path": \/nonexistent\/trivy does not exist/);
  });

  it('runs trivy-path whose SHA-256 is listed', async () => {
    const opts = options({ trivyPath: FAKE_TRIVY });
    const trivy = await resolveTrivy(opts);
    expect(trivy).toEqual({ path: join(opts.installDir, 'trivy'), version: '0.75.0', source: 'trivy-path', sha256: sha256Hex(genuine()), verified: true });
    expect(out.text()).not.toContain('::warning::');
  });

  it('trivy-trust-unverified runs an unlisted trivy-path with a warning and a job-summary line', async () => {
    const planted = join(scratch, 'my-trivy');
    writeFileSync(planted, impostor(), { mode: 0o755 });
    const trivy = await resolveTrivy(options({ trivyPath: planted, trustUnverified: true }));
    expect(trivy).toEqual({ path: planted, version: '0.75.0', source: 'trivy-path', sha256: sha256Hex(impostor()), verified: false });
    expect(out.text()).toMatch(new RegExp(`^::warning::Running Trivy 0\\.75\\.0 from ${planted} unverified \\(trivy-trust-unverified: true\\): it has SHA-256 ${sha256Hex(impostor())}`, 'm'));
    expect(readFileSync(summaryFile, 'utf8')).toContain(`**Unverified Trivy:** \`${planted}\` (SHA-256 \`${sha256Hex(impostor())}\`) ran with \`trivy-trust-unverified: true\``);
    assertTrivyUnchanged(trivy); // nothing to compare against: it was never verified
  });

  it('trivy-trust-unverified still refuses the hijacked releases and anything too old', async () => {
    const planted = join(scratch, 'my-trivy');
    writeFileSync(planted, impostor(), { mode: 0o755 });
    process.env.FAKE_TRIVY_VERSION = '0.69.4';
    await expect(resolveTrivy(options({ trivyPath: planted, trustUnverified: true }))).rejects.toThrow(/Input "trivy-path": Trivy 0\.69\.4 is one of the releases published by the March 2026 hijack/);
    process.env.FAKE_TRIVY_VERSION = '0.60.0';
    await expect(resolveTrivy(options({ trivyPath: planted, trustUnverified: true }))).rejects.toThrow(/older than 0\.68\.1/);
    expect(readFileSync(summaryFile, 'utf8')).toBe('');
  });

  it('trivy-trust-unverified runs an unlisted trivy on PATH that reports the pinned version, with the warning and summary line', async () => {
    const planted = onPath(impostor());
    const trivy = await resolveTrivy(options({ trustUnverified: true }));
    expect(trivy).toMatchObject({ path: planted, source: 'PATH', verified: false });
    expect(out.text()).toContain(`::warning::Running Trivy 0.75.0 from ${planted} unverified`);
    expect(readFileSync(summaryFile, 'utf8')).toContain(`**Unverified Trivy:** \`${planted}\``);
  });

  it('a verified binary replaced between the check and the scan is refused', async () => {
    const trivy = await resolveTrivy(options());
    writeFileSync(trivy.path, impostor());
    expect(() => assertTrivyUnchanged(trivy)).toThrow(new RegExp(`changed after it was verified \\(SHA-256 ${trivy.sha256}, now ${sha256Hex(impostor())}\\): refusing to scan with it`));
  });
});

describe('what a bundle is about', () => {
  const artifact = Buffer.from('trivy release bytes');
  const sha = sha256Hex(artifact);
  const statement = (digest: string) => Buffer.from(JSON.stringify({ _type: 'https://in-toto.io/Statement/v1', subject: [{ name: 'trivy.tar.gz', digest: { sha256: digest } }] })).toString('base64');

  it.each<[string, unknown, RegExp | null]>([
    ['a message signature over these bytes', { messageSignature: { messageDigest: { algorithm: 'SHA2_256', digest: Buffer.from(sha, 'hex').toString('base64') } } }, null],
    ['a message signature over other bytes', { messageSignature: { messageDigest: { algorithm: 'SHA2_256', digest: Buffer.alloc(32).toString('base64') } } }, /signs another file/],
    ['an in-toto attestation naming these bytes', { dsseEnvelope: { payloadType: 'application/vnd.in-toto+json', payload: statement(sha) } }, null],
    ['an in-toto attestation about another file', { dsseEnvelope: { payloadType: 'application/vnd.in-toto+json', payload: statement('0'.repeat(64)) } }, /attests other files/],
    ['a DSSE envelope of another type', { dsseEnvelope: { payloadType: 'text/plain', payload: '' } }, /not an in-toto statement/],
    ['neither', {}, /neither a message signature nor a DSSE envelope/],
  ])('%s', (_name, bundle, problem) => {
    const result = bundleBindingProblem(bundle, artifact);
    if (problem) expect(result).toMatch(problem);
    else expect(result).toBeNull();
  });

  it('anchors and escapes the identity pattern', () => {
    const pattern = new RegExp(exactPattern(pinned.signer.certificateIdentity));
    expect(pattern.test(pinned.signer.certificateIdentity)).toBe(true);
    expect(pattern.test(`x${pinned.signer.certificateIdentity}`)).toBe(false);
    expect(pattern.test(pinned.signer.certificateIdentity.replace('.github', 'Xgithub'))).toBe(false);
  });
});
