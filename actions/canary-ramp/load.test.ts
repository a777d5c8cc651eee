/**
 * canary-ramp's synthetic load: the load-* inputs as tables over INPUT_* env (with the action's
 * defaults, as the runner passes them), masking, and the autocannon driver against a real loopback
 * server that counts what arrives. Counts are asserted with generous bounds, never timings.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { readRampInputs } from './plan.js';
import { LOAD_RANGE_TEXT, parseLoadPlan, readLoadPlan, type LoadPlan } from './load-plan.js';
import { formatLoadStats, openLoad, secondsUntil, settlesWithin, type LoadStats } from './load.js';
import { InputError } from '../../common/errors.js';
import { repoRoot, stepInputEnv } from '../../test/support/harness.js';
import { captureStdout } from '../../test/support/stdout.js';
import { startTarget, type LoadTarget } from '../../test/support/load-target.js';

const L = 'arn:aws:elasticloadbalancing:eu-central-1:123456789012:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2';
const S = 'arn:aws:elasticloadbalancing:eu-central-1:123456789012:targetgroup/stable/73e2d6bc24d8a067';
const C = 'arn:aws:elasticloadbalancing:eu-central-1:123456789012:targetgroup/canary/83e2d6bc24d8a067';
const ROUTER = { router: 'alb', 'listener-arn': L, 'stable-target-group-arn': S, 'canary-target-group-arn': C, slo: 'p95 < 200ms' };

const saved = { ...process.env };
/** The env a step gets: its inputs over the action's defaults, as the runner sets them. */
function withInputs(inputs: Record<string, string>) {
  for (const k of Object.keys(process.env)) if (k.startsWith('INPUT_')) delete process.env[k];
  Object.assign(process.env, { AWS_REGION: 'eu-central-1' }, stepInputEnv('canary-ramp', { ...ROUTER, ...inputs }));
}
afterEach(() => {
  process.env = { ...saved };
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('load-* inputs (INPUT_* env, with the action\'s defaults)', () => {
  it('are off by default: no load-url, no load', () => {
    withInputs({});
    expect(readRampInputs().load).toBeNull();
  });

  it.each([
    [
      'a URL and the defaults',
      { 'load-url': 'https://test-listener.example.com:8443/health?probe=1' },
      { tool: 'autocannon', url: 'https://test-listener.example.com:8443/health?probe=1', display: 'https://test-listener.example.com:8443/health?…', method: 'GET', headers: {}, rate: 10, connections: 2, timeoutMs: 10_000 },
    ],
    [
      'every input given',
      {
        'load-url': 'http://127.0.0.1:8080/verify', 'load-rate': '1000', 'load-connections': '100', 'load-timeout': '1m', 'load-method': 'post',
        'load-headers': 'X-Canary: always\n# a comment\n\nContent-Type: application/json', 'load-body': '{"token":"t"}', 'load-tool': 'k6',
      },
      { tool: 'k6', url: 'http://127.0.0.1:8080/verify', display: 'http://127.0.0.1:8080/verify', method: 'POST', headers: { 'X-Canary': 'always', 'Content-Type': 'application/json' }, body: '{"token":"t"}', rate: 1000, connections: 100, timeoutMs: 60_000 },
    ],
    [
      'the lowest rate and timeout; IPv6 loopback',
      { 'load-url': 'http://[::1]:9000/', 'load-rate': '1', 'load-timeout': '1s' },
      { url: 'http://[::1]:9000/', rate: 1, connections: 1, timeoutMs: 1000 },
    ],
    [
      'credentials in the URL: sent as Basic auth, never shown',
      { 'load-url': 'https://probe:s3cr%40t@canary.internal/ready#frag', 'load-rate': '60' },
      { url: 'https://canary.internal/ready', display: 'https://canary.internal/ready', headers: { Authorization: `Basic ${Buffer.from('probe:s3cr@t').toString('base64')}` }, connections: 12 },
    ],
  ])('%s', (_name, inputs, expected) => {
    withInputs(inputs);
    const load = readRampInputs().load!;
    expect(load).toMatchObject(expected);
    if (!('body' in expected)) expect(load).not.toHaveProperty('body');
  });

  const url = { 'load-url': 'http://127.0.0.1:8080/' };
  it.each([
    [{ ...url, 'load-rate': '0' }, /Input "load-rate": "0" is not valid; expected a whole number from 1 to 1000/],
    [{ ...url, 'load-rate': '1001' }, /Input "load-rate": "1001" is not valid/],
    [{ ...url, 'load-rate': '1e400' }, /Input "load-rate": "1e400" is not valid/],
    [{ ...url, 'load-rate': 'NaN' }, /Input "load-rate": "NaN" is not valid/],
    [{ ...url, 'load-rate': '-5' }, /Input "load-rate": "-5" is not valid/],
    [{ ...url, 'load-rate': '2.5' }, /Input "load-rate": "2.5" is not valid; expected a whole number/],
    [{ ...url, 'load-rate': 'Infinity' }, /Input "load-rate": "Infinity" is not valid/],
    [{ ...url, 'load-rate': '20/s' }, /Input "load-rate": "20\/s" is not valid/],
    [{ ...url, 'load-connections': '0' }, /Input "load-connections": "0" is not valid; expected a whole number from 1 to 100/],
    [{ ...url, 'load-connections': '101' }, /Input "load-connections": "101" is not valid/],
    [{ ...url, 'load-connections': '1e400' }, /Input "load-connections": "1e400" is not valid/],
    [{ ...url, 'load-connections': '-1' }, /Input "load-connections": "-1" is not valid/],
    [{ ...url, 'load-connections': 'NaN' }, /Input "load-connections": "NaN" is not valid/],
    [{ ...url, 'load-timeout': '0s' }, /Input "load-timeout": "0s" is out of range; expected a duration from 1s to 1m/],
    [{ ...url, 'load-timeout': '500ms' }, /Input "load-timeout": "500ms" is out of range/],
    [{ ...url, 'load-timeout': '2m' }, /Input "load-timeout": "2m" is out of range/],
    [{ ...url, 'load-timeout': '1e400s' }, /Input "load-timeout": "1e400s" is not a duration/],
    [{ ...url, 'load-timeout': `1${'0'.repeat(400)}s` }, /Input "load-timeout": "10+s" is out of range/],
    [{ ...url, 'load-timeout': '-1s' }, /Input "load-timeout": "-1s" is not a duration/],
    [{ 'load-url': 'ftp://127.0.0.1/' }, /Input "load-url": "ftp:\/\/127.0.0.1\/" is not valid; expected an absolute http\(s\) URL that reaches the canary/],
    [{ 'load-url': 'localhost:8080/health' }, /Input "load-url": "localhost:8080\/health" is not valid/],
    [{ 'load-url': '/health' }, /Input "load-url": "\/health" is not valid/],
    [{ 'load-url': 'http://' }, /Input "load-url": "http:\/\/" is not valid/],
    [{ ...url, 'load-method': 'FETCH' }, /Input "load-method": "FETCH" is not one of GET \| HEAD \| POST/],
    [{ ...url, 'load-body': '{}' }, /Input "load-body" needs input "load-method" POST, PUT, PATCH, DELETE; got GET/],
    [{ ...url, 'load-headers': 'X-Canary always' }, /Input "load-headers": line 1 is not a header; expected one "Name: value" per line/],
    [{ ...url, 'load-headers': 'X-Ok: 1\n: value' }, /Input "load-headers": line 2 is not a header/],
    [{ ...url, 'load-headers': 'Bad Name: x' }, /Input "load-headers": line 1 is not a header/],
    [{ ...url, 'load-headers': 'X-A: 1\nx-a: 2' }, /Input "load-headers": x-a is given twice/],
    [{ ...url, 'load-tool': 'hey' }, /Input "load-tool": "hey" is not one of autocannon \| k6/],
    [{ 'load-url': 'http://u:p@127.0.0.1/', 'load-headers': 'authorization: Bearer abcdefgh' }, /Inputs "load-url" and "load-headers" both carry credentials/],
    // Validated whether or not the load is on: a bad value never waits for the day load-url is set.
    [{ 'load-rate': '1e400' }, /Input "load-rate": "1e400" is not valid/],
  ])('refuses %o', (inputs, message) => {
    withInputs(inputs);
    let err: unknown;
    try {
      readRampInputs();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(message);
  });

  it('never repeats a credential in a refusal: an unparseable URL with userinfo, a bad header line', () => {
    const message = (inputs: Record<string, string>) => {
      withInputs(inputs);
      try {
        readLoadPlan();
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    };
    expect(message({ 'load-url': 'http://user:hunter2@' })).toBe('Input "load-url": is not valid; expected an absolute http(s) URL that reaches the canary (a test listener, a header-routed rule, a Service Connect test endpoint).');
    expect(message({ 'load-url': 'http://127.0.0.1/', 'load-headers': 'Authorization Bearer hunter2' })).not.toContain('hunter2');
    expect(message({ 'load-url': 'http://127.0.0.1/', 'load-headers': 'Authorization: Bearer hunter2\u0007' })).toMatch(/the value of Authorization \(line 1\) holds a control character/);
    expect(message({ 'load-url': 'http://127.0.0.1/', 'load-headers': 'Authorization: Bearer hunter2\u0007' })).not.toContain('hunter2');
  });

  it('masks credentials in every form they travel in, and nothing else, before the plan is used', () => {
    withInputs({
      'load-url': 'https://probe:pa%24%24word@canary.internal/ready',
      'load-headers': 'X-Api-Key: key-0123456789\nX-Canary: always',
    });
    const out = captureStdout();
    let plan: LoadPlan | null;
    try {
      plan = readLoadPlan();
    } finally {
      out.restore();
    }
    const masks = out.lines().filter((l) => l.startsWith('::add-mask::')).map((l) => l.slice('::add-mask::'.length));
    const pair = Buffer.from('probe:pa$$word').toString('base64');
    // The runner's command escapes % as %25: 'pa%2524%2524word' masks the password as written in the URL.
    expect(masks).toEqual(expect.arrayContaining(['pa%2524%2524word', 'pa$$word', pair, `Basic ${pair}`, 'key-0123456789']));
    // A user name beside a password is no secret (masking it would hide every "probe" in the log).
    expect(masks).not.toContain('always');
    expect(masks).not.toContain('probe');
    expect(plan!.headers.Authorization).toBe(`Basic ${pair}`);

    withInputs({ 'load-url': 'https://canary.internal/', 'load-headers': 'Authorization: Bearer tok-abcdefgh\nCookie: session=s-123' });
    const out2 = captureStdout();
    try {
      readLoadPlan();
    } finally {
      out2.restore();
    }
    const masks2 = out2.lines().filter((l) => l.startsWith('::add-mask::')).map((l) => l.slice('::add-mask::'.length));
    expect(masks2).toEqual(expect.arrayContaining(['Bearer tok-abcdefgh', 'tok-abcdefgh', 'session=s-123']));

    withInputs({ 'load-url': 'https://tok-user-0123@canary.internal/' });
    const out3 = captureStdout();
    try {
      expect(readLoadPlan()!.headers.Authorization).toBe(`Basic ${Buffer.from('tok-user-0123:').toString('base64')}`);
    } finally {
      out3.restore();
    }
    expect(out3.lines()).toEqual(expect.arrayContaining(['::add-mask::tok-user-0123', `::add-mask::Basic ${Buffer.from('tok-user-0123:').toString('base64')}`]));
  });

  it('documents in action.yml the ranges the parser enforces, every load input off by default', () => {
    const meta = YAML.parse(readFileSync(join(repoRoot, 'actions/canary-ramp/action.yml'), 'utf8')) as { inputs: Record<string, { description: string; default?: string }> };
    expect(meta.inputs['load-rate'].description).toContain(LOAD_RANGE_TEXT['load-rate']);
    expect(meta.inputs['load-connections'].description).toContain(LOAD_RANGE_TEXT['load-connections']);
    expect(LOAD_RANGE_TEXT['load-timeout']).toBe('a duration from 1s to 1m');
    expect(meta.inputs['load-timeout'].description).toContain('from 1s to 1m');
    expect(meta.inputs['load-url'].default).toBeUndefined();
  });
});

// ---- the autocannon driver against a real server ---------------------------------------------------

/** A plan for the target (the parser's own output, so the driver sees what the action would give it). */
function planFor(target: LoadTarget, inputs: Record<string, string> = {}): LoadPlan {
  return parseLoadPlan({ 'load-url': `${target.url}/health`, ...inputs })!;
}

async function open(plan: LoadPlan, warnings: string[] = []) {
  return openLoad(plan, { deadline: Date.now() + 10 * 60_000, warn: (m) => void warnings.push(m) });
}

/** Runs the load for about `ms`, stops it, and returns its stats with what the server counted. */
async function runFor(target: LoadTarget, plan: LoadPlan, ms: number): Promise<{ stats: LoadStats; started: number; stopped: number; arrived: number }> {
  const load = await open(plan);
  const started = Date.now();
  const run = load.start();
  await sleep(ms);
  const stats = await run.stop();
  const stopped = Date.now();
  return { stats, started, stopped, arrived: target.countSince(started) };
}

describe('what both drivers share', () => {
  it('a run lasts the whole seconds left to the deadline, at least one', () => {
    expect(secondsUntil(10_000, 10_000)).toBe(1);
    expect(secondsUntil(9_000, 10_000)).toBe(1);
    expect(secondsUntil(11_000, 10_000)).toBe(1);
    expect(secondsUntil(11_001, 10_000)).toBe(2);
  });

  it('stop waits for the driver at most its budget, and a failed end counts as an end', async () => {
    expect(await settlesWithin(Promise.resolve(), 1_000)).toBe(true);
    expect(await settlesWithin(Promise.reject(new Error('gone')), 1_000)).toBe(true);
    expect(await settlesWithin(new Promise(() => {}), 20)).toBe(false);
  });
});

describe('autocannon driver (loopback server counts what arrives)', () => {
  let target: LoadTarget;
  beforeAll(async () => {
    // Every 4th request fails with 503: non-2xx answers are counted, not hidden.
    target = await startTarget((_r, n) => (n % 4 === 0 ? 503 : 200));
  });
  afterAll(() => target.stop());

  it.each([10, 50, 200])('sends %i requests/s: the server counts about rate × seconds, and nothing after stop', async (rate) => {
    const plan = planFor(target, { 'load-rate': String(rate) });
    // Mid-second: autocannon sends each second's requests at its start, and a stop during that burst
    // could leave a request arrived but unanswered.
    const { stats, started, stopped, arrived } = await runFor(target, plan, 2500);
    const seconds = (stopped - started) / 1000;
    // Measured, for the record: requests per second as the server saw them.
    console.log(`load-rate ${rate}: ${arrived} requests in ${seconds.toFixed(2)}s = ${(arrived / seconds).toFixed(1)}/s server-side; driver: ${formatLoadStats(stats)}`);
    // autocannon spends each second's requests at its start: between most of rate × seconds and one second more.
    expect(arrived).toBeGreaterThanOrEqual(Math.floor(rate * seconds * 0.6));
    expect(arrived).toBeLessThanOrEqual(Math.ceil(rate * (seconds + 1.5)));
    // Every request that arrived was answered and counted (bar one per connection in flight at the
    // stop), every 4th as a 503.
    const failed = target.received.filter((r) => r.at >= started && target.received.indexOf(r) % 4 === 3).length;
    expect(stats.requests).toBeLessThanOrEqual(arrived);
    expect(stats.requests).toBeGreaterThanOrEqual(arrived - plan.connections);
    expect(stats.non2xx).toBeLessThanOrEqual(failed);
    expect(stats.non2xx).toBeGreaterThanOrEqual(failed - plan.connections);
    expect(stats.errors).toBe(0);
    expect(stats).toMatchObject({ tool: 'autocannon', url: `${target.url}/health`, rate });
    // Stopped means stopped: after stop() resolved, at most the requests already written (one per
    // connection) reach a busy server, and after a grace nothing more arrives.
    await sleep(1000);
    const settled = target.received.length;
    expect(target.countSince(stopped)).toBeLessThanOrEqual(plan.connections);
    await sleep(1000);
    expect(target.received.length).toBe(settled);
  });

  it('sends the method, headers, body and the URL\'s credentials as configured', async () => {
    const plan = parseLoadPlan({
      'load-url': `${target.url.replace('http://', 'http://probe:s3cret@')}/verify?x=1`, 'load-rate': '5', 'load-method': 'POST',
      'load-headers': 'X-Canary: always\nContent-Type: application/json', 'load-body': '{"token":"t"}',
    })!;
    const { started, arrived } = await runFor(target, plan, 1200);
    expect(arrived).toBeGreaterThan(0);
    const first = target.received.find((r) => r.at >= started)!;
    expect(first).toMatchObject({ method: 'POST', url: '/verify?x=1', body: '{"token":"t"}' });
    expect(first.headers).toMatchObject({ 'x-canary': 'always', 'content-type': 'application/json', authorization: `Basic ${Buffer.from('probe:s3cret').toString('base64')}` });
  });

  it('counts requests without an answer as errors: every request has a timeout', async () => {
    const hung = await startTarget(() => null);
    try {
      const plan = parseLoadPlan({ 'load-url': `${hung.url}/slow`, 'load-rate': '4', 'load-connections': '2', 'load-timeout': '1s' })!;
      const { stats, arrived } = await runFor(hung, plan, 2600);
      expect(arrived).toBeGreaterThan(0);
      expect(stats.errors).toBeGreaterThanOrEqual(2);
      expect(stats.requests).toBe(stats.errors);
      expect(stats.non2xx).toBe(0);
    } finally {
      await hung.stop();
    }
  });

  it('stop() is idempotent and a second run starts afresh', async () => {
    const load = await open(planFor(target, { 'load-rate': '20' }));
    const run = load.start();
    await sleep(500);
    const [a, b] = await Promise.all([run.stop(), run.stop()]);
    expect(a).toEqual(b);
    const second = load.start();
    await sleep(500);
    const s = await second.stop();
    expect(s.requests).toBeGreaterThan(0);
    expect(s.requests).toBeLessThanOrEqual(20 * 2);
  });

  it('warns that autocannon does not verify certificates when headers go to an https URL', async () => {
    const warnings: string[] = [];
    await open(parseLoadPlan({ 'load-url': 'https://127.0.0.1:1/', 'load-headers': 'X-Canary: 1' })!, warnings);
    expect(warnings.join('\n')).toMatch(/autocannon does not verify the server's certificate/);
  });

  it('leaves nothing behind: a process that ran and stopped the load exits by itself', async () => {
    // A separate process, so an open socket or timer would keep it alive (the runner waits for main to exit).
    const script = `
      import { parseLoadPlan } from ${JSON.stringify(join(repoRoot, 'actions/canary-ramp/load-plan.ts'))};
      import { openLoad } from ${JSON.stringify(join(repoRoot, 'actions/canary-ramp/load.ts'))};
      const load = await openLoad(parseLoadPlan({ 'load-url': process.env.TARGET, 'load-rate': '20' }), { deadline: Date.now() + 600000, warn: console.error });
      const run = load.start();
      await new Promise((r) => setTimeout(r, 800));
      console.log(JSON.stringify(await run.stop()));
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { env: { ...process.env, TARGET: `${target.url}/exit` }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const code = await exited;
    clearTimeout(killer);
    expect(code, stderr).toBe(0);
    const stats = JSON.parse(stdout.trim().split('\n').at(-1)!) as LoadStats;
    expect(stats.requests).toBeGreaterThan(0);
    expect(target.received.filter((r) => r.url === '/exit').length).toBe(stats.requests);
  });
});
