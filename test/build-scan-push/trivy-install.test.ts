import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assetKey, bundleBindingProblem, exactPattern, parseTrivyVersion, resolveTrivy, sha256Hex, versionProblem, type ResolveOptions } from '../../actions/containers/trivy/install.js';
import pinned from '../../actions/build-scan-push/trivy-checksums.json' with { type: 'json' };
import { startTrivyMirror, type TrivyMirror, FAKE_TRIVY } from './support/trivy-release.js';
import { runTool } from '../../actions/containers/process.js';

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
    expect(pinned.signer.certificateIdentity).toBe(`https://github.com/aquasecurity/trivy/.github/workflows/reusable-release.yaml@refs/tags/${pinned.tag}`);
  });

  it('installs when the SHA-256 matches the table and the bundle verifies against the release workflow identity', async () => {
    const opts = options();
    const trivy = await resolveTrivy(opts);
    expect(trivy).toEqual({ path: join(opts.installDir, 'trivy'), version: '0.75.0', source: 'download' });
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

  it('accepts trivy-path only after a version check', async () => {
    const ok = await resolveTrivy(options({ trivyPath: FAKE_TRIVY }));
    expect(ok).toMatchObject({ path: FAKE_TRIVY, version: '0.75.0', source: 'trivy-path' });
    process.env.FAKE_TRIVY_VERSION = '0.69.4';
    try {
      await expect(resolveTrivy(options({ trivyPath: FAKE_TRIVY }))).rejects.toThrow(/Input "trivy-path": Trivy 0\.69\.4 is one of the releases published by the March 2026 hijack/);
    } finally {
      delete process.env.FAKE_TRIVY_VERSION;
    }
    await expect(resolveTrivy(options({ trivyPath: '/nonexistent/trivy' }))).rejects.toThrow(/Input "trivy-path": \/nonexistent\/trivy does not exist/);
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
