// test/support/requires.ts: a test needing a missing tool is skipped and the run names the tool and
// how to get it; with CI set the file fails instead. Checked on a real vitest run of a probe file,
// whose report .ci/vitest-summary.mjs (CI's closing line) then turns into a failing exit code.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { commands, inCi, missingMessage, onPath, requires, tool } from './requires.js';
import { repoRoot } from './harness.js';
import { summarize } from '../../.ci/vitest-summary.mjs';

describe('requires', () => {
  it('hands back the real describe/it, silently, when everything is present', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const gate = requires('sh tests', [{ name: 'sh', present: onPath('sh'), install: 'apt-get install dash' }], {});
      expect(gate.available).toBe(true);
      expect(gate.missing).toEqual([]);
      expect(gate.describe).toBe(describe);
      expect(gate.it).toBe(it);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  it('names each missing tool with how to install it', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const gate = requires('the registry tests', [
        { name: 'skopeo', present: true, install: 'apt-get install skopeo' },
        { name: 'docker-registry', present: false, install: 'apt-get install docker-registry' },
        { name: 'htpasswd', present: false, install: 'apt-get install apache2-utils' },
      ], {});
      expect(gate.available).toBe(false);
      expect(gate.missing.map((m) => m.name)).toEqual(['docker-registry', 'htpasswd']);
      expect(warn).toHaveBeenCalledWith(
        'skipped: the registry tests needs docker-registry (apt-get install docker-registry) and htpasswd (apt-get install apache2-utils)',
      );
    } finally {
      warn.mockRestore();
    }
  });

  it('fails instead of skipping in CI', () => {
    const missing = [{ name: 'buildah', present: false, install: 'apt-get install buildah' }];
    expect(() => requires('the image tests', missing, { CI: 'true' })).toThrow(
      'the image tests needs buildah (apt-get install buildah). CI runs every test: install it (nothing may be skipped there).',
    );
    expect(() => requires('the image tests', missing, { CI: '1' })).toThrow(/needs buildah/);
  });

  it('reads CI as GitHub and other CIs set it', () => {
    expect(inCi({ CI: 'true' })).toBe(true);
    expect(inCi({ CI: '1' })).toBe(true);
    expect(inCi({ CI: 'false' })).toBe(false);
    expect(inCi({ CI: '' })).toBe(false);
    expect(inCi({})).toBe(false);
  });

  it('knows how to install every tool the tests ask for, and refuses one it does not know', () => {
    for (const t of commands('buildah', 'skopeo', 'docker-registry', 'htpasswd', 'cfn-lint')) expect(t.install).toMatch(/\.ci\/setup\.d\/\S+\.sh/);
    expect(tool('buildah', false)).toEqual({ name: 'buildah', present: false, install: 'apt-get install buildah, or bash .ci/setup.d/containers.sh' });
    expect(() => tool('kubectl')).toThrow(/no install hint for "kubectl"/);
    expect(missingMessage('x', [{ name: 'a', present: false, install: 'b' }])).toBe('x needs a (b)');
  });
});

describe('requires in a real vitest run', () => {
  mkdirSync(join(repoRoot, '.tmp'), { recursive: true });
  const dir = mkdtempSync(join(repoRoot, '.tmp', 'requires-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'vitest.config.mjs'), 'export default {};\n');
  writeFileSync(join(dir, 'probe.test.ts'), [
    `import { requires } from ${JSON.stringify(join(repoRoot, 'test/support/requires.ts'))};`,
    `const gate = requires('the probe', [{ name: 'no-such-tool', present: false, install: 'apt-get install no-such-tool' }]);`,
    `gate.describe('needs the tool', () => { gate.it('runs only with it', () => { throw new Error('ran'); }); });`,
    '',
  ].join('\n'));
  // This worker's own VITEST_* variables would make the inner run think it is a worker.
  const outer = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST')));
  const vitest = (env: Record<string, string | undefined>) =>
    spawnSync(join(repoRoot, 'node_modules/.bin/vitest'), ['run', '--reporter=default', '--reporter=json', '--outputFile.json=report.json'], {
      cwd: dir, encoding: 'utf8', timeout: 60_000, env: { ...outer, NO_COLOR: '1', ...env },
    });

  it('skips on a developer machine and says which tool is missing and how to get it', () => {
    const run = vitest({ CI: undefined });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout + run.stderr).toContain('skipped: the probe needs no-such-tool (apt-get install no-such-tool)');
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    expect([report.numPassedTests, report.numFailedTests, report.numPendingTests]).toEqual([0, 0, 1]);
    // CI's summary fails the run on the skipped test and names it.
    expect(summarize(report, dir)).toEqual({
      lines: ['not run (CI runs every test): probe.test.ts: needs the tool runs only with it', 'vitest: 0 passed, 0 failed, 1 skipped'],
      exitCode: 3,
    });
  });

  it('fails the file with CI=true, running nothing', () => {
    const run = vitest({ CI: 'true' });
    expect(run.status).not.toBe(0);
    expect(run.stdout + run.stderr).toContain('the probe needs no-such-tool (apt-get install no-such-tool). CI runs every test');
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    expect([report.numPassedTests, report.numPendingTests, report.numFailedTestSuites]).toEqual([0, 0, 1]);
    // No test failed, so CI's summary names the file (vitest's own exit code fails the run).
    const { lines } = summarize(report, dir);
    expect(lines[0]).toMatch(/^failed to run: probe\.test\.ts: .*the probe needs no-such-tool/);
    expect(lines.at(-1)).toBe('vitest: 0 passed, 0 failed, 0 skipped');
  });
});
