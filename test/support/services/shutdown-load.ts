/**
 * SIGTERM under saturating load, as a task on the platform sees it: a service's start command runs in
 * a child process, autocannon (HTTP) or concurrent grpc-js calls (gRPC) keep it saturated through the
 * whole shutdown (the drain delay, the listener's close, the last responses), and every outcome is
 * counted by kind. The counting rules, stated once for every service:
 *
 * - served: a 2xx.
 * - failed: anything else a request got: a 5xx (a 503 included: nothing here treats a 503 as part of
 *   the contract), another unexpected status, a timeout, an error other than the two below.
 * - resets: a request sent on an established connection that was reset (ECONNRESET, EPIPE) or
 *   dropped before its answer (gRPC: the connection dropped, a RST_STREAM).
 * - refused: a new connection refused once the listener has closed (ECONNREFUSED). No request was
 *   sent on it: this is how a client, like a load balancer's health check, learns that the task is
 *   gone, and that client stops sending to it (each autocannon connection, each gRPC worker, stops).
 *
 * The bar is 0 failed and 0 resets.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import autocannon from 'autocannon';
import type * as grpc from '@grpc/grpc-js';
import { expect } from 'vitest';
import { freePort } from '../moto.js';
import { repoRoot } from '../harness.js';

export interface ShutdownFigures {
  service: string;
  /** Requests (or calls) answered with success, in total and before SIGTERM. */
  served: number;
  servedBeforeTerm: number;
  failed: number;
  resets: number;
  refused: number;
  /** What the failures were (status or error), for the assertion message. */
  failures: Record<string, number>;
  exitCode: number | null;
  output: string;
}

export interface StartedProcess {
  child: ChildProcess;
  port: number;
  output(): string;
  exited: Promise<number | null>;
}

/** Runs `services/<name>/src/main.ts` (the start command) with `env`, and waits until `ready(port)` resolves true. */
export async function startServiceProcess(name: string, env: Record<string, string>, ready: (port: number) => Promise<boolean>, port?: number): Promise<StartedProcess> {
  const bound = port ?? await freePort();
  // Node itself with tsx's loader, as the image runs node: the tsx command relays a signal through
  // its own parent process, which sends it again, then SIGKILL, when a busy child takes > 30 ms to notice.
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, `services/${name}/src/main.ts`)], {
    cwd: repoRoot,
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(bound), EMF_INTERVAL: '1h', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const deadline = Date.now() + 60_000;
  while (!(await ready(bound).catch(() => false))) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode} before it was ready:\n${out}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} was not ready within 60 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, port: bound, output: () => out, exited };
}

interface AutocannonClient {
  on(event: 'connError', fn: (err: NodeJS.ErrnoException) => void): void;
  destroy(): void;
}

/**
 * autocannon unchanged (it even writes the next request on a connection whose last response said
 * `connection: close`), except that a refused connection ends that connection's client, as a load
 * balancer stops sending to a target that refuses: without this it would retry in a tight loop until
 * the run's end.
 */
function stopOnRefusal(client: AutocannonClient): void {
  client.on('connError', (err) => {
    if (err.code === 'ECONNREFUSED') client.destroy();
  });
}

export interface HttpLoad {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** A fresh request each time (e.g. a new Idempotency-Key). */
  setupRequest?: (req: autocannon.Request) => autocannon.Request;
  connections?: number;
}

/** Saturates `proc` over HTTP, sends SIGTERM once `servedBeforeTerm` requests succeeded, and counts until every connection is refused. */
export async function httpShutdownUnderLoad(service: string, proc: StartedProcess, load: HttpLoad, servedBeforeTerm = 500): Promise<ShutdownFigures> {
  const figures: ShutdownFigures = { service, served: 0, servedBeforeTerm: 0, failed: 0, resets: 0, refused: 0, failures: {}, exitCode: null, output: '' };
  const fail = (what: string) => {
    figures.failed++;
    figures.failures[what] = (figures.failures[what] ?? 0) + 1;
  };
  let termSent = false;
  let finish!: (err: Error | null) => void;
  const finished = new Promise<void>((resolve, reject) => (finish = (err) => (err ? reject(err) : resolve())));
  const instance = autocannon({
    url: load.url,
    method: load.method ?? 'GET',
    headers: load.headers,
    body: load.body,
    requests: load.setupRequest ? [{ setupRequest: load.setupRequest }] : undefined,
    connections: load.connections ?? 64,
    // An upper bound: the run ends when every connection has been refused.
    duration: 60,
    // Generous: a shared CI machine can be slow; a request this late counts as failed.
    timeout: 30,
    setupClient: stopOnRefusal as unknown as autocannon.Options['setupClient'],
  }, (err) => finish(err));
  instance.on('response', (_client, status) => {
    if (status >= 200 && status < 300) {
      figures.served++;
      if (!termSent && figures.served >= servedBeforeTerm) {
        termSent = true;
        figures.servedBeforeTerm = figures.served;
        proc.child.kill('SIGTERM');
      }
    } else {
      fail(`HTTP ${status}`);
    }
  });
  instance.on('reqError', (err: NodeJS.ErrnoException) => {
    if (err.code === 'ECONNREFUSED' && termSent) figures.refused++;
    else if (err.code === 'ECONNRESET' || err.code === 'EPIPE') figures.resets++;
    else fail(err.code ?? err.message);
  });
  await finished;
  if (!termSent) proc.child.kill('SIGTERM');
  figures.exitCode = await proc.exited;
  figures.output = proc.output();
  return figures;
}

type Unary = (req: unknown, cb: (err: grpc.ServiceError | null, res: unknown) => void) => void;

/**
 * Saturates a gRPC server with `concurrency` workers each calling `method` in a loop on one grpc-js
 * channel (as a mesh proxy would), sends SIGTERM once `servedBeforeTerm` calls succeeded, and counts
 * until every worker has been refused a connection.
 */
export async function grpcShutdownUnderLoad(
  service: string, proc: StartedProcess, client: grpc.Client & Record<string, Unary>, method: string, request: unknown,
  { concurrency = 16, servedBeforeTerm = 1000 } = {},
): Promise<ShutdownFigures> {
  const figures: ShutdownFigures = { service, served: 0, servedBeforeTerm: 0, failed: 0, resets: 0, refused: 0, failures: {}, exitCode: null, output: '' };
  let termSent = false;
  const stopAt = Date.now() + 60_000;
  const worker = async () => {
    while (Date.now() < stopAt) {
      const err = await new Promise<grpc.ServiceError | null>((resolve) => client[method](request, (e) => resolve(e)));
      if (!err) {
        figures.served++;
        if (!termSent && figures.served >= servedBeforeTerm) {
          termSent = true;
          figures.servedBeforeTerm = figures.served;
          proc.child.kill('SIGTERM');
        }
        continue;
      }
      // grpc-js names the transport's error in the details of UNAVAILABLE.
      if (termSent && /ECONNREFUSED/.test(err.details)) {
        figures.refused++;
        return;
      }
      if (/ECONNRESET|EPIPE|RST_STREAM|Connection dropped|socket hang up/i.test(err.details)) figures.resets++;
      else {
        figures.failed++;
        const what = `${err.code} ${err.details}`;
        figures.failures[what] = (figures.failures[what] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  if (!termSent) proc.child.kill('SIGTERM');
  figures.exitCode = await proc.exited;
  figures.output = proc.output();
  return figures;
}

/** One line per service, for the test log and reports. */
export function describeFigures(f: ShutdownFigures): string {
  return `${f.service}: SIGTERM under load: ${f.served} served (${f.servedBeforeTerm} before SIGTERM, ${f.served - f.servedBeforeTerm} after), `
    + `${f.failed} failed, ${f.resets} resets, ${f.refused} refused after the listener closed; exit ${f.exitCode}`;
}

/**
 * What every service's shutdown test requires of its figures: nothing failed or reset, at least
 * `minBeforeTerm` served before SIGTERM, load served on after it (the drain and the listener's close),
 * exit 0, and the service's own "shutdown: complete" line (`completeLine`, as that service logs it).
 */
export function expectCleanShutdown(f: ShutdownFigures, minBeforeTerm: number, completeLine = 'shutdown: complete'): void {
  console.log(describeFigures(f));
  expect(f.failures, f.output.slice(-3000)).toEqual({});
  expect(f.resets).toBe(0);
  expect(f.failed).toBe(0);
  expect(f.servedBeforeTerm).toBeGreaterThanOrEqual(minBeforeTerm);
  expect(f.served).toBeGreaterThan(f.servedBeforeTerm);
  expect(f.exitCode).toBe(0);
  expect(f.output).toContain(completeLine);
}
