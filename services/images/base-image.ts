/**
 * Assembles a Node 24 base image from what this machine has, for builds that cannot pull (CI here
 * has no registry access). It mirrors gcr.io/distroless/nodejs24-debian12 where the Dockerfiles
 * depend on it: node at /nodejs/bin/node as the entrypoint, user nonroot (65532), no shell, CA
 * certificates, and only the shared libraries node links against (found with ldd).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildah, type BuildahOptions } from './buildah.js';

export const NONROOT_UID = 65532;
export const LOCAL_BASE_NAME = 'localhost/mesh/node24-base';

/** The libraries a binary loads, from ldd's output (`name => /path (addr)` and `/path (addr)` lines). */
export function parseLdd(output: string): string[] {
  const libs = new Set<string>();
  for (const line of output.split('\n')) {
    const m = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
    if (m) libs.add(m[1]);
  }
  return [...libs].sort();
}

/**
 * All of glibc's libraries, as distroless ships the whole libc6 package: native addons link against
 * more of it than node does (librt, libresolv, the NSS modules).
 */
export function glibcLibraries(): string[] {
  const r = spawnSync('dpkg', ['-L', 'libc6'], { encoding: 'utf8' });
  if (r.status !== 0) return [];
  return r.stdout.split('\n').filter((f) => /\/lib[^/]*\.so(\.[\d.]+)?$/.test(f) && existsSync(f));
}

function ldd(file: string): string[] {
  const r = spawnSync('ldd', [file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ldd ${file} failed: ${r.stderr}`);
  return parseLdd(r.stdout);
}

/** The project's Node 24: the `node` npm package's binary, else the running node. Refuses any other major. */
export function defaultNodeBinary(repoRoot: string): string {
  const candidates = [join(repoRoot, 'node_modules/node/bin/node'), process.execPath];
  for (const bin of candidates) {
    if (!existsSync(bin)) continue;
    const v = spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout.trim();
    if (v.startsWith('v24.')) return bin;
  }
  throw new Error(`no Node 24 binary found (looked at ${candidates.join(', ')}); run npm ci`);
}

export interface BaseImageOptions extends BuildahOptions {
  /** A Node 24 binary (see defaultNodeBinary). */
  nodeBinary: string;
  /** Extra native files whose libraries must be present too (e.g. .node addons). */
  extraElfFiles?: string[];
  tag?: string;
}

export interface BaseImage {
  /** name@sha256:… : what FROM uses, pinned by digest as the public default is. */
  ref: string;
  digest: string;
}

export function writeRootfs(dir: string, opts: BaseImageOptions): void {
  const put = (path: string, content: string, mode = 0o644) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content, { mode });
  };
  const node = join(dir, 'nodejs/bin/node');
  mkdirSync(dirname(node), { recursive: true });
  // Debug sections are most of the npm package's binary; the image needs none of them.
  const stripped = spawnSync('objcopy', ['--strip-debug', opts.nodeBinary, node]);
  if (stripped.status !== 0) copyFileSync(opts.nodeBinary, node);
  chmodSync(node, 0o755);
  for (const lib of new Set([...glibcLibraries(), ...[opts.nodeBinary, ...(opts.extraElfFiles ?? [])].flatMap(ldd)])) {
    mkdirSync(dirname(join(dir, lib)), { recursive: true });
    // The file itself, not a link: the image has no other copy to point at.
    copyFileSync(lib, join(dir, lib));
  }
  put('etc/passwd', `root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:${NONROOT_UID}:${NONROOT_UID}:nonroot:/home/nonroot:/sbin/nologin\n`);
  put('etc/group', `root:x:0:\nnogroup:x:65534:\nnonroot:x:${NONROOT_UID}:\n`);
  put('etc/nsswitch.conf', 'passwd: files\ngroup: files\nhosts: files dns\n');
  put('etc/hosts', '127.0.0.1 localhost\n::1 localhost\n');
  if (existsSync('/etc/ssl/certs/ca-certificates.crt')) {
    mkdirSync(join(dir, 'etc/ssl/certs'), { recursive: true });
    copyFileSync('/etc/ssl/certs/ca-certificates.crt', join(dir, 'etc/ssl/certs/ca-certificates.crt'));
  }
  mkdirSync(join(dir, 'tmp'), { recursive: true });
  chmodSync(join(dir, 'tmp'), 0o1777);
  mkdirSync(join(dir, 'home/nonroot'), { recursive: true });
}

/** Builds the base image into buildah's storage and returns it pinned by digest. */
export async function assembleBaseImage(opts: BaseImageOptions): Promise<BaseImage> {
  const tag = opts.tag ?? `${LOCAL_BASE_NAME}:24`;
  const dir = mkdtempSync(join(tmpdir(), 'mesh-base-rootfs-'));
  let ctr: string | undefined;
  try {
    writeRootfs(dir, opts);
    ctr = (await buildah(opts, ['from', 'scratch'], { quiet: true })).trim();
    await buildah(opts, ['copy', ctr, `${dir}/`, '/'], { quiet: true });
    // Owned by nonroot, as in distroless: the service may write its home, nothing else.
    await buildah(opts, ['run', '--isolation', 'chroot', ctr, '--', '/nodejs/bin/node', '-e', `require('fs').chownSync('/home/nonroot', ${NONROOT_UID}, ${NONROOT_UID})`], { quiet: true });
    await buildah(opts, [
      'config', '--entrypoint', '["/nodejs/bin/node"]', '--cmd', '', '--user', `${NONROOT_UID}:${NONROOT_UID}`,
      '--workingdir', '/home/nonroot', '--env', 'SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt',
      '--label', 'org.opencontainers.image.description=Node 24 base assembled locally (mirrors gcr.io/distroless/nodejs24-debian12)', ctr,
    ], { quiet: true });
    await buildah(opts, ['commit', '--rm', '--timestamp', '0', ctr, tag], { quiet: true });
    ctr = undefined;
    const digest = (await buildah(opts, ['images', '--digests', '--format', '{{.Digest}}', tag], { quiet: true })).trim().split('\n')[0];
    if (!/^sha256:[0-9a-f]{64}$/.test(digest)) throw new Error(`could not read the digest of ${tag}: "${digest}"`);
    return { ref: `${tag.replace(/:[^:/]+$/, '')}@${digest}`, digest };
  } finally {
    if (ctr) await buildah(opts, ['rm', ctr], { quiet: true }).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}
