/**
 * Debian's docker-registry (distribution 2.8) on a free loopback port with htpasswd auth, its own
 * config and storage in a temp dir; plus the containers-storage/registries config that lets buildah
 * (vfs, chroot isolation) and skopeo work unprivileged against it. One per test file.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../moto.js';
import { onPath } from '../requires.js';

export interface Registry {
  host: string;
  username: string;
  password: string;
  /** Env for the action: buildah's vfs storage and the insecure (http) loopback registry. */
  env: Record<string, string>;
  /** The registry's digest for a tag (Docker-Content-Digest), or null when the tag is absent. */
  manifestDigest(repository: string, reference: string): Promise<string | null>;
  manifest(repository: string, reference: string): Promise<any>;
  tags(repository: string): Promise<string[]>;
  stop(): Promise<void>;
}

/** The commands of `tools` that are not on PATH. */
export function haveTools(...tools: string[]): string[] {
  return tools.filter((t) => !onPath(t));
}

const ACCEPT = [
  'application/vnd.oci.image.index.v1+json', 'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json', 'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

export async function startRegistry(): Promise<Registry> {
  const dir = mkdtempSync(join(tmpdir(), 'registry-'));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const username = 'ci-pusher';
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  writeFileSync(join(dir, 'htpasswd'), execFileSync('htpasswd', ['-Bbn', username, password]));
  writeFileSync(join(dir, 'config.yml'), [
    'version: 0.1', 'log:', '  level: warn', 'storage:', '  filesystem:', `    rootdirectory: ${join(dir, 'data')}`, '  delete:', '    enabled: true',
    'http:', `  addr: ${host}`, 'auth:', '  htpasswd:', '    realm: test', `    path: ${join(dir, 'htpasswd')}`, '',
  ].join('\n'));
  writeFileSync(join(dir, 'storage.conf'), `[storage]\ndriver = "vfs"\ngraphroot = "${join(dir, 'storage')}"\nrunroot = "${join(dir, 'run')}"\n`);
  writeFileSync(join(dir, 'registries.conf'), `[[registry]]\nlocation = "${host}"\ninsecure = true\n`);
  const child: ChildProcess = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout!.on('data', (d) => (log = (log + d).slice(-4000)));
  child.stderr!.on('data', (d) => (log = (log + d).slice(-4000)));
  const authHeader = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited with ${child.exitCode}: ${log}`);
    try {
      // Each probe bounded: a registry that accepts and never answers must not outlast the deadline.
      const res = await fetch(`http://${host}/v2/`, { headers: { authorization: authHeader }, signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`docker-registry did not start: ${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const get = (path: string) => fetch(`http://${host}/v2/${path}`, { headers: { authorization: authHeader, accept: ACCEPT }, signal: AbortSignal.timeout(10_000) });
  return {
    host, username, password,
    env: {
      CONTAINERS_STORAGE_CONF: join(dir, 'storage.conf'),
      CONTAINERS_REGISTRIES_CONF: join(dir, 'registries.conf'),
    },
    async manifestDigest(repository, reference) {
      const res = await get(`${repository}/manifests/${reference}`);
      if (res.status === 404) return null;
      if (!res.ok) throw new Error(`registry GET manifest: HTTP ${res.status}`);
      return res.headers.get('docker-content-digest');
    },
    async manifest(repository, reference) {
      const res = await get(`${repository}/manifests/${reference}`);
      if (!res.ok) throw new Error(`registry GET manifest: HTTP ${res.status}`);
      return res.json();
    },
    async tags(repository) {
      const res = await get(`${repository}/tags/list`);
      if (res.status === 404) return [];
      return ((await res.json()) as { tags?: string[] }).tags ?? [];
    },
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}
