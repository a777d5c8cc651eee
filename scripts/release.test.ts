/**
 * scripts/release.ts against a throwaway repository and a local bare "origin": the dry run prints the
 * plan and writes nothing; publishing writes vX.Y.Z (annotated) and vX in one push, is a no-op when
 * re-run, refuses without the CI and branch answers, and stops on a mismatch with nothing written;
 * prepare produces the next releasable version. No GitHub involved.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, parseArgs, publishPlan, writeTags } from './release.js';
import { parseRemoteTags } from './release-plan.js';
import { repoRoot } from '../test/support/harness.js';

let dir: string;
let work: string;
let origin: string;
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=Release Test', '-c', 'user.email=release@example.com', ...args], { cwd, encoding: 'utf8' }).trim();
const remoteTags = () => parseRemoteTags(git(work, 'ls-remote', '--tags', 'origin'));
const head = () => git(work, 'rev-parse', 'HEAD');

function publish(...args: string[]) {
  const lines: string[] = [];
  main(['publish', '--repo', work, ...args], (l) => lines.push(l));
  return lines.join('\n');
}

function apiAnswers(sha: string, conclusion = 'success') {
  const runs = join(dir, `runs-${conclusion}.json`);
  writeFileSync(runs, JSON.stringify({ total_count: 1, workflow_runs: [{ id: 7, head_sha: sha, status: 'completed', conclusion, event: 'push', created_at: '2026-12-06T10:00:00Z', html_url: 'https://github.com/mesh-actions/mesh-actions/actions/runs/7' }] }));
  const compare = join(dir, 'compare.json');
  writeFileSync(compare, JSON.stringify({ status: 'behind' }));
  return ['--ci-runs', runs, '--compare', compare, '--branch', 'main'];
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mesh-release-'));
  work = join(dir, 'work');
  origin = join(dir, 'origin.git');
  git(dir, 'init', '--quiet', '--bare', origin);
  git(dir, 'init', '--quiet', '-b', 'main', work);
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  writeFileSync(join(work, 'package.json'), `${JSON.stringify({ name: pkg.name, version: pkg.version, repository: pkg.repository }, null, 2)}\n`);
  writeFileSync(join(work, 'package-lock.json'), `${JSON.stringify({ name: pkg.name, version: pkg.version, lockfileVersion: 3, packages: { '': { name: pkg.name, version: pkg.version } } }, null, 2)}\n`);
  writeFileSync(join(work, 'CHANGELOG.md'), readFileSync(join(repoRoot, 'CHANGELOG.md'), 'utf8'));
  git(work, 'add', '.');
  git(work, 'commit', '--quiet', '-m', 'first');
  git(work, 'remote', 'add', 'origin', origin);
  git(work, 'push', '--quiet', 'origin', 'main');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('release publish', () => {
  it('the dry run for 1.0.0 prints the tags and the notes, and writes nothing', () => {
    const out = publish('--version', '1.0.0', '--sha', 'HEAD', '--dry-run', ...apiAnswers(head()));
    const sha = head();
    expect(out).toContain(`release v1.0.0 of mesh-actions/mesh-actions at ${sha}`);
    expect(out).toContain(`  ✓ CI passed on ${sha.slice(0, 12)} (push, https://github.com/mesh-actions/mesh-actions/actions/runs/7)`);
    expect(out).toContain(`  ✓ ${sha.slice(0, 12)} is on main`);
    expect(out).toContain(`tags:\n  create v1.0.0 → ${sha.slice(0, 12)} (annotated tag)\n  create v1 → ${sha.slice(0, 12)} (plain tag)`);
    expect(out).toContain('  | ### Added');
    expect(out).toContain('  | - **slo-gate**: judges a release against SLOs');
    expect(out.endsWith('dry run: nothing written')).toBe(true);
    expect(remoteTags().size).toBe(0);
    expect(git(work, 'tag', '--list')).toBe('');
  });

  it('refuses to publish without the CI and branch answers', () => {
    expect(() => publish('--version', '1.0.0', '--sha', 'HEAD')).toThrow('publish: --ci-runs and --compare are required to publish');
    expect(remoteTags().size).toBe(0);
  });

  it('refuses a commit whose CI failed', () => {
    expect(() => publish('--version', '1.0.0', '--sha', 'HEAD', ...apiAnswers(head(), 'failure'))).toThrow('CI concluded "failure"');
    expect(remoteTags().size).toBe(0);
  });

  it('writes v1.0.0 (annotated) and v1, writes the notes and the step outputs; a re-run changes nothing', () => {
    const sha = head();
    const notes = join(dir, 'notes.md');
    const outputs = join(dir, 'github-output');
    writeFileSync(outputs, '');
    process.env.GITHUB_OUTPUT = outputs;
    try {
      const out = publish('--version', 'v1.0.0', '--sha', sha, '--notes-out', notes, ...apiAnswers(sha));
      expect(out.endsWith('pushed v1.0.0, v1 to origin')).toBe(true);
    } finally {
      delete process.env.GITHUB_OUTPUT;
    }
    expect(remoteTags()).toEqual(new Map([['v1', sha], ['v1.0.0', sha]]));
    expect(git(origin, 'cat-file', '-t', 'v1.0.0')).toBe('tag');
    expect(git(origin, 'cat-file', '-t', 'v1')).toBe('commit');
    expect(readFileSync(notes, 'utf8')).toMatch(/^The first release: GitHub Actions/);
    expect(readFileSync(outputs, 'utf8')).toBe(`version=1.0.0\ntag=v1.0.0\nmajor-tag=v1\nsha=${sha}\n`);

    const again = publish('--version', '1.0.0', '--sha', sha, ...apiAnswers(sha));
    expect(again).toContain(`  keep   v1.0.0 at ${sha.slice(0, 12)} (already there)`);
    expect(again.endsWith('tags already in place: nothing to push')).toBe(true);
  });

  it('prepare makes the next version; publishing it moves v1 and leaves v1.0.0', () => {
    const first = head();
    writeFileSync(join(work, 'CHANGELOG.md'), readFileSync(join(work, 'CHANGELOG.md'), 'utf8').replace('## [Unreleased]\n', '## [Unreleased]\n\n### Fixed\n\n- rollback: a fix.\n'));
    const lines: string[] = [];
    main(['prepare', 'minor', '--date', '2026-12-24', '--repo', work], (l) => lines.push(l));
    expect(lines[0]).toBe('prepare 1.1.0 (2026-12-24): CHANGELOG.md [Unreleased] → [1.1.0], package.json version 1.1.0');
    expect(JSON.parse(readFileSync(join(work, 'package.json'), 'utf8')).version).toBe('1.1.0');
    expect(JSON.parse(readFileSync(join(work, 'package-lock.json'), 'utf8')).packages[''].version).toBe('1.1.0');
    git(work, 'commit', '--quiet', '-am', 'Release 1.1.0');
    const second = head();

    // Released from the commit, not the work tree: an older commit says 1.0.0.
    expect(() => publish('--version', '1.1.0', '--sha', first, ...apiAnswers(first))).toThrow('package.json says 1.0.0, the release is 1.1.0');
    const out = publish('--version', '1.1.0', '--sha', second, ...apiAnswers(second));
    expect(out).toContain(`  move   v1 ${first.slice(0, 12)} → ${second.slice(0, 12)} (plain tag)`);
    expect(out).toContain('  | - rollback: a fix.');
    expect(remoteTags()).toEqual(new Map([['v1', second], ['v1.0.0', first], ['v1.1.0', second]]));
  });

  it('a released version is never moved, and nothing is written', () => {
    const sha = head();
    expect(() => publish('--version', '1.0.0', '--sha', sha, ...apiAnswers(sha))).toThrow('package.json says 1.1.0, the release is 1.0.0');
    const before = remoteTags();
    git(work, 'commit', '--quiet', '--allow-empty', '-m', 'later');
    expect(() => publish('--version', '1.1.0', '--sha', 'HEAD', ...apiAnswers(head()))).toThrow(`v1.1.0 already points at ${sha}, not ${head()}`);
    expect(remoteTags()).toEqual(before);
  });

  it('stops when a tag moves between the plan and the push, writing nothing', () => {
    git(work, 'commit', '--quiet', '--allow-empty', '-m', 'Release 1.2.0 (no changes)');
    writeFileSync(join(work, 'package.json'), readFileSync(join(work, 'package.json'), 'utf8').replace('"version": "1.1.0"', '"version": "1.2.0"'));
    writeFileSync(join(work, 'CHANGELOG.md'), readFileSync(join(work, 'CHANGELOG.md'), 'utf8').replace('## [Unreleased]\n', '## [Unreleased]\n\n## [1.2.0] - 2026-12-30\n\n### Changed\n\n- deploy-stack: a change.\n'));
    git(work, 'commit', '--quiet', '-am', 'Release 1.2.0');
    const sha = head();
    const opts = parseArgs(['publish', '--repo', work, '--version', '1.2.0', '--sha', sha, ...apiAnswers(sha)]);
    const { plan } = publishPlan(opts);
    const before = remoteTags();
    // Someone else moves v1 meanwhile, to an annotated tag.
    git(work, 'tag', '--annotate', '--message', 'elsewhere', 'v1-elsewhere', 'HEAD~1');
    git(work, 'push', '--quiet', '--force', 'origin', 'refs/tags/v1-elsewhere:refs/tags/v1');
    const moved = remoteTags();
    expect(moved.get('v1')).toBe(git(work, 'rev-parse', 'HEAD~1'));
    expect(() => writeTags(opts, plan, () => {})).toThrow(`v1 changed on origin while releasing (${before.get('v1')} → ${moved.get('v1')}); nothing written`);
    expect(remoteTags()).toEqual(moved);
    // Planned again, the release moves the annotated v1 (the lease names its tag object).
    const out = publish('--version', '1.2.0', '--sha', sha, ...apiAnswers(sha));
    expect(out.endsWith('pushed v1.2.0, v1 to origin')).toBe(true);
    expect(remoteTags().get('v1')).toBe(sha);
    expect(remoteTags().get('v1.2.0')).toBe(sha);
  });

  it('the command line reports bad input in one line and exits 1', () => {
    const tsx = join(repoRoot, 'node_modules/.bin/tsx');
    const res = spawnSync(tsx, [join(repoRoot, 'scripts/release.ts'), 'publish', '--repo', work, '--version', '1.x', '--sha', 'HEAD', '--dry-run'], { encoding: 'utf8' });
    expect(res.status).toBe(1);
    expect(res.stderr.trim()).toBe('release: version: "1.x" is not a release version; give X.Y.Z or vX.Y.Z (e.g. 1.4.0)');
    const unknown = spawnSync(tsx, [join(repoRoot, 'scripts/release.ts'), 'publish', '--force'], { encoding: 'utf8' });
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('release: unknown option --force');
  });
});
