/**
 * Property: whatever text a workflow puts in any input, every action's input reading and planning
 * (INPUT_* env, as the runner sets it) ends in a plan or in an InputError that names one of the
 * action's inputs; never another error type, and never a NaN or Infinity anywhere in the plan.
 * The strings lean towards the numbers people (and typos) write: 400-digit numbers, huge
 * exponents, negatives, NaN, non-ASCII digits, surrounding whitespace, units and ranges.
 *
 * Runs per action: RUNS (2000) for slo-gate, canary-ramp, rollback, build-scan-push, deploy-stack
 * and smoke-test; each run replaces one to three of the action's inputs (those carrying numbers five times as
 * often) on top of a valid base: about 10 s for the file on an idle machine. Run against the code
 * before the range checks, it failed on Infinity thresholds and durations and on template paths
 * outside the workspace every time it was tried.
 */
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import YAML from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { readPlan, githubContext } from '../actions/build-scan-push/plan.js';
import { readRampInputs, intervalWarning, timeoutWarning } from '../actions/canary-ramp/plan.js';
import { buildPlan, readInputs as readDeployInputs } from '../actions/deploy-stack/plan.js';
import { InputError } from '../common/errors.js';
import { readGateConfig, validateGate } from '../actions/metrics/gate.js';
import { openProvider } from '../actions/metrics/providers/factory.js';
import type { GateConfig } from '../actions/metrics/types.js';
import { readRollbackInputs } from '../actions/rollback/plan.js';
import { readInputs as readSloGateInputs } from '../actions/slo-gate/plan.js';
import { readPlan as readSmokePlan } from '../actions/smoke-test/plan.js';
import { inputEnv, repoRoot } from './support/harness.js';

const RUNS = 2000;

// ---- what the strings look like -----------------------------------------------------------------

const HUGE = `1${'0'.repeat(400)}`;
const numberish = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('0', '1', '-1', '-0', '+3', '.5', '5.', '0.0001', '0.5', '100', '101', '1000', '1e400', '1e-400', '-1e400', HUGE, `0.${'0'.repeat(399)}1`,
    'NaN', 'Infinity', '-Infinity', '0x10', '0b1', '1_000', '1,5', '١٢', '１２', '߂', '²', ' 5 ', '\t7\n', '1e308', '1.8e308', '9007199254740993', '5e-324') },
  { weight: 3, arbitrary: fc.stringMatching(/^[0-9]{300,400}(\.[0-9]{1,5})?$/) },
  { weight: 1, arbitrary: fc.stringMatching(/^[0-9]{1,20}(\.[0-9]{1,20})?$/) },
  { weight: 1, arbitrary: fc.integer().map(String) },
  { weight: 1, arbitrary: fc.double().map(String) },
  { weight: 1, arbitrary: fc.bigInt().map(String) },
);
const units = fc.constantFrom('', 'ms', 's', 'm', 'h', 'd', '%', 'x baseline', '× baseline', '/s', 'rps', '/min', 'rpm', ' ms', 'min', 'µs');
const withUnit = fc.tuple(numberish, units).map(([n, u]) => `${n}${u}`);
const duration = fc.oneof(withUnit, fc.array(withUnit, { minLength: 1, maxLength: 3 }).map((p) => p.join('')), fc.constantFrom('0s', '1s', '59s', '1m', '24h', '24h1ms', '5d', '120h', '180m', '181m', '90s'));
const anyText = fc.string({ unit: 'grapheme', maxLength: 40 });
const binaryText = fc.string({ unit: 'binary', maxLength: 40 });
/** The runner cannot pass a NUL byte in an environment variable. */
const text = (arb: fc.Arbitrary<string>) => arb.map((s) => s.replace(/\0/g, ''));
/** Mostly text shaped like the input (so runs get past the first check), else numbers and any text. */
const mixed = (...shaped: fc.Arbitrary<string>[]) =>
  text(fc.oneof(...shaped.map((arbitrary) => ({ arbitrary, weight: 6 })), { arbitrary: numberish, weight: 2 }, { arbitrary: anyText, weight: 1 }, { arbitrary: binaryText, weight: 1 }));
const oneOf = (...values: string[]) => mixed(fc.constantFrom(...values));

/** Mostly well-formed objectives (metric, operator and a unit that fits) around every kind of number. */
const sloLine = fc.tuple(
  fc.constantFrom(['p95', 'ms'], ['p99.9', 's'], ['error-rate', '%'], ['error-rate', ''], ['request-rate', '/s'], ['request-rate', '/min'], ['queue_depth', ''], ['queue_depth', 's'], ['p95', 'x baseline'], ['error-rate', 'x baseline']),
  fc.constantFrom('<', '<=', '>', '>='),
  numberish,
  fc.option(fc.tuple(fc.constantFrom('p0', 'p100', 'p99.999', 'p95', '=', 'error-rate'), units), { freq: 5 }),
).map(([[metric, unit], op, n, odd]) => (odd ? `${odd[0]} ${op} ${n}${odd[1]}` : `${metric} ${op} ${n}${unit}`));
const slo = mixed(fc.array(sloLine, { minLength: 1, maxLength: 3 }).map((l) => l.join('\n')));
const steps = mixed(fc.array(fc.tuple(numberish, fc.option(duration)), { minLength: 1, maxLength: 6 })
  .map((items) => items.map(([p, bake]) => (bake === null ? p : `${p}:${bake}`)).join(',')));
const jsonNumber = fc.oneof(numberish.filter((n) => /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(n)), fc.constantFrom('60', '1', '30', '86400', '86460', '1e400'));
const metricQueries = mixed(fc.tuple(jsonNumber, fc.constantFrom('p95', 'error_rate', 'requests', 'Bad Id')).map(([period, id]) =>
  `[{"Id":"${id}","MetricStat":{"Metric":{"Namespace":"N","MetricName":"M"},"Period":${period},"Stat":"p95"},"ReturnData":true}]`));
const lifecyclePolicy = mixed(fc.tuple(jsonNumber, jsonNumber).map(([p, c]) =>
  `{"rules":[{"rulePriority":${p},"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":${c}},"action":{"type":"expire"}}]}`), fc.constantFrom('null', '5', '[]', '{}'));
const url = mixed(fc.constantFrom('http://127.0.0.1:9090', 'https://aps-workspaces.eu-central-1.amazonaws.com/workspaces/ws-1', 'localhost:9090', '127.0.0.1:9090', 'ftp://x', 'http://', 'http://[', 'https://u:p@host/', 'u:p@host'));

const L = 'arn:aws:elasticloadbalancing:eu-central-1:123456789012:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2';
const TG = (name: string) => `arn:aws:elasticloadbalancing:eu-central-1:123456789012:targetgroup/${name}/73e2d6bc24d8a067`;

/** Inputs shared by slo-gate and canary-ramp (readGateConfig). */
const GATE = {
  provider: oneOf('cloudwatch', 'prometheus', 'k6-summary'),
  slo,
  preset: oneOf('alb', 'service-connect', 'emf', 'appmesh', 'raw'),
  window: mixed(duration, fc.constantFrom('2026-01-01T10:00:00Z', '2026-13-01T10:00:00Z', '+275760-09-13T00:00:00Z', '9999-12-31T23:59:59Z')),
  warmup: mixed(duration),
  'min-requests': mixed(),
  significance: mixed(),
  'on-no-data': oneOf('inconclusive', 'fail', 'pass'),
  'dry-run': oneOf('true', 'false'),
  region: oneOf('eu-central-1', 'Frankfurt'),
  'metric-queries': metricQueries,
  'metric-names': oneOf('requests=R,errors=E', 'latency='),
  'prometheus-url': url,
  'prometheus-queries': oneOf('p95=histogram_quantile(0.95, x{{{selector}}})', '=x'),
  'canary-selector': oneOf('service="auth"'),
  'k6-summary': oneOf('summary.json'),
  cluster: oneOf('prod'),
  'discovery-name': oneOf('auth'),
  'canary-service': oneOf('auth-green'),
  service: oneOf('auth'),
  'canary-version': oneOf('2'),
  'canary-task-family': oneOf('auth'),
  'baseline-target-group': oneOf('targetgroup/b/0123456789abcdef'),
};

const ROUTER = {
  router: oneOf('alb', 'ecs', 'appmesh'),
  'listener-arn': oneOf(L),
  'rule-arn': oneOf(`${L.replace('listener/', 'listener-rule/')}/9683b2d02a6cabee`),
  'stable-target-group-arn': oneOf(TG('stable')),
  'canary-target-group-arn': oneOf(TG('canary')),
  cluster: oneOf('prod'),
  service: oneOf('orders'),
  mesh: oneOf('m'), 'virtual-router': oneOf('v'), route: oneOf('r'), 'canary-node': oneOf('a'), 'stable-node': oneOf('b'),
  'mesh-owner': oneOf('123456789012', '1234567890123'),
  region: oneOf('eu-central-1', 'us-east-1', 'Frankfurt'),
};

/** Every input that carries a number (a duration, a threshold, a count, a ratio, a weight). */
const NUMERIC = new Set(['slo', 'window', 'warmup', 'min-requests', 'significance', 'metric-queries', 'steps', 'bake-time', 'analysis-interval', 'timeout',
  'max-failed-checks', 'max-inconclusive', 'load-rate', 'load-connections', 'load-timeout', 'rollback-monitoring-time', 'lifecycle-policy', 'parameters', 'template', 'checks', 'request-timeout', 'attempts', 'interval']);

// ---- checking a plan ----------------------------------------------------------------------------

/** The path of the first number in `value` that is not finite (Dates included), or null. */
function nonFinite(value: unknown, path = 'plan', seen = new Set<unknown>()): string | null {
  if (typeof value === 'number') return Number.isFinite(value) ? null : `${path} = ${value}`;
  if (typeof value === 'bigint' || value === null || typeof value !== 'object' || seen.has(value)) return null;
  seen.add(value);
  if (value instanceof Date) return Number.isFinite(value.getTime()) ? null : `${path} = Invalid Date`;
  const entries: [string, unknown][] = value instanceof Map ? [...value].map(([k, v]) => [String(k), v])
    : value instanceof Set ? [...value].map((v, i) => [String(i), v])
    : Object.entries(value);
  for (const [k, v] of entries) {
    const found = nonFinite(v, `${path}.${k}`, seen);
    if (found) return found;
  }
  return null;
}

function declaredInputs(action: string): Set<string> {
  return new Set(Object.keys(YAML.parse(readFileSync(join(repoRoot, 'actions', action, 'action.yml'), 'utf8')).inputs));
}

/** Every input a message names: `Input "x": …`, `Inputs "x" and "y" …`, `… needs input "x"`. */
function namedInputs(message: string): string[] {
  return [...message.matchAll(/\b[Ii]nputs? "([^"]+)"/g)].map((m) => m[1]);
}

function setInputs(inputs: Record<string, string>): void {
  for (const k of Object.keys(process.env)) if (k.startsWith('INPUT_')) delete process.env[k];
  Object.assign(process.env, { AWS_REGION: 'eu-central-1' }, inputEnv(inputs));
}

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

/** One to three inputs replaced per run: enough runs end in a plan to check plans, not only refusals. */
function overridesOf(arbitraries: Record<string, fc.Arbitrary<string>>): fc.Arbitrary<Record<string, string>> {
  // Inputs that carry numbers come up five times as often: they are what this property is about.
  const one = fc.oneof(...Object.entries(arbitraries).map(([name, arb]) => ({ arbitrary: arb.map((v) => [name, v] as const), weight: NUMERIC.has(name) ? 5 : 1 })));
  return fc.array(one, { minLength: 1, maxLength: 3 }).map((pairs) => Object.fromEntries(pairs));
}

/**
 * Runs `plan` over the valid `base` with any subset of `arbitraries` replacing inputs; asserts the
 * outcome. Returns counts so the test can show it reached both plans and refusals.
 */
function checkAction(action: string, base: Record<string, string>, arbitraries: Record<string, fc.Arbitrary<string>>, plan: () => unknown, extraNames: string[] = [], check?: (p: unknown) => void) {
  const declared = declaredInputs(action);
  for (const name of Object.keys(arbitraries)) expect(declared, `${action} declares ${name}`).toContain(name);
  const outcome = { plans: 0, refusals: 0 };
  fc.assert(
    fc.property(overridesOf(arbitraries), (overrides) => {
      setInputs({ ...base, ...overrides });
      let result: unknown;
      try {
        result = plan();
      } catch (err) {
        if (!(err instanceof InputError)) throw new Error(`${action}: not an InputError: ${(err as Error)?.stack ?? String(err)}`);
        const names = namedInputs(err.message);
        if (!names.some((n) => declared.has(n) || extraNames.includes(n)) && !extraNames.some((n) => err.message.startsWith(`${n}:`))) {
          throw new Error(`${action}: the InputError names no input of the action: ${err.message}`);
        }
        outcome.refusals++;
        return;
      }
      const bad = nonFinite(result);
      if (bad) throw new Error(`${action}: a non-finite number in the plan: ${bad}`);
      check?.(result);
      outcome.plans++;
    }),
    { numRuns: RUNS },
  );
  // Both ends reached: the generators are not so wild that every run is refused.
  expect(outcome.plans).toBeGreaterThan(0);
  expect(outcome.refusals).toBeGreaterThan(0);
  return outcome;
}

// ---- the actions --------------------------------------------------------------------------------

describe(`every action's input reading ends in a valid plan or an InputError naming the input (${RUNS} runs each)`, () => {
  it('slo-gate', async () => {
    const base = { slo: 'p95 < 200ms', 'load-balancer': 'app/web/0123456789abcdef', 'canary-target-group': 'targetgroup/c/0123456789abcdef', 'baseline-target-group': 'targetgroup/b/0123456789abcdef' };
    const gates: GateConfig[] = [];
    checkAction('slo-gate', base, { ...GATE, 'on-inconclusive': oneOf('fail', 'pass') }, () => {
      const inputs = readSloGateInputs();
      gates.push(inputs.gate);
      return inputs;
    });
    // Then each plan's provider (loaded on demand) checks its source: valid, or an InputError naming an input.
    const declared = declaredInputs('slo-gate');
    for (const gate of gates) {
      try {
        validateGate(gate, await openProvider(gate));
      } catch (err) {
        if (!(err instanceof InputError)) throw err;
        expect(namedInputs(err.message).some((n) => declared.has(n)), err.message).toBe(true);
      }
    }
  });

  it('canary-ramp', () => {
    const base = { router: 'alb', 'listener-arn': L, 'stable-target-group-arn': TG('stable'), 'canary-target-group-arn': TG('canary'), slo: 'p95 < 200ms' };
    // canary-ramp judges each step's own window and reads no k6 summary.
    const { window: _window, 'k6-summary': _k6, ...gate } = GATE;
    checkAction('canary-ramp', base, {
      ...gate, ...ROUTER,
      steps,
      'bake-time': mixed(duration),
      'analysis-interval': mixed(duration),
      timeout: mixed(duration),
      'max-failed-checks': mixed(),
      'max-inconclusive': mixed(),
      'on-inconclusive': oneOf('hold', 'fail', 'pass'),
      takeover: oneOf('true', 'false'),
      'load-url': url,
      'load-rate': mixed(),
      'load-connections': mixed(),
      'load-timeout': mixed(duration),
      'load-method': oneOf('GET', 'post', 'FETCH'),
      'load-headers': oneOf('X-Canary: 1', 'Authorization: Bearer abcdefgh12', 'bad header', 'X-A: 1\nx-a: 2'),
      'load-body': oneOf('{"a":1e400}'),
      'load-tool': oneOf('autocannon', 'k6', 'hey'),
    }, () => {
      const ramp = readRampInputs();
      const gate = readGateConfig();
      intervalWarning(ramp.settings.intervalMs, 60_000);
      timeoutWarning(ramp.settings.timeoutMs);
      return { ramp, gate };
    });
  });

  it('rollback', () => {
    checkAction('rollback', { router: 'ecs', cluster: 'prod', service: 'orders' }, { ...ROUTER, to: oneOf('stable', 'baseline') }, readRollbackInputs);
  });

  it('build-scan-push', () => {
    const workspace = mkdtempSync(join(tmpdir(), 'bsp-property-'));
    mkdirSync(join(workspace, 'svc'));
    writeFileSync(join(workspace, 'svc', 'Dockerfile'), 'FROM scratch\n');
    writeFileSync(join(workspace, '.trivyignore'), 'CVE-2020-0001\n');
    const base = { context: 'svc', repository: 'team/app', registry: 'registry.example.com', username: 'u', password: 'p', builder: 'buildah' };
    checkAction('build-scan-push', base, {
      context: oneOf('svc', '.', '/', '../..', 'missing'),
      file: oneOf('svc/Dockerfile', 'Dockerfile', '/etc/passwd'),
      platforms: oneOf('linux/amd64,linux/arm64', 'linux/arm/v7', 'linux'),
      'build-args': oneOf('A=1\nB=2', 'A', '=1', 'A B=1'),
      target: oneOf('build', '-x', 'a b'),
      labels: oneOf('a=b', 'nope'),
      cache: oneOf('none', 'gha', 'registry'),
      provenance: oneOf('true', 'false'),
      sbom: oneOf('true', 'false'),
      builder: oneOf('buildx', 'buildah'),
      'buildx-builder': oneOf('ci', '-bad'),
      registry: oneOf('registry.example.com', '123456789012.dkr.ecr.eu-central-1.amazonaws.com', ''),
      repository: oneOf('team/app', 'Team/App', ''),
      tags: oneOf('v1,latest', 'not ok!'),
      push: oneOf('true', 'false'),
      username: oneOf('u', ''),
      password: oneOf('p', ''),
      region: oneOf('eu-central-1', 'us-east-1', 'Frankfurt'),
      'create-repository': oneOf('true', 'false'),
      'lifecycle-policy': lifecyclePolicy,
      'kms-key': oneOf('alias/aws/ecr', 'arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab', 'key'),
      scan: oneOf('true', 'false'),
      severity: oneOf('CRITICAL,HIGH', 'LOW', 'SEVERE'),
      'fail-on': oneOf('CRITICAL', 'none', 'LOW'),
      'ignore-unfixed': oneOf('true', 'false'),
      trivyignore: oneOf('.trivyignore', 'missing'),
      'trivy-path': oneOf('svc/Dockerfile', 'missing'),
      'trivy-mirror': url,
      'sigstore-tuf-mirror': url,
      'sigstore-tuf-root': oneOf('.trivyignore', 'missing'),
    }, () => {
      const ctx = githubContext({ ...process.env, GITHUB_WORKSPACE: workspace, GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567', GITHUB_REF: 'refs/heads/main' });
      return { ctx, ...readPlan(ctx) };
    }, ['SOURCE_DATE_EPOCH']);
  });

  it('smoke-test', () => {
    const check = fc.oneof(
      fc.tuple(fc.constantFrom('GET', 'post', 'FETCH'), fc.constantFrom('http://127.0.0.1:8080/health', 'https://[::1]:8443/ready', 'ftp://x/', '/health'), fc.option(fc.tuple(numberish, fc.constantFrom('', 'xx', ',204'))))
        .map(([m, u, st]) => `${m} ${u}${st ? ` -> ${st[0]}${st[1]}` : ''}`),
      fc.tuple(fc.constantFrom('127.0.0.1', 'persona.svc.local'), numberish).map(([h, port]) => `grpc ${h}:${port} persona.v1.PersonaService`),
    );
    checkAction('smoke-test', { checks: 'GET http://127.0.0.1:8080/health -> 200' }, {
      checks: mixed(fc.array(check, { minLength: 1, maxLength: 3 }).map((l) => l.join('\n'))),
      headers: oneOf('X-Canary: 1', 'bad header'),
      body: oneOf('{"a":1e400}'),
      'grpc-tls': oneOf('true', 'false'),
      'request-timeout': mixed(duration),
      attempts: mixed(),
      interval: mixed(duration),
      timeout: mixed(duration),
    }, readSmokePlan);
  });

  it('deploy-stack: every file read lies inside the workspace', () => {
    const workspace = realpathSync(mkdtempSync(join(tmpdir(), 'deploy-property-')));
    const fixtures = join(repoRoot, 'test/fixtures/cloudformation');
    mkdirSync(join(workspace, 'cfn'));
    writeFileSync(join(workspace, 'cfn', 'svc.yaml'), readFileSync(join(fixtures, 'svc.yaml')));
    writeFileSync(join(workspace, 'params.yaml'), readFileSync(join(fixtures, 'params-svc.yaml')));
    symlinkSync('/etc', join(workspace, 'etc'));
    const outside = mkdtempSync(join(tmpdir(), 'deploy-outside-'));
    writeFileSync(join(outside, 'svc.yaml'), readFileSync(join(fixtures, 'svc.yaml')));
    symlinkSync(join(outside, 'svc.yaml'), join(workspace, 'escape.yaml'));
    const paths = (...inside: string[]) => oneOf(...inside, '/etc/passwd', '/etc/hostname', '../../etc/passwd', 'etc/passwd', 'escape.yaml', join(outside, 'svc.yaml'),
      `file://${join(outside, 'svc.yaml')}`, `../${relative(join(workspace, '..'), outside)}/svc.yaml`, 'missing.yaml', '.', '');
    const base = { name: 'svc', template: 'cfn/svc.yaml', capabilities: 'CAPABILITY_IAM' };
    checkAction('deploy-stack', base, {
      name: oneOf('svc', '1svc', 'a'.repeat(129)),
      template: paths('cfn/svc.yaml', join(workspace, 'cfn/svc.yaml'), 's3://bucket/t.yaml', 'https://b.s3.eu-central-1.amazonaws.com/t.yaml', 'ftp://x/t.yaml'),
      parameters: mixed(paths('params.yaml', 'file://params.yaml', 'Image=x', 'Image=registry/app@sha256:abc\nDbPassword=p'), fc.constantFrom('{"a":', 'Port: 1e400')),
      tags: oneOf('team=a', 'aws:x=1', 'k'),
      capabilities: oneOf('CAPABILITY_IAM', 'none', 'CAPABILITY_EVERYTHING'),
      'role-arn': oneOf('arn:aws:iam::123456789012:role/deploy', 'role'),
      'termination-protection': oneOf('true', 'false', ''),
      'rollback-alarms': oneOf('arn:aws:cloudwatch:eu-central-1:123456789012:alarm:p95', 'alarm'),
      'rollback-monitoring-time': mixed(duration),
      execute: oneOf('true', 'false'),
      'fail-on-empty-changeset': oneOf('true', 'false'),
      'recreate-failed-stack': oneOf('true', 'false'),
      's3-bucket': oneOf('templates', 'B'),
      timeout: mixed(duration),
      region: oneOf('eu-central-1', 'Frankfurt'),
    }, () => buildPlan(readDeployInputs(), { workspace, runId: '1', runAttempt: '1', repository: 'o/r', sha: 'abc', random: () => '00c0ffee' }), [], (plan) => {
      const template = (plan as ReturnType<typeof buildPlan>).template;
      if (template.kind !== 'url') expect(realpathSync(template.path).startsWith(`${workspace}/`), template.path).toBe(true);
    });
  });
});
