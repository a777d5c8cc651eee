/** The rehearsal's own child processes: started, waited for, and always stopped (also on Ctrl-C). */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface Proc {
  name: string;
  child: ChildProcess;
  /** The last few KiB of its stdout and stderr, for a failure message. */
  log(): string;
  stop(): Promise<void>;
}

const running = new Set<Proc>();

/** A tool on PATH, or in the sbin folders a non-root PATH often lacks (Debian's nginx lives there). */
export function findTool(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin', '/usr/local/sbin'].filter(Boolean);
  for (const dir of dirs) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not here
    }
  }
  return undefined;
}

export function startProc(name: string, command: string, args: string[], opts: { env?: Record<string, string | undefined>; cwd?: string } = {}): Proc {
  return track(name, spawn(command, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] }));
}

/** A child started elsewhere (an action's bundle): stopped with the rest on a failure or Ctrl-C. */
export function track(name: string, child: ChildProcess): Proc {
  let log = '';
  const keep = (d: Buffer) => (log = (log + d.toString()).slice(-4000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  child.on('error', (err) => keep(Buffer.from(`\n${err.message}`)));
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  let stopping: Promise<void> | undefined;
  const proc: Proc = {
    name,
    child,
    log: () => log,
    stop() {
      stopping ??= (async () => {
        running.delete(proc);
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
          await exited;
          clearTimeout(timer);
        }
      })();
      return stopping;
    },
  };
  running.add(proc);
  return proc;
}

/** Stops every process still running, in reverse order of start. */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].reverse().map((p) => p.stop()));
}

/**
 * How long a process may take to answer: they start while the image builds (half a minute), so a
 * machine busy with other work may take that long without delaying the rehearsal; a process that
 * fails exits, and that is reported at once.
 */
export const START_TIMEOUT_MS = 90_000;

/** Polls `url` until `ok(status)`; fails early when the process ends, and after `timeoutMs`. */
export async function waitForHttp(url: string, proc: Proc, timeoutMs = START_TIMEOUT_MS, ok = (status: number) => status === 200): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) throw new Error(`${proc.name} exited (${proc.child.exitCode ?? proc.child.signalCode}) before ${url} answered: ${proc.log()}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (ok(res.status)) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${proc.name} did not answer ${url} within ${timeoutMs / 1000} s: ${proc.log()}`);
}
