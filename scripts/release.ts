/**
 * Releases, the one way (.github/workflows/release.yml runs this; see README → Releasing).
 *
 *   npm run release -- prepare <major|minor|patch|X.Y.Z> [--date YYYY-MM-DD] [--dry-run]
 *       Next version: moves CHANGELOG.md's [Unreleased] entries into "## [X.Y.Z] - date" and sets
 *       package.json (and package-lock.json) to X.Y.Z. Commit that through a pull request.
 *
 *   npm run release -- publish --version X.Y.Z --sha <commit> [--remote origin]
 *       [--ci-runs runs.json] [--compare compare.json --branch main] [--notes-out notes.md] [--dry-run]
 *       Checks that package.json and CHANGELOG.md say X.Y.Z, that CI passed on the commit and the
 *       commit is on the default branch (from the GitHub API answers in the files given), and that
 *       vX.Y.Z is new or already on that commit; then creates vX.Y.Z (annotated) and moves vX, both
 *       in one atomic push. --dry-run prints the same plan and writes nothing. Publishing for real
 *       requires --ci-runs and --compare.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError, errorMessage } from '../common/errors.js';
import {
  ciVerdict, describePlan, nextVersion, onDefaultBranch, parseRemoteTags, planRelease, prepareChangelog,
  type ReleasePlan,
} from './release-plan.js';

const GIT_TIMEOUT_MS = 120_000;
const BOT = ['-c', 'user.name=github-actions[bot]', '-c', 'user.email=41898282+github-actions[bot]@users.noreply.github.com'];

interface Options {
  repo: string;
  dryRun: boolean;
  values: Map<string, string>;
  positional: string[];
}

const FLAGS_WITH_VALUE = new Set(['--version', '--sha', '--remote', '--ci-runs', '--compare', '--branch', '--notes-out', '--date', '--repo']);

export function parseArgs(argv: string[]): Options {
  const values = new Map<string, string>();
  const positional: string[] = [];
  let dryRun = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--dry-run') dryRun = true;
    else if (FLAGS_WITH_VALUE.has(arg)) {
      const value = argv[++i];
      if (value === undefined || value.startsWith('--')) throw new InputError(`${arg} needs a value`);
      values.set(arg.slice(2), value);
    } else if (arg.startsWith('--')) throw new InputError(`unknown option ${arg} (${[...FLAGS_WITH_VALUE, '--dry-run'].join(', ')})`);
    else positional.push(arg);
  }
  const repo = resolve(values.get('repo') ?? join(fileURLToPath(import.meta.url), '../..'));
  return { repo, dryRun, values, positional };
}

function git(repo: string, args: string[]): string {
  return execFileSync('git', args, { cwd: repo, encoding: 'utf8', timeout: GIT_TIMEOUT_MS, stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

const readJson = (file: string, what: string) => {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new InputError(`${what}: cannot read ${file} as JSON (${errorMessage(err)})`);
  }
};

function slugOf(repo: string): string {
  const url: string = readJson(join(repo, 'package.json'), 'package.json').repository?.url ?? '';
  const m = /github\.com[/:]([^/]+\/[^/.]+)/.exec(url);
  if (!m) throw new InputError('package.json: repository.url must name the GitHub repository (git+https://github.com/<owner>/<name>.git)');
  return m[1];
}

function prepare(opts: Options, log: (line: string) => void): void {
  const target = opts.positional[1];
  if (!target) throw new InputError('prepare: give major, minor, patch or X.Y.Z');
  const changelogFile = join(opts.repo, 'CHANGELOG.md');
  const changelog = readFileSync(changelogFile, 'utf8');
  const version = nextVersion(changelog, target);
  const date = opts.values.get('date') ?? new Date().toISOString().slice(0, 10);
  const updated = prepareChangelog(changelog, version, date, slugOf(opts.repo));
  log(`prepare ${version} (${date}): CHANGELOG.md [Unreleased] → [${version}], package.json version ${version}`);
  if (opts.dryRun) {
    log('dry run: nothing written');
    return;
  }
  writeFileSync(changelogFile, updated);
  for (const file of ['package.json', 'package-lock.json']) {
    const path = join(opts.repo, file);
    if (!existsSync(path)) continue;
    const json = readJson(path, file);
    json.version = version;
    if (json.packages?.['']) json.packages[''].version = version;
    writeFileSync(path, `${JSON.stringify(json, null, 2)}\n`);
  }
  log(`written; commit CHANGELOG.md, package.json and package-lock.json, then run the release workflow for ${version}`);
}

export function publishPlan(opts: Options): { plan: ReleasePlan; slug: string } {
  const version = opts.values.get('version');
  if (!version) throw new InputError('publish: --version X.Y.Z is required');
  const shaArg = opts.values.get('sha');
  if (!shaArg) throw new InputError('publish: --sha <commit> is required');
  let sha: string;
  try {
    sha = git(opts.repo, ['rev-parse', '--verify', `${shaArg}^{commit}`]);
  } catch {
    throw new InputError(`--sha: "${shaArg}" is not a commit of ${opts.repo}`);
  }
  const checks: string[] = [];
  const ciRuns = opts.values.get('ci-runs');
  const compare = opts.values.get('compare');
  if (!opts.dryRun && (!ciRuns || !compare)) throw new InputError('publish: --ci-runs and --compare are required to publish (only --dry-run may skip the CI and branch checks)');
  if (ciRuns) checks.push(ciVerdict(readJson(ciRuns, '--ci-runs'), sha));
  if (compare) checks.push(onDefaultBranch(readJson(compare, '--compare'), sha, opts.values.get('branch') ?? 'the default branch'));
  // What the commit says, not the work tree: the release is of that commit.
  const show = (file: string) => {
    try {
      return git(opts.repo, ['show', `${sha}:${file}`]);
    } catch {
      throw new InputError(`${file} is missing at ${sha}`);
    }
  };
  const remote = opts.values.get('remote') ?? 'origin';
  let tags: string;
  try {
    tags = git(opts.repo, ['ls-remote', '--tags', remote]);
  } catch (err) {
    throw new Error(`git ls-remote --tags ${remote} failed: ${errorMessage(err)}`);
  }
  const plan = planRelease({
    version, sha, packageVersion: JSON.parse(show('package.json')).version, changelog: show('CHANGELOG.md'),
    remoteTags: parseRemoteTags(tags), checks,
  });
  return { plan, slug: slugOf(opts.repo) };
}

/** Writes the plan's tags in one atomic push: both land or neither does, and vX moves only from where the plan saw it. */
export function writeTags(opts: Options, plan: ReleasePlan, log: (line: string) => void): void {
  const remote = opts.values.get('remote') ?? 'origin';
  // A lease names the object the ref holds now: for an annotated tag that is the tag object, not its commit.
  const listing = git(opts.repo, ['ls-remote', '--tags', remote]);
  const now = parseRemoteTags(listing);
  const held = parseRemoteTags(listing, { peel: false });
  const refspecs: string[] = [];
  const leases: string[] = [];
  for (const w of plan.tags) {
    if (w.action === 'keep') continue;
    if (now.get(w.tag) !== w.from) throw new Error(`${w.tag} changed on ${remote} while releasing (${w.from ?? 'absent'} → ${now.get(w.tag) ?? 'absent'}); nothing written, run the release again`);
    if (w.annotated) {
      git(opts.repo, [...BOT, 'tag', '--force', '--annotate', '--message', `mesh-actions ${w.tag}`, w.tag, w.sha]);
      refspecs.push(`refs/tags/${w.tag}:refs/tags/${w.tag}`);
    } else {
      refspecs.push(`+${w.sha}:refs/tags/${w.tag}`);
    }
    leases.push(`--force-with-lease=refs/tags/${w.tag}:${w.from ? held.get(w.tag) : ''}`);
  }
  if (!refspecs.length) {
    log('tags already in place: nothing to push');
    return;
  }
  git(opts.repo, ['push', '--atomic', ...leases, remote, ...refspecs]);
  log(`pushed ${refspecs.map((r) => r.replace(/^.*refs\/tags\//, '')).join(', ')} to ${remote}`);
}

export function main(argv: string[], log: (line: string) => void = console.log): void {
  const opts = parseArgs(argv);
  const command = opts.positional[0];
  if (command === 'prepare') return prepare(opts, log);
  if (command !== 'publish') throw new InputError(`command: "${command ?? ''}" is not prepare or publish`);
  const { plan, slug } = publishPlan(opts);
  log(describePlan(plan, slug));
  const notesOut = opts.values.get('notes-out');
  if (notesOut) writeFileSync(notesOut, `${plan.notes}\n`);
  if (process.env.GITHUB_OUTPUT) {
    appendFileSync(process.env.GITHUB_OUTPUT, `version=${plan.version}\ntag=${plan.tag}\nmajor-tag=${plan.majorTag}\nsha=${plan.sha}\n`);
  }
  if (opts.dryRun) {
    log('dry run: nothing written');
    return;
  }
  writeTags(opts, plan, log);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main(process.argv.slice(2));
  } catch (err) {
    console.error(err instanceof InputError ? `release: ${err.message}` : err);
    process.exit(1);
  }
}
