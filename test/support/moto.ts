/**
 * A real moto server (python3 -m moto.server) on a free loopback port, one per test file.
 * Point the SDK at it through AWS_ENDPOINT_URL (never through a client `endpoint` option).
 * `changeSetOutputs` loads moto-patch/sitecustomize.py into it: stacks made through change sets get
 * their Outputs and Exports, as on AWS (moto 5.2.1 lacks them; deploy-stack deploys only through
 * change sets). Opt-in: a template whose outputs name resources moto skips then fails to execute.
 * `secretStages` (same file): GetSecretValue without a stage follows AWSCURRENT when
 * UpdateSecretVersionStage moves it, as on AWS (a rotation's finishSecret).
 * `route53HealthChecks` (same file): health checks made from a template keep their calculated,
 * alarm and inversion settings, and GetHealthCheck returns them, as on AWS.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const MOTO_PATCH_DIR = fileURLToPath(new URL('./moto-patch/', import.meta.url));

export interface Moto {
  endpoint: string;
  port: number;
  /** Env for a bundle or for process.env: endpoint, fake credentials, region. */
  env: Record<string, string>;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

async function waitUntilUp(url: string, child: ChildProcess, log: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto exited with ${child.exitCode}: ${log()}`);
    try {
      // Each probe bounded: a server that accepts and never answers must not outlast the deadline.
      const res = await fetch(`${url}/moto-api/`, { signal: AbortSignal.timeout(2_000) });
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`moto did not start within ${timeoutMs / 1000} s: ${log()}`);
}

/** `startTimeoutMs` (default 30 s): longer for a caller that starts moto alongside other work. */
export async function startMoto(region = 'eu-central-1', opts: { changeSetOutputs?: boolean; secretStages?: boolean; route53HealthChecks?: boolean; startTimeoutMs?: number } = {}): Promise<Moto> {
  const port = await freePort();
  const patches = [opts.changeSetOutputs && 'change-set-outputs', opts.secretStages && 'secret-stages', opts.route53HealthChecks && 'route53-health-checks'].filter(Boolean);
  const child = spawn(process.env.MOTO_PYTHON ?? 'python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: patches.length
      ? { ...process.env, MOTO_PATCHES: patches.join(','), PYTHONPATH: [MOTO_PATCH_DIR, process.env.PYTHONPATH].filter(Boolean).join(':') }
      : process.env,
  });
  let log = '';
  child.stdout!.on('data', (d) => (log = (log + d).slice(-4000)));
  child.stderr!.on('data', (d) => (log = (log + d).slice(-4000)));
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilUp(endpoint, child, () => log, opts.startTimeoutMs ?? 30_000);
  } catch (err) {
    // A server too slow to come up must not outlive the run that gave up on it.
    child.kill('SIGKILL');
    throw err;
  }
  return {
    endpoint,
    port,
    env: {
      AWS_ENDPOINT_URL: endpoint,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_REGION: region,
      AWS_EC2_METADATA_DISABLED: 'true',
    },
    reset: async () => {
      await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
    },
    stop: () =>
      new Promise((resolve) => {
        // Ended already (a Ctrl-C reaches the whole process group): 'exit' will not fire again.
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
