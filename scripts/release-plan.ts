/**
 * What a release is, decided from data alone: the version and its CHANGELOG.md section (Keep a
 * Changelog), whether package.json agrees, whether CI passed on the commit and the commit is on the
 * default branch, and which tags to write: vX.Y.Z created (never moved) and the major tag vX moved
 * to it unless a newer X.y.z already holds it. scripts/release.ts does the I/O.
 */
import semver from 'semver';
import { InputError } from '../common/errors.js';

const VERSION = /^v?(\d+\.\d+\.\d+)$/;
const SHA = /^[0-9a-f]{40}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** `1.2.3` from `1.2.3` or `v1.2.3`; nothing else (no pre-releases: @vX must only ever move to a release). */
export function parseVersion(input: string, name = 'version'): string {
  const m = VERSION.exec(input.trim());
  if (!m || !semver.valid(m[1])) throw new InputError(`${name}: "${input}" is not a release version; give X.Y.Z or vX.Y.Z (e.g. 1.4.0)`);
  return m[1];
}

// ---- CHANGELOG.md -------------------------------------------------------------------------------

export interface ChangelogSection {
  /** "Unreleased" or X.Y.Z */
  version: string;
  date?: string;
  /** The heading line's index in the file's lines. */
  line: number;
  /** The section's text without its heading, trimmed. */
  body: string;
}

const HEADING = /^## \[([^\]]+)\](?:\s+-\s+(\S+))?\s*$/;
const LINK = /^\[[^\]]+\]:\s/;

/** The `## [version] - date` sections of a Keep a Changelog file, in file order. */
export function changelogSections(text: string): ChangelogSection[] {
  const lines = text.split('\n');
  const starts: { version: string; date?: string; line: number }[] = [];
  lines.forEach((l, i) => {
    const m = HEADING.exec(l);
    if (m) starts.push({ version: m[1], date: m[2], line: i });
  });
  return starts.map((s, k) => {
    let end = k + 1 < starts.length ? starts[k + 1].line : lines.length;
    // Link references ([1.0.0]: https://…) close the last section.
    for (let i = s.line + 1; i < end; i++) if (LINK.test(lines[i])) { end = i; break; }
    return { ...s, body: lines.slice(s.line + 1, end).join('\n').trim() };
  });
}

/** The released section for `version`, which must be the newest release the changelog lists, dated and not empty. */
export function releaseSection(text: string, version: string): ChangelogSection {
  const released = changelogSections(text).filter((s) => s.version !== 'Unreleased');
  const section = released.find((s) => s.version === version);
  if (!section) throw new InputError(`CHANGELOG.md has no "## [${version}] - YYYY-MM-DD" section; add the release's entries there (npm run release -- prepare ${version})`);
  if (!section.date || !DATE.test(section.date)) throw new InputError(`CHANGELOG.md: "## [${version}]" needs a date, "## [${version}] - YYYY-MM-DD"`);
  if (!section.body) throw new InputError(`CHANGELOG.md: "## [${version}]" is empty; the release notes come from it`);
  if (released[0] !== section) throw new InputError(`CHANGELOG.md: the newest release listed is ${released[0].version}, not ${version}; package.json, the changelog and the tag must agree`);
  return section;
}

export type Bump = 'major' | 'minor' | 'patch';

/** The next version: `bump` applied to the newest release in the changelog (0.0.0 when none), or an explicit X.Y.Z above it. */
export function nextVersion(changelog: string, bumpOrVersion: string): string {
  const latest = changelogSections(changelog).find((s) => s.version !== 'Unreleased')?.version ?? '0.0.0';
  if (bumpOrVersion === 'major' || bumpOrVersion === 'minor' || bumpOrVersion === 'patch') return semver.inc(latest, bumpOrVersion)!;
  const version = parseVersion(bumpOrVersion, 'prepare');
  if (!semver.gt(version, latest)) throw new InputError(`prepare: ${version} is not above the newest release in CHANGELOG.md (${latest})`);
  return version;
}

/**
 * The changelog with [Unreleased]'s entries moved to `## [version] - date` under an empty
 * [Unreleased], and the compare/tag link references updated.
 */
export function prepareChangelog(text: string, version: string, date: string, slug: string): string {
  if (!DATE.test(date)) throw new InputError(`date: "${date}" is not YYYY-MM-DD`);
  const sections = changelogSections(text);
  const unreleased = sections.find((s) => s.version === 'Unreleased');
  if (!unreleased) throw new InputError('CHANGELOG.md has no "## [Unreleased]" section to release');
  if (!unreleased.body) throw new InputError('CHANGELOG.md: "## [Unreleased]" is empty; write what changed before releasing');
  const previous = sections.find((s) => s.version !== 'Unreleased')?.version;
  const lines = text.split('\n');
  let end = unreleased.line + 1;
  while (end < lines.length && !HEADING.test(lines[end]) && !LINK.test(lines[end])) end++;
  // Older sections and the link references, without the version links this rewrites.
  const rest = lines.slice(end).filter((l) => !/^\[Unreleased\]:\s/.test(l));
  const kept = rest.filter((l) => !LINK.test(l));
  while (kept.length && kept[kept.length - 1].trim() === '') kept.pop();
  const links = [
    `[Unreleased]: https://github.com/${slug}/compare/v${version}...HEAD`,
    previous ? `[${version}]: https://github.com/${slug}/compare/v${previous}...v${version}` : `[${version}]: https://github.com/${slug}/releases/tag/v${version}`,
    ...rest.filter((l) => LINK.test(l)),
  ];
  const out = [...lines.slice(0, unreleased.line + 1), '', `## [${version}] - ${date}`, '', unreleased.body, ...(kept.length ? ['', ...kept] : [])];
  return `${out.join('\n')}\n\n${links.join('\n')}\n`;
}

// ---- CI and branch ------------------------------------------------------------------------------

export interface WorkflowRun {
  id: number;
  head_sha: string;
  status: string;
  conclusion: string | null;
  event: string;
  created_at: string;
  html_url: string;
}

/** From `GET /repos/{repo}/actions/workflows/ci.yml/runs?head_sha={sha}`: the newest CI run on `sha` must have passed. */
export function ciVerdict(response: { workflow_runs?: WorkflowRun[] }, sha: string): string {
  const runs = (response.workflow_runs ?? []).filter((r) => r.head_sha === sha).sort((a, b) => b.created_at.localeCompare(a.created_at));
  const newest = runs[0];
  if (!newest) throw new InputError(`CI has not run on ${sha}; release only a commit whose CI passed`);
  if (newest.status !== 'completed') throw new InputError(`CI is still ${newest.status} on ${sha} (${newest.html_url}); release after it passes`);
  if (newest.conclusion !== 'success') throw new InputError(`CI concluded "${newest.conclusion}" on ${sha} (${newest.html_url}); release only a commit whose CI passed`);
  return `CI passed on ${sha.slice(0, 12)} (${newest.event}, ${newest.html_url})`;
}

/** From `GET /repos/{repo}/compare/{default-branch}...{sha}`: the commit must be on the default branch (reviewed and merged). */
export function onDefaultBranch(response: { status?: string }, sha: string, branch: string): string {
  if (response.status !== 'identical' && response.status !== 'behind') {
    throw new InputError(`${sha} is not on ${branch} (compare: ${response.status ?? 'no status'}); release only merged commits`);
  }
  return `${sha.slice(0, 12)} is on ${branch}`;
}

// ---- tags ---------------------------------------------------------------------------------------

/**
 * `git ls-remote --tags` output → tag name → the commit it points at (annotated tags peeled), or
 * with `peel: false` the object the ref holds (what a push lease must name).
 */
export function parseRemoteTags(text: string, { peel = true } = {}): Map<string, string> {
  const tags = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]{40})\s+refs\/tags\/(.+?)(\^\{\})?$/.exec(line.trim());
    if (!m) continue;
    if (m[3] ? peel : !tags.has(m[2])) tags.set(m[2], m[1]); // peeled: the ^{} line wins over the tag object's
  }
  return tags;
}

export interface TagWrite {
  tag: string;
  sha: string;
  /** The commit it points at now, when it exists. */
  from?: string;
  action: 'create' | 'move' | 'keep';
  annotated: boolean;
}

export interface ReleasePlan {
  version: string;
  tag: string;
  majorTag: string;
  sha: string;
  /** Every tag the release touches, in push order. */
  tags: TagWrite[];
  notes: string;
  checks: string[];
}

export interface PlanInput {
  version: string;
  sha: string;
  packageVersion: string;
  changelog: string;
  remoteTags: Map<string, string>;
  checks?: string[];
}

export function planRelease(input: PlanInput): ReleasePlan {
  const version = parseVersion(input.version);
  if (!SHA.test(input.sha)) throw new InputError(`sha: "${input.sha}" is not a full commit SHA`);
  if (input.packageVersion !== version) {
    throw new InputError(`package.json says ${input.packageVersion}, the release is ${version}; set the version in package.json (npm run release -- prepare ${version}) and merge that first`);
  }
  const section = releaseSection(input.changelog, version);
  const tag = `v${version}`;
  const majorTag = `v${semver.major(version)}`;
  const checks = [...(input.checks ?? []), `package.json is ${version}`, `CHANGELOG.md has [${version}] - ${section.date}`];

  const existing = input.remoteTags.get(tag);
  if (existing && existing !== input.sha) throw new InputError(`${tag} already points at ${existing}, not ${input.sha}; a released version is never moved, release the next one`);
  const releaseTag: TagWrite = { tag, sha: input.sha, from: existing, action: existing ? 'keep' : 'create', annotated: true };

  // The major tag follows the newest release of its major: a patch on an older line leaves it.
  const newerInMajor = [...input.remoteTags.keys()]
    .filter((name) => name.startsWith('v'))
    .map((name) => VERSION.exec(name)?.[1])
    .filter((v): v is string => !!v && semver.major(v) === semver.major(version) && semver.gt(v, version));
  const majorAt = input.remoteTags.get(majorTag);
  let major: TagWrite;
  if (newerInMajor.length) {
    const newest = semver.rsort(newerInMajor)[0];
    checks.push(`${majorTag} stays where it is: v${newest} is newer than ${tag}`);
    major = { tag: majorTag, sha: majorAt ?? input.sha, from: majorAt, action: 'keep', annotated: false };
  } else {
    major = { tag: majorTag, sha: input.sha, from: majorAt, action: !majorAt ? 'create' : majorAt === input.sha ? 'keep' : 'move', annotated: false };
  }
  return { version, tag, majorTag, sha: input.sha, tags: [releaseTag, major], notes: section.body, checks };
}

/** The plan as a person reads it (the dry run prints this). */
export function describePlan(plan: ReleasePlan, slug: string): string {
  const short = (sha?: string) => sha?.slice(0, 12) ?? '';
  const tagLine = (w: TagWrite) => {
    const kind = w.annotated ? 'annotated tag' : 'plain tag';
    if (w.action === 'create') return `  create ${w.tag} → ${short(w.sha)} (${kind})`;
    if (w.action === 'move') return `  move   ${w.tag} ${short(w.from)} → ${short(w.sha)} (${kind})`;
    return `  keep   ${w.tag} at ${short(w.sha)} (already there)`;
  };
  return [
    `release ${plan.tag} of ${slug} at ${plan.sha}`,
    ...plan.checks.map((c) => `  ✓ ${c}`),
    'tags:',
    ...plan.tags.map(tagLine),
    `GitHub release ${plan.tag} ("${plan.tag}"), notes from CHANGELOG.md:`,
    ...plan.notes.split('\n').map((l) => (l ? `  | ${l}` : '  |')),
  ].join('\n');
}
