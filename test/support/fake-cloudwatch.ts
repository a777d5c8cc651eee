/**
 * A real CloudWatch endpoint on 127.0.0.1 for bundle tests (a bundle is a separate process, so nock
 * cannot reach it): speaks awsJson1_0 GetMetricData (`x-amz-target:
 * GraniteServiceVersion20100801.GetMetricData`) and refuses every other operation by name. It serves
 * synthetic per-minute ALB series per target, chosen by a dimension value (the TargetGroup
 * `targetgroup/<name>/<id>`, or an EMF Version / ECS ServiceName), from named scenarios that can be
 * switched while it runs. Like ALB, it publishes nothing for a count that is zero, and nothing at
 * all for an idle target. Point a bundle at it with AWS_ENDPOINT_URL_CLOUDWATCH=<endpoint>.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback } from './loopback.js';

export interface ScenarioSpec {
  /** Requests per minute (before ±10 % per-minute jitter); 0 = idle, no datapoints at all. */
  rpm: number;
  /** Median latency in ms; latency is lognormal with this median and `sigma`. */
  medianMs: number;
  sigma: number;
  /** Fraction of requests answered 5xx by the targets. */
  errorRate: number;
}

export const SCENARIOS = {
  /** p95 ≈ 91 ms, p99 ≈ 128 ms, 0.1 % errors, 600 requests a minute. */
  healthy: { rpm: 600, medianMs: 40, sigma: 0.5, errorRate: 0.001 },
  /** Four times the latency of healthy: p95 ≈ 364 ms. */
  slow: { rpm: 600, medianMs: 160, sigma: 0.5, errorRate: 0.001 },
  /** Healthy latency, 8 % errors. */
  failing: { rpm: 600, medianMs: 40, sigma: 0.5, errorRate: 0.08 },
  /** Healthy, but 4 requests a minute: below any sensible min-requests. */
  quiet: { rpm: 4, medianMs: 40, sigma: 0.5, errorRate: 0.001 },
  /** No traffic: no datapoints for any metric. */
  idle: { rpm: 0, medianMs: 40, sigma: 0.5, errorRate: 0 },
} satisfies Record<string, ScenarioSpec>;

export type ScenarioName = keyof typeof SCENARIOS;

export interface FakeCloudWatchCall {
  operation: string;
  /** Number of MetricDataQueries in the request (CloudWatch bills per metric requested). */
  queries: number;
  startTime?: number;
  endTime?: number;
  /** Dimension values the request asked about. */
  targets: string[];
  fault?: Fault;
}

/** `hang` never answers (until the client gives up or the server stops): for cancellation tests. */
export type Fault = 'throttle' | 'server-error' | 'reset' | 'hang';

export interface FakeCloudWatch {
  endpoint: string;
  /** TCP connections accepted so far: a client kept for a whole run reuses one (keep-alive). */
  connections(): number;
  /** Every request received, in order (GetMetricData and refused ones). */
  calls: FakeCloudWatchCall[];
  setScenario(target: string, scenario: ScenarioName | ScenarioSpec): void;
  /** The next `count` requests fail this way (throttling, a 500, a reset connection, no answer). */
  failNext(count: number, fault: Fault): void;
  /** Drops the faults not used yet (hung requests stay hung until their client gives up). */
  clearFaults(): void;
  /** Env to point a bundle or the SDK here. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export interface FakeCloudWatchOptions {
  scenarios?: Record<string, ScenarioName | ScenarioSpec>;
  /** The fake's clock (ms): minutes that have not started by then have no data. */
  now?: () => number;
}

// ---- synthetic series: deterministic per (target, minute) so repeated queries agree ----

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}
function uniform(key: string): number {
  return (hash(key) + 0.5) / 4294967296;
}
/** Standard normal quantile (Acklam's rational approximation, |error| < 1.2e-9 after one step it is plenty here). */
function probit(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const q = Math.min(Math.max(p, 1e-12), 1 - 1e-12);
  if (q < 0.02425) {
    const r = Math.sqrt(-2 * Math.log(q));
    return (((((c[0] * r + c[1]) * r + c[2]) * r + c[3]) * r + c[4]) * r + c[5]) / ((((d[0] * r + d[1]) * r + d[2]) * r + d[3]) * r + 1);
  }
  if (q > 1 - 0.02425) return -probit(1 - q);
  const r = q - 0.5;
  const s = r * r;
  return ((((((a[0] * s + a[1]) * s + a[2]) * s + a[3]) * s + a[4]) * s + a[5]) * r) / (((((b[0] * s + b[1]) * s + b[2]) * s + b[3]) * s + b[4]) * s + 1);
}

interface Minute {
  requests: number;
  errors: number;
  /** Median of this minute's latency (ms): per-minute drift of ±5 %. */
  medianMs: number;
  sigma: number;
}

export function syntheticMinute(target: string, spec: ScenarioSpec, minuteStartMs: number): Minute | null {
  if (spec.rpm <= 0) return null;
  const key = `${target}@${minuteStartMs}`;
  const requests = Math.max(0, Math.round(spec.rpm * (0.9 + 0.2 * uniform(`${key}:r`))));
  if (requests === 0) return null;
  // Errors: the expected count, rounded stochastically so small rates still show up sometimes.
  const expected = requests * spec.errorRate * (0.7 + 0.6 * uniform(`${key}:e`));
  const errors = Math.floor(expected) + (uniform(`${key}:f`) < expected - Math.floor(expected) ? 1 : 0);
  const medianMs = spec.medianMs * Math.exp(0.05 * probit(uniform(`${key}:m`)));
  return { requests, errors, medianMs, sigma: spec.sigma };
}

function percentileMs(m: Minute, q: number): number {
  return m.medianMs * Math.exp(m.sigma * probit(q / 100));
}

interface Query {
  Id: string;
  MetricStat?: { Metric?: { Namespace?: string; MetricName?: string; Dimensions?: { Name: string; Value: string }[] }; Period?: number; Stat?: string };
  Expression?: string;
  ReturnData?: boolean;
}

type Role = 'requests' | 'errors' | 'latency';
const ROLES: Record<string, Role> = {
  RequestCount: 'requests', Requests: 'requests',
  HTTPCode_Target_5XX_Count: 'errors', Errors: 'errors',
  TargetResponseTime: 'latency', Duration: 'latency',
};

/** The minutes of the period from `p` that have started, with their synthetic traffic. */
function periodMinutes(target: string, spec: ScenarioSpec, p: number, periodMs: number, now: () => number): Minute[] {
  const minutes: Minute[] = [];
  for (let t = p; t < p + periodMs; t += 60_000) {
    if (t > now()) break; // a minute that has not started has no data (the current one has some, as in CloudWatch)
    const m = syntheticMinute(target, spec, t);
    if (m) minutes.push(m);
  }
  return minutes;
}

/** One period's datapoint for a metric of that role; null where CloudWatch has none. */
function periodValue(role: Role, minutes: Minute[], stat: string | undefined, latencyScale: number): number | null {
  const requests = minutes.reduce((a, m) => a + m.requests, 0);
  if (role === 'requests') return requests;
  if (role === 'errors') {
    const errors = minutes.reduce((a, m) => a + m.errors, 0);
    return errors > 0 ? errors : null; // ALB publishes nothing for a zero count
  }
  const pq = /^p(\d+(?:\.\d+)?)$/.exec(stat ?? 'Average');
  const per = (m: Minute) => (pq ? percentileMs(m, Number(pq[1])) : m.medianMs * Math.exp((m.sigma * m.sigma) / 2));
  return (minutes.reduce((a, m) => a + m.requests * per(m), 0) / requests) * latencyScale;
}

/** A query's result: one datapoint per period with data, for the target whose scenario its dimensions name. */
function metricSeries(q: Query, startMs: number, endMs: number, scenarios: Map<string, ScenarioSpec>, now: () => number) {
  const stat = q.MetricStat;
  const target = (stat?.Metric?.Dimensions ?? []).map((d) => d.Value).find((v) => scenarios.has(v));
  const role = ROLES[stat?.Metric?.MetricName ?? ''];
  const periodMs = (stat?.Period ?? 60) * 1000;
  const out = { Id: q.Id, Label: stat?.Metric?.MetricName ?? q.Id, Timestamps: [] as number[], Values: [] as number[], StatusCode: 'Complete' };
  if (!target || !role) return out;
  const spec = scenarios.get(target)!;
  // ALB reports TargetResponseTime in seconds; Service Connect and EMF in milliseconds.
  const latencyScale = stat?.Metric?.Namespace === 'AWS/ApplicationELB' ? 1 / 1000 : 1;
  for (let p = startMs; p + periodMs <= endMs; p += periodMs) {
    const minutes = periodMinutes(target, spec, p, periodMs, now);
    const value = minutes.length ? periodValue(role, minutes, stat?.Stat, latencyScale) : null;
    if (value === null) continue;
    out.Timestamps.push(p / 1000);
    out.Values.push(value);
  }
  return out;
}

function reply(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', ...headers });
  res.end(JSON.stringify(body));
}

/** What the server keeps between requests. */
interface ServerState {
  scenarios: Map<string, ScenarioSpec>;
  now: () => number;
  calls: FakeCloudWatchCall[];
  faults: Fault[];
}

/** One request: GetMetricData answered, an injected fault, or CloudWatch's own error for a bad request. */
function handle(state: ServerState, req: IncomingMessage, res: ServerResponse, text: string): void {
  const target = String(req.headers['x-amz-target'] ?? '');
  const operation = target.split('.').pop() || '(none)';
  if (req.method !== 'POST' || !target.startsWith('GraniteServiceVersion20100801.') || operation !== 'GetMetricData') {
    state.calls.push({ operation, queries: 0, targets: [] });
    return reply(res, 400, {
      __type: 'com.amazonaws.cloudwatch#UnknownOperationException',
      message: `fake-cloudwatch serves only awsJson1_0 GetMetricData (x-amz-target: GraniteServiceVersion20100801.GetMetricData); got ${req.method} with x-amz-target "${target}"`,
    });
  }
  let body: { MetricDataQueries?: Query[]; StartTime?: number; EndTime?: number; ScanBy?: string };
  try {
    body = JSON.parse(text);
  } catch {
    return reply(res, 400, { __type: 'com.amazonaws.cloudwatch#InvalidParameterValueException', message: 'body is not JSON' });
  }
  const queries = body.MetricDataQueries ?? [];
  const startMs = Number(body.StartTime) * 1000;
  const endMs = Number(body.EndTime) * 1000;
  const dims = new Set<string>();
  for (const q of queries) for (const d of q.MetricStat?.Metric?.Dimensions ?? []) dims.add(d.Value);
  const fault = state.faults.shift();
  state.calls.push({ operation, queries: queries.length, startTime: startMs, endTime: endMs, targets: [...dims], ...(fault ? { fault } : {}) });
  if (fault === 'reset') return void req.socket.destroy();
  if (fault === 'hang') return;
  if (fault === 'throttle') return reply(res, 400, { __type: 'com.amazonaws.cloudwatch#Throttling', message: 'Rate exceeded' }, { 'x-amzn-query-error': 'Throttling;Sender' });
  if (fault === 'server-error') return reply(res, 500, { __type: 'com.amazonaws.cloudwatch#InternalServiceFault', message: 'injected fault' }, { 'x-amzn-query-error': 'InternalServiceError;Receiver' });
  if (!Number.isFinite(startMs) || !Number.isFinite(endMs) || endMs <= startMs || queries.length === 0 || queries.length > 500) {
    return reply(res, 400, { __type: 'com.amazonaws.cloudwatch#InvalidParameterValueException', message: 'need StartTime < EndTime and 1 to 500 MetricDataQueries' });
  }
  const results = queries.filter((q) => q.ReturnData !== false).map((q) => metricSeries(q, startMs, endMs, state.scenarios, state.now));
  if (body.ScanBy !== 'TimestampAscending') for (const r of results) { r.Timestamps.reverse(); r.Values.reverse(); }
  reply(res, 200, { MetricDataResults: results, Messages: [] });
}

export async function startFakeCloudWatch(opts: FakeCloudWatchOptions = {}): Promise<FakeCloudWatch> {
  const state: ServerState = { scenarios: new Map(), now: opts.now ?? Date.now, calls: [], faults: [] };
  const { calls, faults } = state;
  const setScenario = (target: string, s: ScenarioName | ScenarioSpec) => {
    const spec = typeof s === 'string' ? SCENARIOS[s] : s;
    if (!spec) throw new Error(`fake-cloudwatch: unknown scenario "${String(s)}"; known: ${Object.keys(SCENARIOS).join(', ')}`);
    state.scenarios.set(target, spec);
  };
  for (const [t, s] of Object.entries(opts.scenarios ?? {})) setScenario(t, s);

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(state, req, res, Buffer.concat(chunks).toString('utf8')));
  });
  let connections = 0;
  server.on('connection', () => connections++);
  const { url: endpoint, stop } = await listenOnLoopback(server);
  return {
    endpoint,
    calls,
    connections: () => connections,
    setScenario,
    failNext: (count, fault) => { for (let i = 0; i < count; i++) faults.push(fault); },
    clearFaults: () => void faults.splice(0),
    env: { AWS_ENDPOINT_URL_CLOUDWATCH: endpoint, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_EC2_METADATA_DISABLED: 'true' },
    stop,
  };
}
