/**
 * load-tool: k6. k6 itself is not installed here, so what is ours is tested without it: the command
 * line and the script as pure functions, the script run in Node against stand-ins for its two k6
 * modules (it must parse, classify answers and write the counts the driver reads), and the driver's
 * process handling against a stand-in `k6` executable (SIGINT stop, counts, early exit, clean-up).
 * A real `k6 run` of the script is not exercised.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { K6_ENV, k6Args, k6Env, k6Load, k6Script, parseK6Summary } from './load-k6.js';
import { parseLoadPlan } from './load-plan.js';
import { openLoad } from './load.js';
import { InputError } from '../../common/errors.js';

const plan = parseLoadPlan({
  'load-url': 'https://probe:pw-secret@canary.internal/verify?x=1', 'load-rate': '25', 'load-connections': '6', 'load-timeout': '3s',
  'load-method': 'POST', 'load-headers': 'X-Api-Key: key-secret\nX-Canary: 1', 'load-body': '{"a":1}', 'load-tool': 'k6',
})!;

describe('k6 command line and script (pure)', () => {
  it('runs the script quietly, without the REST API server or usage report, and nothing secret on the command line', () => {
    const args = k6Args('/tmp/x/load.js');
    expect(args).toEqual(['run', '--quiet', '--no-color', '--no-usage-report', '--address', '', '--include-system-env-vars', '/tmp/x/load.js']);
    expect(args.join(' ')).not.toMatch(/secret|canary\.internal/);
  });

  it('passes the request through the environment', () => {
    const env = k6Env(plan, '/tmp/x/summary.json', { PATH: '/usr/bin' });
    expect(env.PATH).toBe('/usr/bin');
    expect(env[K6_ENV.summary]).toBe('/tmp/x/summary.json');
    expect(JSON.parse(env[K6_ENV.request]!)).toEqual({
      url: 'https://canary.internal/verify?x=1', method: 'POST', body: '{"a":1}',
      headers: { 'X-Api-Key': 'key-secret', 'X-Canary': '1', Authorization: `Basic ${Buffer.from('probe:pw-secret').toString('base64')}` },
    });
  });

  it('generates a constant-arrival-rate scenario at the rate, with the VUs, duration and timeout of the plan, and no request data', () => {
    const script = k6Script(plan, 1800);
    const options = JSON.parse(/export const options = (\{[\s\S]*?\n\});/.exec(script)![1]);
    expect(options).toEqual({
      discardResponseBodies: true, maxRedirects: 0, summaryTrendStats: ['count'],
      scenarios: { canary_ramp_load: { executor: 'constant-arrival-rate', rate: 25, timeUnit: '1s', duration: '1800s', preAllocatedVUs: 6, maxVUs: 6, gracefulStop: '0s' } },
    });
    expect(script).toContain("timeout: '3000ms'");
    expect(script).not.toMatch(/secret|canary\.internal|POST/);
  });

  it('reads back only well-formed counts', () => {
    expect(parseK6Summary('{"requests":10,"non2xx":2,"errors":1}')).toEqual({ requests: 10, non2xx: 2, errors: 1 });
    expect(parseK6Summary('{"requests":10,"non2xx":2}')).toBeNull();
    expect(parseK6Summary('{"requests":-1,"non2xx":0,"errors":0}')).toBeNull();
    expect(parseK6Summary('{"requests":1e400,"non2xx":0,"errors":0}')).toBeNull();
    expect(parseK6Summary('not json')).toBeNull();
  });
});

/** A folder where `import http from 'k6/http'` and `k6/metrics` resolve to recording stand-ins. */
function k6Modules(): string {
  const dir = mkdtempSync(join(tmpdir(), 'k6-stub-'));
  const mod = join(dir, 'node_modules', 'k6');
  mkdirSync(mod, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
  writeFileSync(join(mod, 'package.json'), JSON.stringify({ name: 'k6', type: 'module', exports: { './http': './http.js', './metrics': './metrics.js' } }));
  writeFileSync(join(mod, 'http.js'), 'export default { request: (...args) => { globalThis.k6.calls.push(args); return { status: globalThis.k6.answers.shift() }; } };\n');
  writeFileSync(join(mod, 'metrics.js'), 'export class Counter { constructor(name) { this.name = name; globalThis.k6.counters[name] = 0; } add(n) { globalThis.k6.counters[this.name] += n; } }\n');
  return dir;
}

function runNode(code: string, cwd: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', code], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.once('exit', (c) => resolve({ code: c, stdout, stderr }));
  });
}

describe('the generated script, run in Node against stand-ins for k6/http and k6/metrics', () => {
  it('sends the request from the environment with the timeout, counts non-2xx and errors, and writes what the driver reads', async () => {
    const dir = k6Modules();
    writeFileSync(join(dir, 'load.js'), k6Script(plan, 60));
    const request = k6Env(plan, join(dir, 'summary.json'), {})[K6_ENV.request]!;
    const code = `
      globalThis.k6 = { calls: [], answers: [200, 204, 503, 302, 0, 200], counters: {} };
      globalThis.__ENV = { ${K6_ENV.request}: process.env.REQ, ${K6_ENV.summary}: 'summary.json' };
      const script = await import('./load.js');
      for (let i = 0; i < 6; i++) script.default();
      const metric = (count) => ({ values: { count } });
      const out = script.handleSummary({ metrics: {
        http_reqs: metric(globalThis.k6.calls.length),
        canary_ramp_non2xx: metric(globalThis.k6.counters.canary_ramp_non2xx),
        canary_ramp_errors: metric(globalThis.k6.counters.canary_ramp_errors),
      } });
      console.log(JSON.stringify({ calls: globalThis.k6.calls, out }));
    `;
    const run = await runNode(code, dir, { REQ: request });
    expect(run.code, run.stderr).toBe(0);
    const { calls, out } = JSON.parse(run.stdout);
    expect(calls).toHaveLength(6);
    expect(calls[0]).toEqual(['POST', 'https://canary.internal/verify?x=1', '{"a":1}', {
      headers: JSON.parse(request).headers, timeout: '3000ms', tags: { name: 'canary-ramp load' },
    }]);
    // 503 and 302 are non-2xx; status 0 (no answer) is an error.
    expect(parseK6Summary(out['summary.json'])).toEqual({ requests: 6, non2xx: 2, errors: 1 });
  });
});

/**
 * A stand-in `k6` executable: records its arguments, the request it was given and the script's mode;
 * on SIGINT writes `counts` where the script would and exits 0. With `fail` it exits at once with
 * that code and an error line, as k6 does on a script or option error.
 */
function fakeK6(opts: { counts?: object; fail?: number } = {}): { path: string; record: string } {
  const dir = mkdtempSync(join(tmpdir(), 'fake-k6-'));
  const record = join(dir, 'record.json');
  const path = join(dir, 'k6');
  writeFileSync(path, `#!${process.execPath}
const fs = require('node:fs');
const script = process.argv.at(-1);
fs.writeFileSync(${JSON.stringify(record)}, JSON.stringify({ args: process.argv.slice(2), request: process.env.${K6_ENV.request}, mode: fs.statSync(script).mode & 0o777, script: fs.readFileSync(script, 'utf8') }));
if (${opts.fail ?? 0}) { console.error('level=error msg="request failed: Authorization: Bearer tok-zzzzzzzz"'); process.exit(${opts.fail ?? 0}); }
process.on('SIGINT', () => { fs.writeFileSync(process.env.${K6_ENV.summary}, ${JSON.stringify(JSON.stringify(opts.counts ?? {}))}); process.exit(0); });
setInterval(() => {}, 1000);
`);
  chmodSync(path, 0o755);
  return { path, record };
}

async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('k6 driver (a stand-in k6 process)', () => {
  it('an absent k6 is an input error that says how to install it, found before anything runs', async () => {
    const err = await openLoad(plan, { deadline: Date.now() + 60_000, warn: () => undefined, which: async () => '' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/^Input "load-tool": k6 is not on PATH; install it before this step \(grafana\/setup-k6-action, or https:\/\/grafana\.com\/docs\/k6\/latest\/set-up\/install-k6\/\) or use load-tool: autocannon\.$/);
  });

  it('runs `k6 run` on a private script, stops it with SIGINT and reports its counts; its files are removed', async () => {
    const k6 = fakeK6({ counts: { requests: 42, non2xx: 3, errors: 1 } });
    const load = await openLoad(plan, { deadline: Date.now() + 60_000, warn: () => undefined, which: async (tool) => (tool === 'k6' ? k6.path : '') });
    expect(load.description).toBe('k6 POST https://canary.internal/verify?… at 25 requests/s over 6 virtual users, 3s timeout per request');
    const run = load.start();
    await until(() => existsSync(k6.record));
    const seen = JSON.parse(readFileSync(k6.record, 'utf8'));
    const script = seen.args.at(-1) as string;
    expect(seen.args).toEqual(k6Args(script));
    expect(seen.mode).toBe(0o600);
    expect(seen.script).toContain('"executor": "constant-arrival-rate"');
    expect(seen.script).not.toMatch(/secret/);
    expect(JSON.parse(seen.request).url).toBe('https://canary.internal/verify?x=1');
    const stats = await run.stop();
    expect(stats).toMatchObject({ tool: 'k6', url: 'https://canary.internal/verify?…', rate: 25, requests: 42, non2xx: 3, errors: 1 });
    expect(stats.note).toBeUndefined();
    expect(existsSync(dirname(script))).toBe(false);
    expect(await run.stop()).toEqual(stats);
  });

  it('a k6 that ends early is reported (its output redacted) and the step goes on without counts', async () => {
    const k6 = fakeK6({ fail: 107 });
    const warnings: string[] = [];
    const load = k6Load(plan, { deadline: Date.now() + 60_000, warn: (m) => void warnings.push(m), k6Path: k6.path });
    const run = load.start();
    await until(() => warnings.length > 0);
    expect(warnings[0]).toMatch(/^synthetic load: k6 ended early \(exit code 107\): level=error msg="request failed: Authorization: Bearer \*\*\*"$/);
    const stats = await run.stop();
    expect(stats).toMatchObject({ requests: 0, non2xx: 0, errors: 0 });
    expect(stats.note).toMatch(/k6 ended early \(exit code 107\)/);
  });

  it('a script that cannot be written is reported, not thrown: the ramp goes on without load', async () => {
    const saved = process.env.RUNNER_TEMP;
    process.env.RUNNER_TEMP = join(tmpdir(), 'no-such-runner-temp', 'x');
    try {
      const warnings: string[] = [];
      const run = k6Load(plan, { deadline: Date.now() + 60_000, warn: (m) => void warnings.push(m), k6Path: '/bin/true' }).start();
      expect(warnings.join('\n')).toMatch(/^synthetic load: k6 could not start: ENOENT/);
      expect(await run.stop()).toMatchObject({ requests: 0, note: expect.stringMatching(/k6 could not start/) });
    } finally {
      if (saved === undefined) delete process.env.RUNNER_TEMP;
      else process.env.RUNNER_TEMP = saved;
    }
  });

  it('a k6 that cannot be started is reported, not thrown', async () => {
    const warnings: string[] = [];
    const run = k6Load(plan, { deadline: Date.now() + 60_000, warn: (m) => void warnings.push(m), k6Path: join(tmpdir(), 'no-such-k6') }).start();
    const stats = await run.stop();
    expect(stats.note).toMatch(/k6 could not run: .*ENOENT/);
  });
});
