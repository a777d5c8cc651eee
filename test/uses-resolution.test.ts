/**
 * Every `uses:` of this repository that a document shows (README.md, the action READMEs, runbooks,
 * the starters in workflows/, the reusable workflows) resolves as the runner would: to a committed
 * action.yml whose pre/main/post files are committed, or to a callable workflow. Both forms of each
 * action (`<repo>/<name>@v1` and `<repo>/actions/<name>@v1`) run the same bundle, and a renamed
 * bundle or folder is caught.
 */
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './support/harness.js';
import {
  documents, fileMap, gitFiles, misplacedUses, resolveUses, usesIn, withChanges,
  type RepoFiles, type Resolved, type UsesRef,
} from './support/uses-resolution.js';

const repo = gitFiles(repoRoot);
const pkg = JSON.parse(repo.read('package.json'));
const slug = /github\.com\/([^/]+\/[^/.]+)/.exec(pkg.repository.url)![1];
const opts = { slug, major: semver.major(pkg.version) };
const ACTIONS = ['build-scan-push', 'canary-ramp', 'deploy-stack', 'rollback', 'slo-gate'];

const step = (uses: string, at = 'test'): UsesRef => ({ uses, kind: 'action', at, localIsCaller: false });
const resolve = (uses: string, files: RepoFiles = repo) => resolveUses(step(uses), files, opts);

function resolveAll(files: RepoFiles) {
  const resolved: Resolved[] = [];
  const errors: string[] = [];
  for (const file of documents(files)) {
    for (const ref of usesIn(file, files.read(file))) {
      try {
        const r = resolveUses(ref, files, opts);
        if (r) resolved.push(r);
      } catch (err) {
        errors.push((err as Error).message);
      }
    }
  }
  return { resolved, errors };
}

describe('documented uses: of this repository', () => {
  const { resolved, errors } = resolveAll(repo);

  it('each resolves to a committed action.yml with committed runs files, or a callable workflow', () => {
    expect(errors).toEqual([]);
    expect(resolved.length).toBeGreaterThan(0);
    for (const r of resolved) {
      expect(repo.has(r.target), r.target).toBe(true);
      if (r.target.endsWith('action.yml')) expect(r.runs.length, `${r.at} ${r.uses}`).toBeGreaterThan(0);
    }
  });

  it('the README leads with the short form of every action and mentions the long form and the root action', () => {
    const readme = resolved.filter((r) => r.at.startsWith('README.md:'));
    const forms = readme.map((r) => r.uses.replace(/@.*$/, ''));
    for (const name of ACTIONS) {
      expect(forms, name).toContain(`${slug}/${name}`);
      const short = forms.indexOf(`${slug}/${name}`);
      const long = forms.indexOf(`${slug}/actions/${name}`);
      if (long !== -1) expect(short, `${name}: short form first`).toBeLessThan(long);
    }
    expect(forms.some((f) => f.startsWith(`${slug}/actions/`)), 'long form mentioned').toBe(true);
    expect(forms).toContain(slug);
  });

  it('the starters and the reusable workflows call only workflows that exist and are callable', () => {
    const calls = resolved.filter((r) => r.target.startsWith('.github/workflows/'));
    expect(calls.map((r) => r.target)).toEqual(expect.arrayContaining(['.github/workflows/deploy-service.yml', '.github/workflows/rollback.yml']));
    const misplaced = documents(repo)
      .filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'))
      .flatMap((f) => misplacedUses(f, repo.read(f)));
    expect(misplaced).toEqual([]);
  });
});

describe('both forms of an action run the same files', () => {
  it.each(ACTIONS)('%s', (name) => {
    const short = resolve(`${slug}/${name}@v${opts.major}`)!;
    const long = resolve(`${slug}/actions/${name}@v${opts.major}`)!;
    expect(short.target).toBe(`${name}/action.yml`);
    expect(long.target).toBe(`actions/${name}/action.yml`);
    expect(short.runs).toEqual(long.runs);
    expect(short.runs).toEqual([`dist/${name}.js`]);
  });

  it('the root action runs the dispatcher', () => {
    expect(resolve(`${slug}@v${opts.major}`)!.runs).toEqual(['dist/index.js']);
  });
});

describe('a rename the documents do not follow fails', () => {
  it('a renamed bundle', () => {
    const renamed = withChanges(repo, { 'dist/canary-ramp.js': 'dist/ramp.js' });
    expect(() => resolve(`${slug}/canary-ramp@v1`, renamed)).toThrow(
      'test: uses: mesh-actions/mesh-actions/canary-ramp@v1: canary-ramp/action.yml: runs.main ../dist/canary-ramp.js → dist/canary-ramp.js does not exist',
    );
    expect(() => resolve(`${slug}/actions/canary-ramp@v1`, renamed)).toThrow('actions/canary-ramp/action.yml: runs.main ../../dist/canary-ramp.js → dist/canary-ramp.js does not exist');
    // …and the whole-repository check reports every document that shows it.
    const { errors } = resolveAll(renamed);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((e) => e.includes('canary-ramp'))).toBe(true);
  });

  it('a renamed action folder', () => {
    const renamed = withChanges(repo, { 'actions/canary-ramp': 'actions/ramp' });
    expect(() => resolve(`${slug}/actions/canary-ramp@v1`, renamed)).toThrow('actions/canary-ramp has no action.yml');
    // The short form still runs the old entry until npm run build regenerates it (and check-dist
    // and lint refuse the renamed action's runs paths, which name the old entry).
    expect(resolve(`${slug}/canary-ramp@v1`, renamed)!.runs).toEqual(['dist/canary-ramp.js']);
  });

  it('a removed short form', () => {
    const removed = withChanges(repo, { 'slo-gate': null });
    expect(() => resolve(`${slug}/slo-gate@v1`, removed)).toThrow('slo-gate has no action.yml');
    expect(resolveAll(removed).errors.some((e) => e.startsWith('README.md:'))).toBe(true);
  });

  it('a renamed reusable workflow', () => {
    const renamed = withChanges(repo, { '.github/workflows/deploy-service.yml': '.github/workflows/deploy.yml' });
    expect(resolveAll(renamed).errors).toContainEqual(expect.stringMatching(
      /^workflows\/deploy-service\.yml:\d+: uses: mesh-actions\/mesh-actions\/\.github\/workflows\/deploy-service\.yml@v1: \.github\/workflows\/deploy-service\.yml does not exist$/,
    ));
  });
});

describe('the resolver, on references the runner would reject', () => {
  const files = fileMap(new Map([
    ['a/action.yml', 'name: a\nruns:\n  using: node24\n  main: ../lib/a.js\n  post: ../lib/gone.js\n'],
    ['b/action.yml', 'name: b\nruns:\n  using: node24\n  main: ../../outside.js\n'],
    ['c/action.yml', 'name: c\nruns:\n  using: docker\n  image: Dockerfile\n'],
    ['d/action.yml', 'name: d\nruns:\n  using: composite\n  steps:\n    - uses: mesh-actions/mesh-actions/a@v1\n    - uses: actions/cache@v4\n'],
    ['lib/a.js', ''],
    ['.github/workflows/ci.yml', 'on: push\njobs: {}\n'],
    ['.github/workflows/called.yml', 'on:\n  workflow_call: {}\njobs: {}\n'],
  ]));
  const r = (uses: string, extra: Partial<UsesRef> = {}) =>
    () => resolveUses({ ...step(uses), kind: uses.includes('.github/workflows/') ? 'workflow' : 'action', ...extra }, files, opts);

  it('names what is wrong and where', () => {
    expect(r('mesh-actions/mesh-actions/a@v1')).toThrow('a/action.yml: runs.post ../lib/gone.js → lib/gone.js does not exist');
    expect(r('mesh-actions/mesh-actions/b@v1')).toThrow('runs.main ../../outside.js leaves the repository');
    expect(r('mesh-actions/mesh-actions/c@v1')).toThrow('runs.using "docker" is not a JavaScript or composite action');
    expect(r('mesh-actions/mesh-actions/d@v1')).toThrow('d/action.yml step 1: uses: mesh-actions/mesh-actions/a@v1');
    expect(r('mesh-actions/mesh-actions/nope@v1')).toThrow('nope has no action.yml');
    expect(r('example-org/mesh-actions/a@v1')).toThrow('names example-org/mesh-actions; this repository is mesh-actions/mesh-actions');
    expect(r('mesh-actions/mesh-actions/a@main')).toThrow('@main is not a release of the current major (v1, v1.x.y) or a full commit SHA');
    expect(r('mesh-actions/mesh-actions/a@v2')).toThrow('@v2 is not a release of the current major');
    expect(r('mesh-actions/mesh-actions/.github/workflows/ci.yml@v1')).toThrow('.github/workflows/ci.yml has no workflow_call trigger');
    expect(r('mesh-actions/mesh-actions/.github/workflows/sub/x.yml@v1')).toThrow('must be a file directly in .github/workflows/');
    expect(r('./a', { localIsCaller: true })).toThrow('"./" in a called or starter workflow is the caller\'s repository');
  });

  it('resolves what the runner accepts and leaves other repositories alone', () => {
    const ok = fileMap(new Map([
      ['a/action.yml', 'name: a\nruns:\n  using: node24\n  pre: ../lib/a.js\n  main: ../lib/a.js\n'],
      ['lib/a.js', ''],
      ['.github/workflows/called.yml', 'on:\n  workflow_call: {}\njobs: {}\n'],
    ]));
    expect(resolveUses(step('mesh-actions/mesh-actions/a@v1.4.2'), ok, opts)!.runs).toEqual(['lib/a.js']);
    expect(resolveUses(step(`mesh-actions/mesh-actions/a@${'0123456789abcdef'.repeat(2)}01234567`), ok, opts)!.target).toBe('a/action.yml');
    expect(resolveUses(step('./a/'), ok, opts)!.target).toBe('a/action.yml');
    expect(resolveUses({ ...step('./.github/workflows/called.yml'), kind: 'workflow' }, ok, opts)!.target).toBe('.github/workflows/called.yml');
    expect(resolveUses(step('actions/checkout@v5'), ok, opts)).toBeNull();
    expect(resolveUses(step('docker://alpine:3'), ok, opts)).toBeNull();
  });

  it('finds uses: in Markdown, YAML and comments, with the kind the path implies', () => {
    const refs = usesIn('workflows/x.yml', '# uses: o/mesh-actions/.github/workflows/a.yml@v1\njobs:\n  a:\n    steps:\n      - uses: "o/mesh-actions/x@v1" # pinned\n');
    expect(refs).toEqual([
      { uses: 'o/mesh-actions/.github/workflows/a.yml@v1', kind: 'workflow', at: 'workflows/x.yml:1', localIsCaller: true },
      { uses: 'o/mesh-actions/x@v1', kind: 'action', at: 'workflows/x.yml:5', localIsCaller: true },
    ]);
    expect(usesIn('README.md', 'Use `uses: o/mesh-actions@v1` with `command:`.')[0].uses).toBe('o/mesh-actions@v1');
    expect(usesIn('README.md', 'Every uses: form runs the same bundle.')).toEqual([]);
    expect(misplacedUses('w.yml', 'jobs:\n  a:\n    uses: o/r/x@v1\n  b:\n    steps:\n      - uses: o/r/.github/workflows/w.yml@v1\n')).toEqual([
      'w.yml: job a: uses: o/r/x@v1 is not a reusable workflow',
      'w.yml: job b: step uses: o/r/.github/workflows/w.yml@v1 is a workflow; call it from a job',
    ]);
  });
});
