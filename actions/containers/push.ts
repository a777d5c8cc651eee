/**
 * Pushes the scanned OCI archive, byte for byte, with skopeo (`--preserve-digests` refuses any
 * conversion), and checks that the registry's digest is the one we scanned.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withRetry } from '../../common/retry.js';
import { mustRun, ToolError } from './process.js';

export interface PushRequest {
  archivePath: string;
  /** `registry/repository:tag`, one per tag. */
  destinations: string[];
  expectedDigest: string;
  authFile?: string;
  signal: AbortSignal;
}

/** Network faults while talking to a registry, worth another try (skopeo's own retries cover blobs, not the whole copy). */
function transientPushError(err: unknown): boolean {
  return err instanceof ToolError && /(connection reset|i\/o timeout|TLS handshake timeout|50[0-9] |429 |too many requests|EOF)/i.test(err.message);
}

export function skopeoCopyArgs(req: Pick<PushRequest, 'archivePath' | 'authFile'>, destination: string, digestFile: string): string[] {
  // skopeo 1.9 ignores CONTAINERS_REGISTRIES_CONF; pass it on so insecure/mirror settings apply.
  const global = process.env.CONTAINERS_REGISTRIES_CONF ? ['--registries-conf', process.env.CONTAINERS_REGISTRIES_CONF] : [];
  return [
    ...global, 'copy', '--all', '--preserve-digests', '--retry-times', '3',
    ...(req.authFile ? ['--authfile', req.authFile] : []),
    '--digestfile', digestFile, `oci-archive:${req.archivePath}`, `docker://${destination}`,
  ];
}

export async function pushArchive(req: PushRequest): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'mesh-push-'));
  for (const [i, destination] of req.destinations.entries()) {
    const digestFile = join(dir, `digest-${i}`);
    await withRetry(() => mustRun('skopeo', skopeoCopyArgs(req, destination, digestFile), { signal: req.signal }), {
      attempts: 3, baseMs: 1000, signal: req.signal, retryable: transientPushError,
    });
    const pushed = readFileSync(digestFile, 'utf8').trim();
    if (pushed !== req.expectedDigest) {
      throw new Error(`The registry stored ${destination} as ${pushed}, not the scanned ${req.expectedDigest}.`);
    }
  }
}
