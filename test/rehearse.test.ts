/** The README's main job must keep working: `npm run rehearse` end to end, as a user runs it. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './support/harness.js';

describe('npm run rehearse', () => {
  it('builds and pushes the auth image, deploys, gates, promotes a healthy canary, rolls back a failing one', () => {
    const run = spawnSync(process.execPath, [join(repoRoot, 'node_modules/tsx/dist/cli.mjs'), 'scripts/rehearse.ts'], {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 240_000,
    });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('Rehearsal passed: 8 stages.');
    // CI installs buildah and docker-registry (.ci/setup.d/containers.sh): there the image is really built.
    const build = run.stdout.split('\n').find((l) => l.startsWith('| build-scan-push: auth image → local registry |'));
    if (process.env.CI) expect(build).toMatch(/\| pushed \| pushed \|/);
    else expect(build).toMatch(/\| (pushed \| pushed|skipped \| skipped) \|/);
    for (const row of [
      '| deploy-stack: create the ramp stack | created | created |',
      '| deploy-stack: deploy again, no changes | no changes | no changes |',
      '| slo-gate: healthy canary vs stable | pass | pass |',
      '| canary-ramp: healthy canary, steps 10,50,100 | promoted | promoted |',
      '| rollback: to stable | stable 100 % | stable 100 % |',
      '| canary-ramp: failing canary, steps 10,50,100 | rolled-back | rolled-back |',
      '| slo-gate: idle canary vs stable | inconclusive | inconclusive |',
    ]) expect(run.stdout).toContain(row);
  }, 300_000);
});
