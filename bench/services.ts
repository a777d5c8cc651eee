/**
 * The service kit's overhead (`npm run bench:services`): each service's main route under load, as
 * the real service on the kit and as a bare Fastify (grpc-js for persona) route doing the same work.
 * Overhead = 1 − kit rps / bare rps (and the p95 ratio); the goal is ≤ 25 %.
 *
 * Load: autocannon (HTTP) or a bounded grpc-js loop (persona), CONNECTIONS concurrent. Both targets
 * run at once in their own processes (bench/service-target.ts, 127.0.0.1 only) and take load in turn,
 * SLICE seconds each, ROUNDS times (order alternating): on a machine shared with other work, noise
 * then hits both sides alike. The headline overhead is CPU time per request (the target process's
 * utime+stime from /proc over the requests it served): what the kit costs, and unlike rps hardly
 * moved by other work on the machine. rps and p95 are over all slices, their ratios medians of the
 * per-round ratios. vc-start is included when services/vc-start exposes createVcStart.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import * as grpc from '@grpc/grpc-js';
import { InputError } from '../common/errors.js';
import { envInt } from '../services/kit/src/config.js';
import { loadPersonaProto } from '../services/persona/src/app.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Checked before anything starts: a typo is an InputError naming the knob and its range, not NaN rows.
const SLICE = envInt(process.env, 'BENCH_SLICE', 1, { min: 1, max: 600 });
const WARMUP = envInt(process.env, 'BENCH_WARMUP', 2, { min: 0, max: 600 });
const CONNECTIONS = envInt(process.env, 'BENCH_CONNECTIONS', 10, { min: 1, max: 1000 });
const ROUNDS = envInt(process.env, 'BENCH_ROUNDS', 8, { min: 1, max: 100 });
// Read by each target process (bench/service-target.ts); checked here so a typo stops the bench before it starts one.
const KIT_ENV = process.env.BENCH_KIT_ENV;
if (KIT_ENV !== undefined) {
  let parsed: unknown;
  try {
    parsed = JSON.parse(KIT_ENV);
  } catch {
    parsed = undefined;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || !Object.values(parsed).every((v) => typeof v === 'string')) {
    throw new InputError(`BENCH_KIT_ENV: ${JSON.stringify(KIT_ENV)} is not valid; expected a JSON object of strings, e.g. {"ACCESS_LOG":"all"}.`);
  }
}
const GOAL = 0.25;

interface Run {
  /** CPU seconds the target used during the run. */
  cpu: number;
  rps: number;
  p95: number;
  errors: number;
  requests: number;
  latencies: number[];
}

interface Target {
  port: number;
  token?: string;
  id?: string;
}

function p95(latencies: number[]): number {
  if (latencies.length === 0) return NaN;
  const sorted = [...latencies].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)];
}

async function startTarget(service: string, variant: 'kit' | 'bare'): Promise<{ child: ChildProcess; target: Target }> {
  // node --import tsx (not the tsx CLI, which runs a second process): the pid is the server's, for CPU time.
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'bench/service-target.ts'), service, variant], {
    cwd: root, stdio: ['ignore', openSync('/dev/null', 'w'), 'pipe'], env: { ...process.env, NODE_ENV: 'production' },
  });
  let out = '';
  const target = await new Promise<Target>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${service}/${variant} did not start in 60 s: ${out}`)), 60_000);
    child.stderr!.on('data', (d) => {
      out += d;
      const m = /TARGET (\{.*\})/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(JSON.parse(m[1]) as Target);
      }
    });
    child.on('exit', (code) => reject(new Error(`${service}/${variant} exited ${code}: ${out}`)));
  });
  return { child, target };
}

function stopTarget(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function httpLoad(opts: autocannon.Options, seconds: number): Promise<Run> {
  const latencies: number[] = [];
  let errors = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ ...opts, connections: CONNECTIONS, duration: seconds }, (err, r) => (err ? reject(err) : resolve(r)));
    // autocannon reports p90/p97.5 but not p95: keep every response time.
    instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
      latencies.push(ms);
      if (status >= 400) errors++;
    });
  });
  errors += result.errors + result.timeouts;
  return { cpu: 0, rps: latencies.length / seconds, p95: p95(latencies), errors, requests: latencies.length, latencies };
}

async function grpcLoad(port: number, id: string, seconds: number): Promise<Run> {
  const proto = loadPersonaProto() as unknown as { persona: { v1: { PersonaService: new (a: string, c: grpc.ChannelCredentials) => grpc.Client & Record<string, Function> } } };
  const client = new proto.persona.v1.PersonaService(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const latencies: number[] = [];
  let errors = 0;
  const end = Date.now() + seconds * 1000;
  const loop = async () => {
    while (Date.now() < end) {
      const t = process.hrtime.bigint();
      await new Promise<void>((resolve) => client.AnalysePersona({ id }, (err: Error | null) => {
        if (err) errors++;
        latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
        resolve();
      }));
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, loop));
  client.close();
  return { cpu: 0, rps: latencies.length / seconds, p95: p95(latencies), errors, requests: latencies.length, latencies };
}

/** utime + stime of a process in seconds (Linux /proc; clock ticks are 1/100 s). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function measured(pid: number, run: () => Promise<Run>): Promise<Run> {
  const before = cpuSeconds(pid);
  const r = await run();
  return { ...r, cpu: cpuSeconds(pid) - before };
}

interface Bench {
  service: string;
  route: string;
  load(target: Target, seconds: number): Promise<Run>;
}

const benches: Bench[] = [
  {
    service: 'auth',
    route: 'POST /verify (ES256 JWT)',
    load: (t, s) => httpLoad({
      url: `http://127.0.0.1:${t.port}/verify`, method: 'POST',
      headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: t.token, audience: 'persona' }),
    }, s),
  },
  {
    service: 'persona',
    route: 'gRPC AnalysePersona',
    load: (t, s) => grpcLoad(t.port, t.id!, s),
  },
];
if (existsSync(join(root, 'services/vc-start/src/app.ts'))) {
  const app = (await import('../services/vc-start/src/app.js')) as Record<string, unknown>;
  if (typeof app.createVcStart === 'function') {
    benches.push({
      service: 'vc-start',
      route: 'POST /verifications (PGlite, new Idempotency-Key each)',
      load: (t, s) => httpLoad({
        url: `http://127.0.0.1:${t.port}`,
        requests: [{
          method: 'POST', path: '/verifications',
          setupRequest: (req) => {
            const key = randomUUID();
            return { ...req, headers: { 'content-type': 'application/json', 'idempotency-key': key }, body: JSON.stringify({ subject: 'bench@example.com', method: 'email', reference: key }) };
          },
        }],
      }, s),
    });
  }
}

const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim()).filter(Boolean);
if (only?.length) {
  const unknown = only.filter((s) => !benches.some((b) => b.service === s));
  if (unknown.length) throw new InputError(`BENCH_ONLY: ${unknown.map((s) => `"${s}"`).join(', ')} not benched here; expected a comma-separated list of ${benches.map((b) => b.service).join(' | ')}.`);
  benches.splice(0, benches.length, ...benches.filter((b) => only.includes(b.service)));
}

function median(values: number[]): number {
  const v = [...values].sort((a, b) => a - b);
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
}

const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const pct = (x: number) => `${x >= 0 ? '' : '−'}${fmt(Math.abs(x) * 100, 1)} %`;

/** Progress goes to stderr, so stdout is the table alone. */
const progress = (message: string) => process.stderr.write(`${message}\n`);

const rows: string[] = [];
progress(`bench:services: ${benches.map((b) => b.service).join(', ')}; each ${WARMUP} s warm-up + ${ROUNDS} rounds × ${SLICE} s per side (about ${Math.ceil(benches.length * 2 * (WARMUP + ROUNDS * SLICE))} s of load), load average ${loadavg()[0].toFixed(1)}`);
for (const [i, b] of benches.entries()) {
  progress(`${b.service} (${i + 1}/${benches.length}): starting the kit and bare targets`);
  const started = { bare: await startTarget(b.service, 'bare'), kit: await startTarget(b.service, 'kit') };
  try {
    progress(`${b.service}: warming up ${WARMUP} s per side`);
    await b.load(started.bare.target, WARMUP);
    await b.load(started.kit.target, WARMUP);
    const runs: Record<'bare' | 'kit', Run[]> = { bare: [], kit: [] };
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 ? (['kit', 'bare'] as const) : (['bare', 'kit'] as const);
      for (const variant of order) runs[variant].push(await measured(started[variant].child.pid!, () => b.load(started[variant].target, SLICE)));
      progress(`${b.service}: round ${round + 1}/${ROUNDS}: bare ${fmt(runs.bare[round].rps)} rps, kit ${fmt(runs.kit[round].rps)} rps`);
    }
    const total = (v: 'bare' | 'kit') => {
      const all = runs[v].flatMap((r) => r.latencies);
      const cpu = runs[v].reduce((a, r) => a + r.cpu, 0);
      return { rps: all.length / (SLICE * ROUNDS), p95: p95(all), cpuPerRequestUs: (cpu / all.length) * 1e6, errors: runs[v].reduce((a, r) => a + r.errors, 0) };
    };
    const bare = total('bare');
    const kit = total('kit');
    const cpuOverhead = kit.cpuPerRequestUs / bare.cpuPerRequestUs - 1;
    const rpsOverhead = median(runs.kit.map((k, i) => 1 - k.rps / runs.bare[i].rps));
    const p95Increase = median(runs.kit.map((k, i) => k.p95 / runs.bare[i].p95 - 1));
    process.stderr.write(`${b.service}: per-round rps overhead ${runs.kit.map((k, i) => pct(1 - k.rps / runs.bare[i].rps)).join(', ')}\n`);
    rows.push(`| ${b.service} | ${b.route} | ${fmt(bare.cpuPerRequestUs)} | ${fmt(kit.cpuPerRequestUs)} | **${pct(cpuOverhead)}** | ${fmt(bare.rps)} | ${fmt(kit.rps)} | ${pct(rpsOverhead)} | ${fmt(bare.p95, 2)} | ${fmt(kit.p95, 2)} | ${pct(p95Increase)} | ${bare.errors + kit.errors} | ${cpuOverhead <= GOAL ? 'yes' : 'no'} |`);
  } finally {
    await stopTarget(started.bare.child);
    await stopTarget(started.kit.child);
  }
}

const table = [
  `Kit overhead per service: ${CONNECTIONS} connections, ${ROUNDS} rounds of ${SLICE} s per side taken in turn after ${WARMUP} s warm-up;`,
  `CPU µs/request = the target process's CPU time over the requests it served; the rps overhead and p95 increase are medians of the per-round ratios.`,
  `${cpus().length} cores shared with other work (load average ${loadavg()[0].toFixed(1)} at the end), so rps and p95 are noisy; CPU per request is the steady measure. node ${process.version}.`,
  '',
  '| service | main route | bare CPU µs/req | kit CPU µs/req | kit overhead (CPU) | bare rps | kit rps | rps overhead | bare p95 ms | kit p95 ms | p95 increase | errors | overhead ≤ 25 % |',
  '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:-:|',
  ...rows,
  '',
  'kit = the real service on services/kit with its defaults: correlation id, W3C trace context in and out with a span id per request',
  '(no OTLP endpoint set, so nothing is exported), RED metrics for Prometheus and EMF, `request` log lines for errors and slow requests',
  '(ACCESS_LOG=errors); stdout, where logs and EMF go, is /dev/null. bare = a plain Fastify route (grpc-js handler for persona) doing the same work.',
  `${KIT_ENV ? `Extra kit environment: ${KIT_ENV}.` : ''}`,
  '',
].join('\n');
process.stdout.write(`\n${table}`);
writeFileSync(join(root, 'bench/services.md'), `# Service kit overhead\n\nMade by \`npm run bench:services\` (bench/services.ts).\n\n${table}`);
progress('bench:services: written to bench/services.md');
