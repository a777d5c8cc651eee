/**
 * The OCI image layout the builders write (an `oci-archive` tar, extracted): the one artifact that is
 * scanned and then pushed byte for byte, so the digest we report is the digest we scanned.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os: string; architecture: string; variant?: string };
  annotations?: Record<string, string>;
}

export interface PlatformImage {
  platform: string;
  manifest: Descriptor;
}

export interface LayoutImage {
  /** The digest a registry will report for what we push: the index for several platforms, else the manifest. */
  digest: string;
  mediaType: string;
  images: PlatformImage[];
}

const INDEX_TYPES = new Set(['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json']);
const IMAGE_MANIFEST_TYPES = new Set(['application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v2+json']);
const ATTESTATION = 'attestation-manifest';

export function blobPath(layoutDir: string, digest: string): string {
  const [alg, hex] = digest.split(':');
  if (!/^[a-z0-9]+$/.test(alg ?? '') || !/^[a-f0-9]+$/.test(hex ?? '')) throw new Error(`Malformed digest "${digest}" in the OCI layout.`);
  return join(layoutDir, 'blobs', alg, hex);
}

/** Reads a blob and checks it against its digest (a layout is only as good as its hashes). */
export function readBlob(layoutDir: string, desc: Pick<Descriptor, 'digest'>): Buffer {
  const data = readFileSync(blobPath(layoutDir, desc.digest));
  const actual = `sha256:${createHash('sha256').update(data).digest('hex')}`;
  if (desc.digest.startsWith('sha256:') && actual !== desc.digest) throw new Error(`Blob ${desc.digest} in the OCI layout has digest ${actual}.`);
  return data;
}

export const platformString = (p: { os: string; architecture: string; variant?: string }) => `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}`;

export function readLayout(layoutDir: string): LayoutImage {
  const index = JSON.parse(readFileSync(join(layoutDir, 'index.json'), 'utf8')) as { manifests?: Descriptor[] };
  const top = index.manifests ?? [];
  if (top.length !== 1) throw new Error(`Expected one image in the OCI layout ${layoutDir}, found ${top.length}.`);
  const root = top[0];
  if (INDEX_TYPES.has(root.mediaType)) {
    const list = JSON.parse(readBlob(layoutDir, root).toString('utf8')) as { manifests?: Descriptor[] };
    // Everything in the index is pushed (`skopeo copy --all`), so every entry must be scanned or be
    // an attestation; an entry we cannot scan (no platform, a nested index) is refused, not skipped.
    const images = (list.manifests ?? [])
      // BuildKit adds provenance/SBOM attestations as `unknown/unknown` entries: they are not runnable images.
      .filter((m) => m.annotations?.['vnd.docker.reference.type'] !== ATTESTATION)
      .map((m) => {
        if (!IMAGE_MANIFEST_TYPES.has(m.mediaType) || !m.platform?.os || !m.platform.architecture || m.platform.os === 'unknown') {
          throw new Error(
            `The image index in ${layoutDir} lists ${m.digest} (${m.mediaType}, platform ${m.platform ? platformString(m.platform) : 'none'}), ` +
              'which is neither a platform image nor an attestation: it could not be scanned, so nothing is pushed.',
          );
        }
        return { platform: platformString(m.platform), manifest: m };
      });
    if (images.length === 0) throw new Error(`The image index in ${layoutDir} lists no platform images.`);
    return { digest: root.digest, mediaType: root.mediaType, images };
  }
  const manifest = JSON.parse(readBlob(layoutDir, root).toString('utf8')) as { config: Descriptor };
  const config = JSON.parse(readBlob(layoutDir, manifest.config).toString('utf8')) as { os: string; architecture: string; variant?: string };
  return { digest: root.digest, mediaType: root.mediaType, images: [{ platform: platformString(config), manifest: root }] };
}

/**
 * A layout holding just one platform's image, sharing the blobs: what `trivy image --input` scans
 * without having to pick a platform out of an index.
 */
export function singleImageLayout(layoutDir: string, image: PlatformImage, outDir: string): string {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(join(outDir, 'index.json'), JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [image.manifest] }));
  if (!existsSync(join(outDir, 'blobs'))) symlinkSync(join(layoutDir, 'blobs'), join(outDir, 'blobs'), 'dir');
  return outDir;
}
