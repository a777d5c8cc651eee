/** Builds a service image with buildah from its Dockerfile, and runs one the way ECS would: the image's own entrypoint, command and user. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildah, buildahGlobalArgs, type BuildahOptions } from './buildah.js';
import { repoRoot } from './bundle.js';

export interface BuildOptions extends BuildahOptions {
  dockerfile: string;
  contextDir: string;
  tag: string;
  /** NODE_IMAGE build argument; the Dockerfile's pinned public default when unset. */
  nodeImage?: string;
  /** never: use only images already in storage (CI, no registry access). */
  pull?: 'never' | 'missing' | 'always';
}

export async function buildImage(o: BuildOptions): Promise<{ tag: string; id: string }> {
  await buildah(o, [
    'bud', '--isolation', 'chroot', `--pull=${o.pull ?? 'missing'}`, '--layers=false', '--timestamp', '0',
    ...(o.nodeImage ? ['--build-arg', `NODE_IMAGE=${o.nodeImage}`] : []),
    '-f', join(repoRoot, o.dockerfile), '-t', o.tag, o.contextDir,
  ], { quiet: true });
  const id = (await buildah(o, ['images', '--noheading', '--no-trunc', '--format', '{{.ID}}', o.tag], { quiet: true })).trim().split('\n')[0];
  return { tag: o.tag, id };
}

export interface ImageConfig {
  Entrypoint?: string[];
  Cmd?: string[];
  User?: string;
  WorkingDir?: string;
  Env?: string[];
  ExposedPorts?: Record<string, unknown>;
}

export async function imageConfig(o: BuildahOptions, image: string): Promise<ImageConfig> {
  const info = JSON.parse(await buildah(o, ['inspect', '--type', 'image', image], { quiet: true })) as { OCIv1: { config?: ImageConfig } };
  return info.OCIv1.config ?? {};
}

/** How long stop() waits, after the exit, for the last of the output to be read. */
const OUTPUT_DRAIN_MS = 2000;

export interface RunningContainer {
  container: string;
  process: ChildProcess;
  output(): string;
  /** SIGTERM to the container's process (as `docker stop` does), SIGKILL after `graceMs`; removes the container. Resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

/**
 * Runs the image's entrypoint + command as its configured user, on the host network (chroot
 * isolation has no network namespace of its own), with `env` added to the image's environment.
 */
export async function runContainer(o: BuildahOptions, image: string, env: Record<string, string>): Promise<RunningContainer> {
  const cfg = await imageConfig(o, image);
  const argv = [...(cfg.Entrypoint ?? []), ...(cfg.Cmd ?? [])];
  if (argv.length === 0) throw new Error(`${image} has neither an entrypoint nor a command`);
  const container = (await buildah(o, ['from', '--pull=never', image], { quiet: true })).trim();
  const child = spawn('buildah', [
    ...buildahGlobalArgs(o), 'run', '--isolation', 'chroot', '--network', 'host',
    ...(cfg.User ? ['--user', cfg.User] : []), ...(cfg.WorkingDir ? ['--workingdir', cfg.WorkingDir] : []),
    ...Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
    container, '--', ...argv,
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out = (out + d).slice(-20_000)));
  child.stderr!.on('data', (d: Buffer) => (out = (out + d).slice(-20_000)));
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  // 'close' comes once stdout and stderr are read to the end: only then does output() hold the last lines.
  const closed = new Promise<void>((res) => child.once('close', () => res()));
  return {
    container,
    process: child,
    output: () => out,
    async stop(graceMs = 10_000) {
      if (child.exitCode === null) {
        // buildah answers its own SIGTERM with SIGKILL for the command; the service must get the SIGTERM.
        const target = descendants(child.pid!).find((pid) => cmdline(pid)[0] === argv[0]);
        if (target) process.kill(target, 'SIGTERM');
        else child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      // Bounded: a process left behind by a killed buildah may hold the pipes open.
      await Promise.race([closed, new Promise((r) => setTimeout(r, OUTPUT_DRAIN_MS).unref())]);
      await buildah(o, ['rm', container], { quiet: true }).catch(() => undefined);
      return child.exitCode;
    },
  };
}

function cmdline(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}

/** Child processes, then theirs (chroot isolation shares the host's process table). A child belongs
 * to the thread that started it, and buildah is multi-threaded: every thread's list counts. */
function descendants(pid: number): number[] {
  const children: number[] = [];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      children.push(...readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
    }
  } catch {
    // The process ended meanwhile.
  }
  return children.flatMap((c) => [c, ...descendants(c)]);
}

/** Polls `url` until it answers 200 or the container exits or the time runs out. */
export async function waitForHealthy(url: string, running: RunningContainer, timeoutMs = 60_000): Promise<{ status: number; body: string }> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (running.process.exitCode !== null) throw new Error(`container exited with ${running.process.exitCode} before ${url} was healthy:\n${running.output()}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      const body = await res.text();
      if (res.status === 200) return { status: 200, body };
      last = `${res.status} ${body}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} not healthy within ${timeoutMs} ms (last: ${last}):\n${running.output()}`);
}
