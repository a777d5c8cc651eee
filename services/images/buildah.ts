/**
 * buildah as this tooling runs it: vfs storage and chroot isolation, which need no kernel overlay
 * support and no container runtime (CI machines and unprivileged runners have neither reliably).
 * A storage root of its own keeps these images out of other tools' way.
 */
import { spawn } from 'node:child_process';

export interface BuildahOptions {
  /** Storage root; buildah's default when unset. */
  root?: string;
  runroot?: string;
}

export function buildahGlobalArgs(o: BuildahOptions): string[] {
  return [...(o.root ? ['--root', o.root] : []), ...(o.runroot ? ['--runroot', o.runroot] : []), '--storage-driver', 'vfs'];
}

export class BuildahError extends Error {
  override name = 'BuildahError';
}

/** Runs buildah; resolves with stdout, rejects with the command and stderr's tail. */
export function buildah(o: BuildahOptions, args: string[], opts: { quiet?: boolean } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('buildah', [...buildahGlobalArgs(o), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, BUILDAH_ISOLATION: 'chroot' },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d;
      if (!opts.quiet) process.stderr.write(d);
    });
    child.stderr.on('data', (d: Buffer) => (err = (err + d).slice(-8000)));
    child.on('error', (e) => reject(new BuildahError(`buildah could not start: ${e.message}`)));
    // 'close', not 'exit': only then has stdout (a container ID, an image digest) been read in full.
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new BuildahError(`buildah ${args.slice(0, 2).join(' ')} exited ${code}: ${err.trim() || out.slice(-2000)}`)),
    );
  });
}
