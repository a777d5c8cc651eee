/**
 * The root action (`uses: <org>/mesh-actions@v1` with `command:`), through its bundle: it runs the
 * named action with that action's defaults filled in (the runner passes only what the workflow set),
 * refuses an unknown command, and runs the command's post step from state.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverActions } from '../../../scripts/build.mjs';
import { startFakeCloudWatch, type FakeCloudWatch } from '../../support/fake-cloudwatch.js';
import { repoRoot, runBundle, runPost } from '../../support/harness.js';

const LB = 'app/web/0123456789abcdef';
const STABLE = 'targetgroup/stable/fedcba9876543210';
const CANARY = 'targetgroup/canary/0123456789abcdef';

let cw: FakeCloudWatch;
beforeAll(async () => {
  cw = await startFakeCloudWatch({ scenarios: { [STABLE]: 'healthy', [CANARY]: 'healthy' } });
});
afterAll(() => cw?.stop());

const meta = (file: string) => YAML.parse(readFileSync(join(repoRoot, file), 'utf8'));

describe('root action', () => {
  it('declares every input and output of every action, and command', () => {
    const root = meta('action.yml');
    expect(root.inputs.command.required).toBe(true);
    for (const name of discoverActions()) {
      const action = meta(`actions/${name}/action.yml`);
      for (const input of Object.keys(action.inputs)) expect(root.inputs, `${name} input ${input}`).toHaveProperty([input]);
      for (const output of Object.keys(action.outputs ?? {})) expect(root.outputs, `${name} output ${output}`).toHaveProperty([output]);
      expect(root.inputs.command.description).toContain(name);
    }
    expect(root.runs).toEqual({ using: 'node24', main: 'dist/index.js', post: 'dist/index.js', 'post-if': 'always()' });
  });

  it('runs slo-gate with only the inputs a workflow sets: the command\'s defaults fill the rest', async () => {
    const run = await runBundle('.', {
      inputs: {
        command: 'slo-gate',
        slo: 'p95 < 200ms\nerror-rate < 1%',
        'load-balancer': LB,
        'canary-target-group': CANARY,
        'baseline-target-group': STABLE,
      },
      env: { AWS_ENDPOINT_URL_CLOUDWATCH: cw.endpoint },
    });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.outputs.result).toBe('pass');
    const report = JSON.parse(run.outputs.report);
    // window defaults to 10m in slo-gate's action.yml.
    expect(Date.parse(report.window.end) - Date.parse(report.window.start)).toBe(10 * 60_000);
    expect(run.state.rootCommand).toBe('slo-gate');

    // slo-gate has no post step: the root post finds the command in state and does nothing.
    const post = await runPost('.', run);
    expect(post.code).toBe(0);
    expect(post.errors).toEqual([]);
  });

  it('refuses an unknown command, naming the accepted ones', async () => {
    const run = await runBundle('.', { inputs: { command: 'deploy' } });
    expect(run.code).toBe(1);
    expect(run.errors.join('\n')).toBe('Input "command": "deploy" is not one of build-scan-push | canary-ramp | deploy-stack | rollback | slo-gate | smoke-test.');
  });

  it('passes the action\'s own input errors through', async () => {
    const arn = 'arn:aws:elasticloadbalancing:eu-central-1:123456789012';
    const run = await runBundle('.', {
      inputs: {
        command: 'canary-ramp', router: 'alb', slo: 'p95 < 200ms', steps: '1,25,5,100',
        'listener-arn': `${arn}:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2`,
        'stable-target-group-arn': `${arn}:targetgroup/stable/73e2d6bc24d8a067`,
        'canary-target-group-arn': `${arn}:targetgroup/canary/83e2d6bc24d8a067`,
      },
      // Nothing may be called: point AWS somewhere that cannot answer.
      env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:9' },
    });
    expect(run.code).toBe(1);
    expect(run.errors.join('\n')).toMatch(/Input "steps": 5 after 25 is not increasing/);
  });
});
