/**
 * Every action under GitHub's own local runner, `@github/local-action`, as a user debugging locally
 * runs it: `local-action run actions/<name> main.ts <.env> --post main.ts`. It imports the entry,
 * calls its exported run() for main and again for post, in one process, with state kept in memory
 * (no STATE_* variables) and its own stand-in for @actions/core. Each run does real work against
 * the same local services the bundle tests use.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, stepInputEnv } from '../support/harness.js';
import { forward } from '../support/traffic/alb-fixture.js';
import { albRouterInputs, useAlbWorld } from '../support/traffic/alb-world.js';
import { useMoto } from '../support/use-moto.js';
import { targetGroupDimension } from '../../actions/lib/arn.js';
import { startRegistry, type Registry } from '../support/containers/registry.js';
import { commands, requires } from '../support/requires.js';
import { FAKE_TRIVY } from '../support/containers/trivy-release.js';

const FIXTURES = join(repoRoot, 'test/fixtures/trivy');

const LOCAL_ACTION = join(repoRoot, 'node_modules/.bin/local-action');

interface LocalRun {
  code: number | null;
  stdout: string;
  /** `::set-output` lines the stand-in prints, in order; later values win. */
  outputs: Record<string, string>;
  /** What main printed, and what post printed (the runner's "Running Post Step" banner splits them). */
  main: string;
  post: string;
  /** The run's RUNNER_TEMP. */
  runnerTemp: string;
}

/** A dotenv file of the step's inputs (with the action's defaults, as the runner applies them) and env. */
function dotenv(action: string, inputs: Record<string, string>, env: Record<string, string>): { file: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'local-action-'));
  const vars = { ...stepInputEnv(action, inputs), GITHUB_STEP_SUMMARY: join(dir, 'summary.md'), RUNNER_TEMP: dir, ...env };
  writeFileSync(vars.GITHUB_STEP_SUMMARY, '');
  const file = join(dir, '.env');
  writeFileSync(file, Object.entries(vars).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join('\n') + '\n');
  return { file, dir };
}

/** Runs from the repository (local-action starts `npm exec tsx` there); `workspace` is the job's GITHUB_WORKSPACE. */
function localAction(action: string, inputs: Record<string, string>, env: Record<string, string> = {}, workspace = repoRoot): Promise<LocalRun> {
  const { file, dir } = dotenv(action, inputs, { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'eu-central-1', GITHUB_WORKSPACE: workspace, ...env });
  const post = join(repoRoot, 'actions', action, 'main.ts');
  return new Promise((resolve, reject) => {
    const child = spawn(LOCAL_ACTION, ['run', join(repoRoot, 'actions', action), 'main.ts', file, '--post', post], {
      cwd: repoRoot, env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? tmpdir() }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stdout += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 170_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      const outputs: Record<string, string> = {};
      for (const m of stdout.matchAll(/^::set-output name=([^:]+)::(.*)$/gm)) outputs[m[1]] = m[2];
      const [main, post = ''] = stdout.split(/Running Post Step/);
      resolve({ code, stdout, outputs, main, post, runnerTemp: dir });
    });
  });
}

describe('actions under @github/local-action (main and post)', () => {
  const world = useAlbWorld();

  const albEnv = () => ({ ...world.env() });

  it('slo-gate judges a healthy canary through its exported run()', async () => {
    const run = await localAction('slo-gate', {
      slo: 'p95 < 200ms\nerror-rate < 1%',
      'load-balancer': 'arn:aws:elasticloadbalancing:eu-central-1:123456789012:loadbalancer/app/web/0123456789abcdef',
      'canary-target-group': world.fx.canary,
      'baseline-target-group': world.fx.stable,
      window: '10m',
    }, albEnv());
    expect(run.outputs.result, run.stdout).toBe('pass');
    expect(JSON.parse(run.outputs.report).objectives).toHaveLength(2);
    expect(run.stdout).toContain('Running Post Step');
  }, 180_000);

  it('canary-ramp promotes in main, and post (state from main, in memory) leaves the finished ramp alone', async () => {
    world.cw.setScenario(targetGroupDimension(world.fx.canary, 'canary-target-group-arn'), 'healthy');
    const listenerArn = await world.fx.listener([forward([world.fx.stable, 100])]);
    const run = await localAction('canary-ramp', albRouterInputs(world.fx, listenerArn, {
      steps: '50,100', 'bake-time': '2s', 'analysis-interval': '1s', slo: 'p95 < 200ms\nerror-rate < 1%',
    }), albEnv());
    expect(run.outputs.result, run.stdout).toBe('promoted');
    expect(JSON.parse(run.outputs.weights)).toEqual({ stable: 0, canary: 100 });
    // Post ran as post (not main again: that would be a second ramp) and found the ramp finished.
    expect(run.post).toContain('the ramp finished; traffic left as it is');
    expect(run.post).not.toContain('::set-output name=result::');
  }, 180_000);

  it('rollback puts a half-shifted listener back on stable', async () => {
    const listenerArn = await world.fx.listener([forward([world.fx.stable, 70], [world.fx.canary, 30])]);
    const run = await localAction('rollback', albRouterInputs(world.fx, listenerArn), albEnv());
    expect(run.outputs.changed, run.stdout).toBe('true');
    expect(JSON.parse(run.outputs.after)).toEqual({ stable: 100, canary: 0 });
    const [action] = await world.fx.defaultActions(listenerArn);
    expect(action.ForwardConfig?.TargetGroups?.map((g) => g.Weight)).toEqual([100, 0]);
  }, 180_000);
});

describe('deploy-stack under @github/local-action', () => {
  const moto = useMoto('eu-central-1', { changeSetOutputs: true });

  it('creates a stack in main, outputs every stack output; post finds nothing left to clean', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'local-deploy-'));
    writeFileSync(join(workspace, 'queue.yaml'), [
      "AWSTemplateFormatVersion: '2010-09-09'",
      'Resources:',
      '  Queue:',
      '    Type: AWS::SQS::Queue',
      '    Properties: { QueueName: local-orders }',
      'Outputs:',
      '  QueueArn:',
      '    Value: !GetAtt Queue.Arn',
    ].join('\n'));
    const run = await localAction('deploy-stack', { name: 'local-orders', template: 'queue.yaml' }, moto.current.env, workspace);
    expect(run.outputs.outcome, run.stdout).toBe('created');
    expect(run.outputs.QueueArn).toMatch(/^arn:aws:sqs:eu-central-1:\d+:local-orders$/);
    expect(run.post).not.toMatch(/interrupted|TypeError|ExitCode/);
    expect(run.code).toBe(0);
  }, 180_000);
});

const withContainerTools = requires('build-scan-push under @github/local-action', commands('buildah', 'docker-registry', 'skopeo', 'htpasswd'));

withContainerTools.describe('build-scan-push under @github/local-action', () => {
  let registry: Registry;
  beforeAll(async () => {
    registry = await startRegistry();
  });
  afterAll(() => registry?.stop());

  it('builds, scans and pushes in main; post removes the scratch folder that holds the registry login', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'local-bsp-'));
    mkdirSync(join(workspace, 'svc'));
    writeFileSync(join(workspace, 'svc', 'hello.txt'), 'hello\n');
    writeFileSync(join(workspace, 'svc', 'Containerfile'), 'FROM scratch\nCOPY hello.txt /hello.txt\n');
    const run = await localAction('build-scan-push', {
      builder: 'buildah', context: 'svc', platforms: 'linux/amd64', registry: registry.host, repository: 'team/local',
      username: registry.username, password: registry.password, tags: 'local-1', 'trivy-path': FAKE_TRIVY,
      // The stand-in scanner is not a release binary: its digest is in no table.
      'trivy-trust-unverified': 'true',
    }, { ...registry.env, FAKE_TRIVY_REPORT: join(FIXTURES, 'alpine-310.json'), FAKE_TRIVY_SARIF: join(FIXTURES, 'alpine-310.sarif') }, workspace);
    const digest = run.outputs.digest;
    expect(digest, run.stdout).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await registry.manifestDigest('team/local', 'local-1')).toBe(digest);
    // main made its scratch folder (with the registry login) in RUNNER_TEMP; post, as post, removed it.
    expect(run.main).toContain('build-scan-push-');
    expect(readdirSync(run.runnerTemp).filter((f) => f.startsWith('build-scan-push-'))).toEqual([]);
  }, 240_000);
});
