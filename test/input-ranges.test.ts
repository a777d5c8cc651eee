/**
 * Every number an input carries is finite and inside its documented range: the cases that used to
 * pass as Infinity (`1<400 zeros>h`, `p95 < 1<400 zeros>ms`, `1e400x baseline`), each range's ends,
 * and the readers' strict number grammar. Over INPUT_* env, as the runner sets it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readRampInputs } from '../actions/canary-ramp/plan.js';
import { parseDuration, tryParseDuration } from '../common/duration.js';
import { InputError } from '../common/errors.js';
import { findNonFinite, parseNumber } from '../actions/lib/inputs.js';
import { readGateConfig } from '../actions/metrics/gate.js';
import { parseObjective } from '../actions/metrics/slo.js';
import { readPlan as readSmokePlan } from '../actions/smoke-test/plan.js';
import { inputEnv } from './support/harness.js';

const HUGE = `1${'0'.repeat(400)}`;
const saved = { ...process.env };
function withInputs(inputs: Record<string, string>): void {
  for (const k of Object.keys(process.env)) if (k.startsWith('INPUT_')) delete process.env[k];
  Object.assign(process.env, { AWS_REGION: 'eu-central-1' }, inputEnv(inputs));
}
afterEach(() => {
  process.env = { ...saved };
});

function refusal(read: () => unknown): InputError {
  try {
    read();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error('expected an InputError, got a value');
}

describe('durations', () => {
  it('a sum too large for a number is no duration to tryParseDuration, and out of range to parseDuration', () => {
    expect(tryParseDuration(`${HUGE}h`)).toBeNull();
    expect(tryParseDuration(`1h${HUGE}ms`)).toBeNull();
    expect(() => parseDuration(`${HUGE}h`, 'Input "timeout"')).toThrow(/Input "timeout": "10{400}h" is out of range; expected a duration of finite length/);
    expect(() => parseDuration(`${HUGE}h`, 'Input "timeout"', { min: 1000, max: 3_600_000 })).toThrow(/is out of range; expected a duration from 1s to 1h$/);
  });

  it('both ends of a range are accepted, one step beyond is not', () => {
    const range = { min: 60_000, max: 86_400_000 };
    expect(parseDuration('1m', 'x', range)).toBe(60_000);
    expect(parseDuration('24h', 'x', range)).toBe(86_400_000);
    expect(() => parseDuration('59s', 'x', range)).toThrow('x: "59s" is out of range; expected a duration from 1m to 24h');
    expect(() => parseDuration('24h1ms', 'x', range)).toThrow('x: "24h1ms" is out of range; expected a duration from 1m to 24h');
    expect(() => parseDuration('soon', 'x', range)).toThrow(/x: "soon" is not a duration; expected .* from 1m to 24h/);
  });
});

describe('numbers', () => {
  const range = { min: 0, max: 100 };
  it.each([['0', 0], ['100', 100], ['+5', 5], ['.5', 0.5], ['5.', 5], ['1e1', 10], ['-0', -0], ['2.5E1', 25]])('accepts %j', (text, n) => {
    expect(parseNumber(text, 'Input "n"', range)).toBe(n);
  });
  it.each(['', '1e400', HUGE, '-1e400', 'NaN', 'Infinity', '0x10', '0b1', '1_000', '1,5', '١٢', '１２', '5 5', '101', '-1', '1e', 'e1'])('refuses %j', (text) => {
    expect(() => parseNumber(text, 'Input "n"', range)).toThrow(`Input "n": "${text}" is not valid; expected a number from 0 to 100.`);
  });
  it('whole numbers only when asked', () => {
    expect(() => parseNumber('1.5', 'Input "n"', { ...range, integer: true })).toThrow('expected a whole number from 0 to 100');
  });
  it('finds the first non-finite number in parsed JSON', () => {
    expect(findNonFinite(JSON.parse('{"a":[1,{"b":1e400}]}'))).toBe('$.a[1].b');
    expect(findNonFinite(JSON.parse('{"a":[1,{"b":1e308}], "c": null}'))).toBeNull();
  });
});

describe('slo thresholds', () => {
  it.each([
    [`p95 < ${HUGE}ms`, 'a latency threshold is from 0ms to 3600000ms (1h)'],
    ['p95 < 3600001ms', 'a latency threshold is from 0ms to 3600000ms (1h)'],
    ['p99 < 3601s', 'a latency threshold is from 0ms to 3600000ms (1h)'],
    [`error-rate < ${HUGE}%`, 'has an error rate above 100%'],
    [`request-rate > ${HUGE}/s`, 'a request-rate threshold is from 0/s to 10000000/s'],
    ['request-rate > 600000001/min', 'a request-rate threshold is from 0/s to 10000000/s'],
    [`queue_depth < ${HUGE}`, 'a custom threshold is from 0 to 1e12 (in the unit written)'],
    [`p95 < ${HUGE}x baseline`, 'has a baseline ratio out of range; a ratio is above 0 and at most 100'],
    ['p95 < 100.5x baseline', 'has a baseline ratio out of range'],
    ['p95 < 0x baseline', 'has a baseline ratio that is not above 0'],
  ])('%s is refused', (line, why) => {
    const err = refusal(() => parseObjective(line));
    expect(err.message).toContain(`Input "slo": line "${line}"`);
    expect(err.message).toContain(why);
  });

  it.each([
    ['p95 < 3600000ms', 3_600_000], ['p95 < 3600s', 3_600_000], ['p95 < 0ms', 0], ['error-rate < 100%', 1],
    ['request-rate > 10000000/s', 10_000_000], ['queue_depth < 1000000000000', 1e12],
  ])('%s is the end of its range', (line, value) => {
    expect(parseObjective(line).threshold).toMatchObject({ kind: 'absolute', value });
  });

  it('100x baseline is the largest ratio', () => {
    expect(parseObjective('p95 < 100x baseline').threshold).toEqual({ kind: 'relative', factor: 100 });
  });
});

describe('slo-gate inputs', () => {
  const ALB = { slo: 'p95 < 200ms', 'load-balancer': 'app/web/0123456789abcdef', 'canary-target-group': 'targetgroup/c/0123456789abcdef' };
  it.each([
    [{ window: `${HUGE}h` }, `Input "window": "${HUGE}h" is out of range; expected a duration from 1m to 24h`],
    [{ window: '24h1m' }, 'Input "window": "24h1m" is out of range; expected a duration from 1m to 24h'],
    [{ warmup: `${HUGE}m`, window: '2026-03-01T12:00:00Z' }, `Input "warmup": "${HUGE}m" is out of range; expected a duration from 0s to 24h`],
    [{ 'min-requests': HUGE }, `Input "min-requests": "${HUGE}" is not valid; expected a whole number from 0 to 1000000000.`],
    [{ 'min-requests': '1e400' }, 'Input "min-requests": "1e400" is not valid'],
    [{ significance: '1e-400' }, 'Input "significance": "1e-400" is not valid; expected a number from 0.0001 to 0.5.'],
    [{ significance: 'NaN' }, 'Input "significance": "NaN" is not valid'],
    [{ preset: 'raw', 'metric-queries': '[{"Id":"p95","Expression":"m1","Period":1e400}]' }, 'Input "metric-queries": the number at $[0].Period is not finite'],
    [{ preset: 'raw', 'metric-queries': '[{"Id":"p95","MetricStat":{"Metric":{"MetricName":"M"},"Period":90,"Stat":"p95"}}]' }, 'Input "metric-queries": query "p95" has MetricStat.Period 90; expected 1, 5, 10, 20, 30 or a multiple of 60 seconds, at most 86400.'],
    [{ preset: 'raw', 'metric-queries': '[{"Id":"p95","Expression":"m1","Period":86460}]' }, 'has Period 86460'],
  ])('refuses %j', (inputs, message) => {
    withInputs({ ...ALB, ...inputs });
    expect(refusal(readGateConfig).message).toContain(message);
  });

  it('accepts the ends of each range and valid periods', () => {
    withInputs({ ...ALB, window: '24h', warmup: '23h59m', 'min-requests': '1000000000', significance: '0.0001', preset: 'raw', 'metric-queries': '[{"Id":"p95","Expression":"m1","Period":86400},{"Id":"x","Expression":"m2","Period":20}]' });
    expect(readGateConfig()).toMatchObject({ windowMs: 86_400_000, warmupMs: 86_340_000, minRequests: 1e9, significance: 0.0001 });
  });

  describe('prometheus-url is an http(s) URL with a host, checked when the inputs are read', () => {
    const PROM = { ...ALB, provider: 'prometheus', 'canary-selector': 'service="auth"' };
    it.each(['localhost:9090', 'prometheus:9090', '127.0.0.1:9090', 'ftp://prometheus/', 'http://', 'prometheus', 'file:///etc/passwd'])('refuses %j naming the input and the form', (url) => {
      withInputs({ ...PROM, 'prometheus-url': url });
      expect(refusal(readGateConfig).message).toBe(`Input "prometheus-url": "${url}" is not an http(s) URL; expected the Prometheus HTTP API base URL, http(s)://host[:port][/path] (for AMP: https://aps-workspaces.<region>.amazonaws.com/workspaces/<id>).`);
    });
    it('does not repeat a value that may carry credentials', () => {
      withInputs({ ...PROM, 'prometheus-url': 'user:s3cret@prometheus:9090' });
      const message = refusal(readGateConfig).message;
      expect(message).toMatch(/^Input "prometheus-url": is not an http\(s\) URL/);
      expect(message).not.toContain('s3cret');
    });
    it.each(['http://127.0.0.1:9090', 'https://aps-workspaces.eu-central-1.amazonaws.com/workspaces/ws-1', 'http://[::1]:9090/prom'])('accepts %j', (url) => {
      withInputs({ ...PROM, 'prometheus-url': url });
      expect(readGateConfig().source).toMatchObject({ url });
    });
  });
});

describe('canary-ramp inputs', () => {
  const ECS = { router: 'ecs', cluster: 'prod', service: 'orders', slo: 'p95 < 200ms' };
  it.each([
    [{ timeout: `${HUGE}h` }, `Input "timeout": "${HUGE}h" is out of range; expected a duration from 1s to 120h`],
    [{ timeout: '120h1s' }, 'Input "timeout": "120h1s" is out of range; expected a duration from 1s to 120h'],
    [{ 'bake-time': `${HUGE}m` }, `Input "bake-time": "${HUGE}m" is out of range; expected a duration from 0s to 24h`],
    [{ steps: `1,5,25:${HUGE}m,50,100` }, `Input "steps": the bake time in "25:${HUGE}m": "${HUGE}m" is out of range; expected a duration from 0s to 24h`],
    [{ steps: `1,${HUGE},100` }, `Input "steps": ${HUGE} is out of range; weights are percents from 1 to 100`],
    [{ 'analysis-interval': `${HUGE}s` }, 'Input "analysis-interval": "1'],
    [{ 'analysis-interval': '999ms' }, 'Input "analysis-interval": "999ms" is out of range; expected a duration from 1s to 1h'],
    [{ 'max-failed-checks': '1e400' }, 'Input "max-failed-checks": "1e400" is not valid; expected a whole number from 1 to 1000.'],
    [{ 'max-inconclusive': '1001' }, 'Input "max-inconclusive": "1001" is not valid; expected a whole number from 0 to 1000.'],
    [{ provider: 'k6-summary' }, 'Input "provider": k6-summary is not available to canary-ramp'],
  ])('refuses %j', (inputs, message) => {
    withInputs({ ...ECS, ...inputs });
    expect(refusal(readRampInputs).message).toContain(message);
  });

  it('accepts the ends of each range', () => {
    withInputs({ ...ECS, timeout: '120h', 'bake-time': '24h', steps: '1:0s,50:24h,100', 'analysis-interval': '1s', 'max-failed-checks': '1000', 'max-inconclusive': '0' });
    expect(readRampInputs()).toMatchObject({
      bakeMs: 86_400_000,
      settings: { timeoutMs: 432_000_000, intervalMs: 1000, maxFailedChecks: 1000, maxInconclusive: 0, steps: [{ percent: 1, bakeMs: 0 }, { percent: 50, bakeMs: 86_400_000 }, { percent: 100, bakeMs: 0 }] },
    });
  });
});

describe('smoke-test inputs', () => {
  const CHECK = { checks: 'GET http://127.0.0.1:8080/health' };
  it.each([
    [{ 'request-timeout': `${HUGE}s` }, `Input "request-timeout": "${HUGE}s" is out of range; expected a duration from 100ms to 1m`],
    [{ 'request-timeout': '99ms' }, 'Input "request-timeout": "99ms" is out of range; expected a duration from 100ms to 1m'],
    [{ interval: '5m1s' }, 'Input "interval": "5m1s" is out of range; expected a duration from 0s to 5m'],
    [{ timeout: `${HUGE}h` }, `Input "timeout": "${HUGE}h" is out of range; expected a duration from 1s to 1h`],
    [{ attempts: '1e400' }, 'Input "attempts": "1e400" is not valid; expected a whole number from 1 to 100.'],
    [{ attempts: '101' }, 'Input "attempts": "101" is not valid; expected a whole number from 1 to 100.'],
  ])('refuses %j', (inputs, message) => {
    withInputs({ ...CHECK, ...inputs });
    expect(refusal(readSmokePlan).message).toContain(message);
  });

  it('accepts the ends of each range', () => {
    withInputs({ ...CHECK, 'request-timeout': '60s', interval: '0s', timeout: '1h', attempts: '100' });
    expect(readSmokePlan()).toMatchObject({ requestTimeoutMs: 60_000, intervalMs: 0, timeoutMs: 3_600_000, attempts: 100 });
    withInputs({ ...CHECK, 'request-timeout': '100ms', timeout: '1s', attempts: '1' });
    expect(readSmokePlan()).toMatchObject({ requestTimeoutMs: 100, timeoutMs: 1000, attempts: 1 });
  });
});
