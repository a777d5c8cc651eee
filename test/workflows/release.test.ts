/**
 * The release workflow's guarantees, read from .github/workflows/release.yml: who may write what,
 * which checks gate the tags, pinned third-party actions, no expression in a shell script; and
 * dependabot keeping npm and the action pins current.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/harness.js';

const read = (file: string) => readFileSync(join(repoRoot, file), 'utf8');
const text = read('.github/workflows/release.yml');
const wf = YAML.parse(text);
type Step = { uses?: string; run?: string; with?: Record<string, string>; env?: Record<string, string> };
const steps = (job: string): Step[] => wf.jobs[job].steps;

describe('release.yml', () => {
  it('runs on a dispatch with the version, or on a pushed vX.Y.Z tag', () => {
    expect(wf.on.workflow_dispatch.inputs.version).toMatchObject({ required: true, type: 'string' });
    expect(wf.on.push).toEqual({ tags: ['v*.*.*'] });
    expect(wf.concurrency).toEqual({ group: 'release', 'cancel-in-progress': false });
  });

  it('grants permissions per job: contents: write only where tags are written, attestation rights only to attest', () => {
    expect(wf.permissions).toEqual({});
    expect(wf.jobs.verify.permissions).toEqual({ contents: 'read', actions: 'read' });
    expect(wf.jobs.attest.permissions).toEqual({ contents: 'read', 'id-token': 'write', attestations: 'write' });
    expect(wf.jobs.release.permissions).toEqual({ contents: 'write', actions: 'read' });
    const writers = Object.entries<{ permissions: Record<string, string> }>(wf.jobs).filter(([, job]) => job.permissions.contents === 'write');
    expect(writers.map(([id]) => id)).toEqual(['release']);
  });

  it('tags only after verify (CI, branch, versions, check-dist) and attest', () => {
    expect(wf.jobs.attest.needs).toBe('verify');
    expect(wf.jobs.release.needs).toEqual(['verify', 'attest']);
    const verify = steps('verify').map((s) => s.run ?? '').join('\n');
    expect(verify).toContain('actions/workflows/ci.yml/runs?head_sha=$SHA');
    expect(verify).toContain('compare/$DEFAULT_BRANCH...$SHA');
    expect(verify).toMatch(/npm run -s release -- publish --dry-run .*--ci-runs .*--compare/s);
    expect(verify).toContain('npm run check-dist');
    const write = steps('release').map((s) => s.run ?? '').join('\n');
    expect(write).toMatch(/scripts\/release\.ts publish --version "\$VERSION" --sha "\$SHA"/);
    expect(write).not.toContain('--dry-run');
    expect(write).toContain('gh release create "$TAG" --repo "$REPO" --verify-tag');
    // Every job checks out the verified commit, without leaving a token in .git/config.
    for (const job of ['attest', 'release']) {
      expect(steps(job)[0].with).toEqual({ ref: '${{ needs.verify.outputs.sha }}', 'persist-credentials': false });
    }
  });

  it('attests the bundles every uses: form runs', () => {
    const attest = steps('attest').find((s) => s.uses?.startsWith('actions/attest-build-provenance@'))!;
    expect(attest.with!['subject-path'].trim().split('\n')).toEqual(['dist/*.js']);
  });

  it('pins every third-party action by commit SHA with its version as a comment', () => {
    const uses = [...text.matchAll(/^\s*(?:- )?uses:\s*(\S+)(.*)$/gm)];
    expect(uses.length).toBeGreaterThan(0);
    for (const [, ref, rest] of uses) {
      expect(ref, ref).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
      expect(rest, ref).toMatch(/^ # v\d+\.\d+\.\d+$/);
    }
  });

  it('passes inputs and event data to scripts only through env:', () => {
    for (const job of Object.keys(wf.jobs)) {
      for (const s of steps(job)) if (s.run) expect(s.run, `${job}: ${s.run}`).not.toContain('${{');
    }
  });
});

describe('dependabot', () => {
  const config = YAML.parse(read('.github/dependabot.yml'));
  const npm = config.updates.find((u: { 'package-ecosystem': string }) => u['package-ecosystem'] === 'npm');
  const actions = config.updates.find((u: { 'package-ecosystem': string }) => u['package-ecosystem'] === 'github-actions');
  const glob = (pattern: string) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);

  it('groups every AWS SDK client in one pull request, majors apart', () => {
    const pkg = JSON.parse(read('package.json'));
    const sdk = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).filter((d) => d.startsWith('@aws-sdk/client-'));
    expect(sdk.length).toBeGreaterThan(5);
    const groups = Object.entries<{ patterns: string[]; 'update-types'?: string[] }>(npm.groups);
    for (const dep of sdk) {
      const matching = groups.filter(([, g]) => g.patterns.some((p) => glob(p).test(dep)));
      expect(matching.map(([name]) => name), dep).toEqual(['aws-sdk']);
    }
    expect(npm.groups['aws-sdk']['update-types']).toEqual(['minor', 'patch']);
  });

  it('keeps the action pins current wherever workflows are', () => {
    expect(actions.directories).toEqual(['/', '/workflows']);
    expect(actions.groups['github-actions']['update-types']).not.toContain('major');
  });
});
