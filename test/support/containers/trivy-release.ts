/** A Trivy "release" for installer tests: a tar.gz holding the CLI double, its Sigstore bundle, and a TUF mirror, served from loopback. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, copyFileSync, chmodSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pinned from '../../../actions/build-scan-push/trivy-checksums.json' with { type: 'json' };
import type { TrivyPin } from '../../../actions/containers/trivy/install.js';
import { createPrivateSigstore, tufRepository, type Identity } from './sigstore-fixture.js';
import { serveFiles, type FileServer } from './http-server.js';

export const FAKE_TRIVY = fileURLToPath(new URL('./fake-trivy.mjs', import.meta.url));
export const RELEASE_IDENTITY: Identity = { san: pinned.signer.certificateIdentity, issuer: pinned.signer.oidcIssuer };

/** The archive layout of Trivy's releases: the `trivy` binary at the top, next to README/LICENSE. */
export function releaseArchive(): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'trivy-release-'));
  copyFileSync(FAKE_TRIVY, join(dir, 'trivy'));
  chmodSync(join(dir, 'trivy'), 0o755);
  writeFileSync(join(dir, 'LICENSE'), 'Apache-2.0 (test archive)\n');
  execFileSync('tar', ['-czf', join(dir, 'release.tar.gz'), '-C', dir, 'trivy', 'LICENSE']);
  return readFileSync(join(dir, 'release.tar.gz'));
}

export interface TrivyMirror {
  server: FileServer;
  /** Base URL for `trivy-mirror`. */
  releaseBase: string;
  /** For `sigstore-tuf-mirror` / `sigstore-tuf-root`. */
  tufMirror: string;
  tufRootPath: string;
  archive: Buffer;
  assetName: string;
  /** The committed pin, with this platform's checksums set to the test archive's and to the binary inside it. */
  pin: TrivyPin;
  sign(artifact: Buffer, identity?: Identity): Buffer;
  close(): Promise<void>;
}

export async function startTrivyMirror(platformKey: string): Promise<TrivyMirror> {
  const server = await serveFiles();
  const sigstore = createPrivateSigstore(`${server.url}/rekor`);
  const tuf = tufRepository(sigstore.trustedRoot);
  for (const [path, body] of tuf.files) server.files.set(`/tuf${path}`, body);
  const tufRootPath = join(mkdtempSync(join(tmpdir(), 'tuf-root-')), 'root.json');
  writeFileSync(tufRootPath, tuf.rootJson);
  const archive = releaseArchive();
  const pin = structuredClone(pinned) as TrivyPin;
  const assetName = pin.assets[platformKey].name;
  const { createHash } = await import('node:crypto');
  pin.assets[platformKey].sha256 = createHash('sha256').update(archive).digest('hex');
  pin.assets[platformKey].binarySha256 = createHash('sha256').update(readFileSync(FAKE_TRIVY)).digest('hex');
  const sign = (artifact: Buffer, identity = RELEASE_IDENTITY) => Buffer.from(JSON.stringify(sigstore.signBlob(artifact, identity)));
  server.files.set(`/release/${assetName}`, archive);
  server.files.set(`/release/${assetName}.sigstore.json`, sign(archive));
  return {
    server, releaseBase: `${server.url}/release`, tufMirror: `${server.url}/tuf`, tufRootPath, archive, assetName, pin, sign,
    close: () => server.close(),
  };
}
