/**
 * The release decisions (scripts/release-plan.ts) from data alone: the changelog section, agreement
 * with package.json, the CI and branch verdicts, and which tags are created, moved or kept.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  changelogSections, ciVerdict, describePlan, nextVersion, onDefaultBranch, parseRemoteTags, parseVersion, planRelease,
  prepareChangelog, releaseSection, type WorkflowRun,
} from './release-plan.js';
import { repoRoot } from '../test/support/harness.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);

const CHANGELOG = `# Changelog

Intro with a [link][kac].

## [Unreleased]

### Fixed

- slo-gate: a thing.

## [1.1.0] - 2026-11-02

### Added

- canary-ramp: another thing.

## [1.0.0] - 2026-10-01

### Added

- Everything.

[kac]: https://keepachangelog.com/en/1.1.0/
[Unreleased]: https://github.com/mesh-actions/mesh-actions/compare/v1.1.0...HEAD
[1.1.0]: https://github.com/mesh-actions/mesh-actions/compare/v1.0.0...v1.1.0
[1.0.0]: https://github.com/mesh-actions/mesh-actions/releases/tag/v1.0.0
`;

const run = (over: Partial<WorkflowRun>): WorkflowRun => ({
  id: 1, head_sha: A, status: 'completed', conclusion: 'success', event: 'push', created_at: '2026-12-01T10:00:00Z', html_url: 'https://github.com/mesh-actions/mesh-actions/actions/runs/1', ...over,
});

describe('versions and the changelog', () => {
  it('accepts X.Y.Z and vX.Y.Z only', () => {
    expect(parseVersion('1.2.3')).toBe('1.2.3');
    expect(parseVersion(' v1.2.3 ')).toBe('1.2.3');
    for (const bad of ['1.2', 'v1', '1.2.3-rc.1', '01.2.3', 'latest', '']) {
      expect(() => parseVersion(bad), bad).toThrow(`version: "${bad}" is not a release version; give X.Y.Z or vX.Y.Z (e.g. 1.4.0)`);
    }
  });

  it('reads the sections, link references excluded', () => {
    const sections = changelogSections(CHANGELOG);
    expect(sections.map((s) => [s.version, s.date])).toEqual([['Unreleased', undefined], ['1.1.0', '2026-11-02'], ['1.0.0', '2026-10-01']]);
    expect(sections[2].body).toBe('### Added\n\n- Everything.');
  });

  it('the released section must exist, be dated, not empty, and be the newest', () => {
    expect(releaseSection(CHANGELOG, '1.1.0').body).toBe('### Added\n\n- canary-ramp: another thing.');
    expect(() => releaseSection(CHANGELOG, '1.2.0')).toThrow('CHANGELOG.md has no "## [1.2.0] - YYYY-MM-DD" section');
    expect(() => releaseSection(CHANGELOG, '1.0.0')).toThrow('the newest release listed is 1.1.0, not 1.0.0');
    expect(() => releaseSection('## [1.0.0]\n\n- x\n', '1.0.0')).toThrow('"## [1.0.0]" needs a date');
    expect(() => releaseSection('## [1.0.0] - 2026-01-01\n\n## [0.9.0] - 2025-01-01\n- y\n', '1.0.0')).toThrow('"## [1.0.0]" is empty');
  });

  it('the next version comes from the newest release and the bump', () => {
    expect(nextVersion(CHANGELOG, 'patch')).toBe('1.1.1');
    expect(nextVersion(CHANGELOG, 'minor')).toBe('1.2.0');
    expect(nextVersion(CHANGELOG, 'major')).toBe('2.0.0');
    expect(nextVersion(CHANGELOG, '1.4.0')).toBe('1.4.0');
    expect(nextVersion('# Changelog\n\n## [Unreleased]\n- a\n', 'major')).toBe('1.0.0');
    expect(() => nextVersion(CHANGELOG, '1.1.0')).toThrow('prepare: 1.1.0 is not above the newest release in CHANGELOG.md (1.1.0)');
  });

  it('prepare moves [Unreleased] into the release and rewrites the links', () => {
    const out = prepareChangelog(CHANGELOG, '1.1.1', '2026-12-06', 'mesh-actions/mesh-actions');
    expect(out).toContain('## [Unreleased]\n\n## [1.1.1] - 2026-12-06\n\n### Fixed\n\n- slo-gate: a thing.\n\n## [1.1.0] - 2026-11-02');
    expect(out.endsWith([
      '[Unreleased]: https://github.com/mesh-actions/mesh-actions/compare/v1.1.1...HEAD',
      '[1.1.1]: https://github.com/mesh-actions/mesh-actions/compare/v1.1.0...v1.1.1',
      '[kac]: https://keepachangelog.com/en/1.1.0/',
      '[1.1.0]: https://github.com/mesh-actions/mesh-actions/compare/v1.0.0...v1.1.0',
      '[1.0.0]: https://github.com/mesh-actions/mesh-actions/releases/tag/v1.0.0',
      '',
    ].join('\n'))).toBe(true);
    // The result is itself releasable as 1.1.1.
    expect(releaseSection(out, '1.1.1').body).toBe('### Fixed\n\n- slo-gate: a thing.');
    expect(() => prepareChangelog(out, '1.1.2', '2026-12-07', 'mesh-actions/mesh-actions')).toThrow('"## [Unreleased]" is empty');
    expect(() => prepareChangelog(CHANGELOG, '1.1.1', '6.12.2026', 'x/y')).toThrow('date: "6.12.2026" is not YYYY-MM-DD');
  });

  it('the repository\'s CHANGELOG.md releases what package.json says', () => {
    const changelog = readFileSync(join(repoRoot, 'CHANGELOG.md'), 'utf8');
    const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
    expect(releaseSection(changelog, version).body).toContain('### Added');
  });
});

describe('CI and branch verdicts', () => {
  it('the newest CI run on the commit must have passed', () => {
    expect(ciVerdict({ workflow_runs: [run({})] }, A)).toBe(`CI passed on ${A.slice(0, 12)} (push, https://github.com/mesh-actions/mesh-actions/actions/runs/1)`);
    expect(() => ciVerdict({ workflow_runs: [] }, A)).toThrow(`CI has not run on ${A}`);
    expect(() => ciVerdict({ workflow_runs: [run({ head_sha: B })] }, A)).toThrow(`CI has not run on ${A}`);
    expect(() => ciVerdict({ workflow_runs: [run({ status: 'in_progress', conclusion: null })] }, A)).toThrow('CI is still in_progress');
    // An older success does not outweigh a newer failure.
    const runs = [run({ id: 1 }), run({ id: 2, conclusion: 'failure', created_at: '2026-12-01T11:00:00Z', html_url: 'u2' })];
    expect(() => ciVerdict({ workflow_runs: runs }, A)).toThrow(`CI concluded "failure" on ${A} (u2)`);
  });

  it('the commit must be on the default branch', () => {
    expect(onDefaultBranch({ status: 'behind' }, A, 'main')).toBe(`${A.slice(0, 12)} is on main`);
    expect(onDefaultBranch({ status: 'identical' }, A, 'main')).toBe(`${A.slice(0, 12)} is on main`);
    expect(() => onDefaultBranch({ status: 'ahead' }, A, 'main')).toThrow(`${A} is not on main (compare: ahead)`);
    expect(() => onDefaultBranch({ status: 'diverged' }, A, 'main')).toThrow('release only merged commits');
  });
});

describe('tags', () => {
  const base = { version: '1.1.0', sha: A, packageVersion: '1.1.0', changelog: CHANGELOG };

  it('reads ls-remote, annotated tags peeled', () => {
    const tags = parseRemoteTags(`${B}\trefs/tags/v1.0.0\n${C}\trefs/tags/v1.0.0^{}\n${C}\trefs/tags/v1\n`);
    expect([...tags]).toEqual([['v1.0.0', C], ['v1', C]]);
    const held = parseRemoteTags(`${B}\trefs/tags/v1.0.0\n${C}\trefs/tags/v1.0.0^{}\n`, { peel: false });
    expect([...held]).toEqual([['v1.0.0', B]]);
  });

  it('a first release creates vX.Y.Z and vX', () => {
    const plan = planRelease({ ...base, remoteTags: new Map() });
    expect(plan.tags).toEqual([
      { tag: 'v1.1.0', sha: A, from: undefined, action: 'create', annotated: true },
      { tag: 'v1', sha: A, from: undefined, action: 'create', annotated: false },
    ]);
    expect(plan.notes).toBe('### Added\n\n- canary-ramp: another thing.');
  });

  it('the next release moves vX; a re-run keeps what is in place', () => {
    const moved = planRelease({ ...base, remoteTags: new Map([['v1.0.0', B], ['v1', B]]) });
    expect(moved.tags.map((t) => [t.tag, t.action, t.from])).toEqual([['v1.1.0', 'create', undefined], ['v1', 'move', B]]);
    const rerun = planRelease({ ...base, remoteTags: new Map([['v1.0.0', B], ['v1.1.0', A], ['v1', A]]) });
    expect(rerun.tags.map((t) => t.action)).toEqual(['keep', 'keep']);
    // A tag push: vX.Y.Z is there already, vX still to move.
    const pushed = planRelease({ ...base, remoteTags: new Map([['v1.1.0', A], ['v1', B]]) });
    expect(pushed.tags.map((t) => t.action)).toEqual(['keep', 'move']);
  });

  it('a patch on an older line leaves vX on the newer release', () => {
    const changelog = '## [1.0.1] - 2026-12-01\n\n### Fixed\n\n- x\n';
    const plan = planRelease({ version: '1.0.1', sha: A, packageVersion: '1.0.1', changelog, remoteTags: new Map([['v1.1.0', B], ['v1', B], ['v2.0.0', C]]) });
    expect(plan.tags[1]).toEqual({ tag: 'v1', sha: B, from: B, action: 'keep', annotated: false });
    expect(plan.checks).toContain('v1 stays where it is: v1.1.0 is newer than v1.0.1');
  });

  it('stops on a mismatch, before anything is written', () => {
    expect(() => planRelease({ ...base, packageVersion: '1.0.0', remoteTags: new Map() })).toThrow('package.json says 1.0.0, the release is 1.1.0');
    expect(() => planRelease({ ...base, remoteTags: new Map([['v1.1.0', B]]) })).toThrow(`v1.1.0 already points at ${B}, not ${A}; a released version is never moved`);
    expect(() => planRelease({ ...base, sha: 'abc' , remoteTags: new Map() })).toThrow('sha: "abc" is not a full commit SHA');
    expect(() => planRelease({ ...base, version: '1.1', remoteTags: new Map() })).toThrow('version: "1.1" is not a release version');
  });

  it('describes the plan', () => {
    const text = describePlan(planRelease({ ...base, remoteTags: new Map([['v1', B]]), checks: ['CI passed'] }), 'mesh-actions/mesh-actions');
    expect(text).toBe([
      `release v1.1.0 of mesh-actions/mesh-actions at ${A}`,
      '  ✓ CI passed',
      '  ✓ package.json is 1.1.0',
      '  ✓ CHANGELOG.md has [1.1.0] - 2026-11-02',
      'tags:',
      `  create v1.1.0 → ${A.slice(0, 12)} (annotated tag)`,
      `  move   v1 ${B.slice(0, 12)} → ${A.slice(0, 12)} (plain tag)`,
      'GitHub release v1.1.0 ("v1.1.0"), notes from CHANGELOG.md:',
      '  | ### Added',
      '  |',
      '  | - canary-ramp: another thing.',
    ].join('\n'));
  });
});
