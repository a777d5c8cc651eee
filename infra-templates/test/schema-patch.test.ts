/**
 * The cfn-lint schema patch for templates/service.yaml (ECS PAUSE lifecycle hooks) drops itself once
 * cfn-lint's bundled schema has the properties, and is needed exactly as long as stock cfn-lint
 * fails on that hook.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { templatePath } from '../lib/files.js';
import { SCHEMA_PATCHES, bundledSchemas, cfnLintAvailable, patchSchemas, type CfnLintMatch } from '../lib/lint.js';

const haveCfnLint = cfnLintAvailable();
const inCi = process.env.CI === 'true';

/** A minimal AWS::ECS::Service schema as cfn-lint 1.51 bundles it (hooks for Lambda only). */
function oldSchema(): any {
  return {
    definitions: {
      DeploymentLifecycleHook: {
        type: 'object',
        properties: {
          HookTargetArn: { type: 'string' },
          RoleArn: { type: 'string' },
          LifecycleStages: { type: 'array', items: { type: 'string', enum: ['RECONCILE_SERVICE', 'PRE_SCALE_UP', 'POST_SCALE_UP', 'TEST_TRAFFIC_SHIFT', 'POST_TEST_TRAFFIC_SHIFT', 'PRODUCTION_TRAFFIC_SHIFT', 'POST_PRODUCTION_TRAFFIC_SHIFT'] } },
        },
        required: ['HookTargetArn', 'RoleArn', 'LifecycleStages'],
      },
    },
  };
}

describe('the ECS service schema patch', () => {
  const patch = SCHEMA_PATCHES['AWS::ECS::Service'];

  test('a schema without PAUSE hooks is patched, and the patched schema no longer needs it', () => {
    const { patched, current } = patchSchemas({ 'AWS::ECS::Service': oldSchema() });
    expect(current).toEqual([]);
    const hook = patched['AWS::ECS::Service'].definitions.DeploymentLifecycleHook;
    expect(hook.properties.TargetType.enum).toContain('PAUSE');
    expect(hook.properties.LifecycleStages.items.enum).toContain('PRE_PRODUCTION_TRAFFIC_SHIFT');
    expect(hook.required).toEqual(['LifecycleStages']);
    expect(patch.needed(patched['AWS::ECS::Service'])).toBe(false);
  });

  test('a schema that already has them drops the patch: nothing is written for --registry-schemas', () => {
    const { patched: once } = patchSchemas({ 'AWS::ECS::Service': oldSchema() });
    const { patched, current } = patchSchemas({ 'AWS::ECS::Service': once['AWS::ECS::Service'] });
    expect(patched).toEqual({});
    expect(current).toEqual(['AWS::ECS::Service']);
  });

  test('a schema with only part of the change still gets the rest', () => {
    const partial = oldSchema();
    partial.definitions.DeploymentLifecycleHook.properties.TargetType = { type: 'string', enum: ['AWS_LAMBDA', 'PAUSE'] };
    expect(patch.needed(partial)).toBe(true);
    expect(patch.needed(patchSchemas({ 'AWS::ECS::Service': partial }).patched['AWS::ECS::Service'])).toBe(false);
  });

  test.skipIf(!haveCfnLint && !inCi)('the installed cfn-lint: the patch is applied exactly while stock cfn-lint fails on the PAUSE hook', () => {
    const needed = patch.needed(bundledSchemas()['AWS::ECS::Service']);
    const run = spawnSync('cfn-lint', ['--format', 'json', '--regions', 'eu-central-1', '--', templatePath('service')], { encoding: 'utf8', timeout: 170_000 });
    expect(run.status, `cfn-lint did not finish: ${run.error?.message ?? run.signal}`).not.toBeNull();
    const errors = (JSON.parse(run.stdout || '[]') as CfnLintMatch[]).filter((m) => m.Level === 'Error');
    if (needed) {
      expect(errors.length).toBeGreaterThan(0);
      // Every stock error is about the hook the patch describes, nothing else.
      for (const e of errors) expect(e.Message, e.Message).toMatch(/TargetType|TimeoutConfiguration|PRE_PRODUCTION_TRAFFIC_SHIFT|HookTargetArn|RoleArn/);
    } else {
      expect(errors).toEqual([]);
    }
  }, 180_000);
});
