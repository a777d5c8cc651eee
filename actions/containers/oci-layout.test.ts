/**
 * readLayout decides which images the gate scans; `skopeo copy --all` pushes every entry of the
 * index. So an index entry that is neither a scannable platform image nor an attestation must stop
 * the run instead of slipping through unscanned.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readLayout, type Descriptor } from './oci-layout.js';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'oci-layout-'));
  mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function blob(content: unknown, mediaType: string, extra: Partial<Descriptor> = {}): Descriptor {
  const data = Buffer.from(JSON.stringify(content));
  const hex = createHash('sha256').update(data).digest('hex');
  writeFileSync(join(dir, 'blobs', 'sha256', hex), data);
  return { mediaType, digest: `sha256:${hex}`, size: data.length, ...extra };
}

function imageManifest(arch: string): Descriptor {
  const config = blob({ os: 'linux', architecture: arch }, 'application/vnd.oci.image.config.v1+json');
  return blob({ schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [] }, OCI_MANIFEST);
}

function layoutWithIndex(entries: Descriptor[]): Descriptor {
  const index = blob({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: entries }, OCI_INDEX);
  writeFileSync(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [index] }));
  return index;
}

const amd64 = () => ({ ...imageManifest('amd64'), platform: { os: 'linux', architecture: 'amd64' } });

describe('readLayout: what the gate scans is everything that is pushed', () => {
  it('lists each platform image and leaves out BuildKit attestations', () => {
    const arm = { ...imageManifest('arm64'), platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } };
    const attestation = { ...blob({ schemaVersion: 2, layers: [] }, OCI_MANIFEST), platform: { os: 'unknown', architecture: 'unknown' }, annotations: { 'vnd.docker.reference.type': 'attestation-manifest' } };
    const a = amd64();
    const index = layoutWithIndex([a, arm, attestation]);
    const layout = readLayout(dir);
    expect(layout.digest).toBe(index.digest);
    expect(layout.images.map((i) => [i.platform, i.manifest.digest])).toEqual([['linux/amd64', a.digest], ['linux/arm64/v8', arm.digest]]);
  });

  it.each([
    ['an image without a platform', () => imageManifest('arm64')],
    ['an unknown/unknown image that is not an attestation', () => ({ ...imageManifest('arm64'), platform: { os: 'unknown', architecture: 'unknown' } })],
    ['a nested index', () => ({ ...blob({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] }, OCI_INDEX), platform: { os: 'linux', architecture: 'arm64' } })],
  ])('refuses an index holding %s', (_label, entry) => {
    const odd = entry();
    layoutWithIndex([amd64(), odd]);
    expect(() => readLayout(dir)).toThrow(new RegExp(`lists ${odd.digest} .*could not be scanned, so nothing is pushed`));
  });
});
