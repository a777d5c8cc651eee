/**
 * Resolves a `uses:` the way the runner does, over the files a ref of this repository holds.
 * `OWNER/REPO@REF` is the action.yml at the root, `OWNER/REPO/PATH@REF` is PATH/action.yml (or
 * .yaml), `OWNER/REPO/.github/workflows/F.yml@REF` is a reusable workflow; a JavaScript action's
 * runs.pre/main/post are read relative to its action.yml and may leave its folder, never the
 * repository. The runner downloads the committed tree, so files come from `git ls-files`: a bundle
 * built but not committed does not resolve.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import YAML from 'yaml';

/** The files one ref of the repository holds. */
export interface RepoFiles {
  has(path: string): boolean;
  read(path: string): string;
  list(): string[];
}

export function fileMap(files: Map<string, string>): RepoFiles {
  return {
    has: (path) => files.has(path),
    read: (path) => {
      const text = files.get(path);
      if (text === undefined) throw new Error(`${path}: not in the repository`);
      return text;
    },
    list: () => [...files.keys()].sort(),
  };
}

/** The committed (or staged) files of the repository at `root`, read from its work tree. */
export function gitFiles(root: string): RepoFiles {
  const tracked = new Set(
    execFileSync('git', ['ls-files', '-z', '--cached'], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
      .split('\0')
      .filter(Boolean),
  );
  return {
    has: (path) => tracked.has(path),
    read: (path) => {
      if (!tracked.has(path)) throw new Error(`${path}: not committed`);
      return readFileSync(join(root, path), 'utf8');
    },
    list: () => [...tracked].sort(),
  };
}

/** `repo` with files or folders renamed (from → to) or removed (to = null): what a careless rename leaves. */
export function withChanges(repo: RepoFiles, changes: Record<string, string | null>): RepoFiles {
  const origin = new Map<string, string>(); // new path → path in `repo`
  for (const path of repo.list()) {
    const from = Object.keys(changes).find((f) => path === f || path.startsWith(`${f}/`));
    if (from === undefined) origin.set(path, path);
    else if (changes[from] !== null) origin.set(changes[from] + path.slice(from.length), path);
  }
  return {
    has: (path) => origin.has(path),
    read: (path) => {
      const at = origin.get(path);
      if (at === undefined) throw new Error(`${path}: not in the repository`);
      return repo.read(at);
    },
    list: () => [...origin.keys()].sort(),
  };
}

export type UsesKind = 'action' | 'workflow';

/** One `uses:` found in a document, and where. */
export interface UsesRef {
  uses: string;
  kind: UsesKind;
  /** file:line */
  at: string;
  /** `./` here is another repository's tree: a called (workflow_call) or starter workflow. */
  localIsCaller: boolean;
}

export interface Resolved {
  uses: string;
  at: string;
  /** The action.yml or workflow file it names. */
  target: string;
  /** The files the runner executes (runs.pre/main/post), repository-relative. */
  runs: string[];
}

export interface ResolveOptions {
  /** owner/name of this repository. */
  slug: string;
  /** Current major version: documented refs pin vMAJOR, vMAJOR.MINOR.PATCH or a commit SHA. */
  major: number;
}

const REMOTE = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)((?:\/[^@\s]+)?)@(\S+)$/;
const NODE = /^node\d+$/;

/**
 * Resolves one reference, or returns null when it is not this repository's (another owner's action,
 * docker://). Throws an Error naming the reference, where it is written and what is wrong.
 */
export function resolveUses(ref: UsesRef, repo: RepoFiles, opts: ResolveOptions): Resolved | null {
  const fail = (why: string): never => {
    throw new Error(`${ref.at}: uses: ${ref.uses}: ${why}`);
  };
  let path: string;
  if (ref.uses.startsWith('docker://')) return null;
  if (ref.uses.startsWith('./') || ref.uses === '.') {
    if (ref.localIsCaller) fail('"./" in a called or starter workflow is the caller\'s repository; name this one (' + opts.slug + '/…@v' + opts.major + ')');
    path = posix.normalize(ref.uses).replace(/\/$/, '');
  } else {
    const m = REMOTE.exec(ref.uses);
    if (!m) return fail('not OWNER/REPO[/PATH]@REF');
    const [, owner, name, sub, version] = m;
    if (name !== opts.slug.split('/')[1]) return null;
    if (`${owner}/${name}` !== opts.slug) fail(`names ${owner}/${name}; this repository is ${opts.slug}`);
    const pinned = new RegExp(`^v${opts.major}(\\.\\d+\\.\\d+)?$`).test(version) || /^[0-9a-f]{40}$/.test(version);
    if (!pinned) fail(`@${version} is not a release of the current major (v${opts.major}, v${opts.major}.x.y) or a full commit SHA`);
    path = sub.replace(/^\//, '').replace(/\/$/, '') || '.';
  }
  if (path === '..' || path.startsWith('../')) fail('leaves the repository');

  if (ref.kind === 'workflow') {
    if (!/^\.github\/workflows\/[^/]+\.ya?ml$/.test(path)) fail('a reusable workflow must be a file directly in .github/workflows/');
    if (!repo.has(path)) fail(`${path} does not exist`);
    const wf = YAML.parse(repo.read(path));
    const on = wf?.on;
    const called = typeof on === 'string' ? on === 'workflow_call' : Array.isArray(on) ? on.includes('workflow_call') : on && 'workflow_call' in on;
    if (!called) fail(`${path} has no workflow_call trigger, so it cannot be called`);
    return { uses: ref.uses, at: ref.at, target: path, runs: [] };
  }

  const dir = path === '.' ? '' : path;
  const metaFile = ['action.yml', 'action.yaml'].map((f) => posix.join(dir, f)).find((f) => repo.has(f));
  if (!metaFile) return fail(`${dir || 'the repository root'} has no action.yml`);
  const runs = YAML.parse(repo.read(metaFile))?.runs ?? {};
  const files: string[] = [];
  if (NODE.test(runs.using)) {
    if (typeof runs.main !== 'string') fail(`${metaFile}: runs.main is missing`);
    for (const key of ['pre', 'main', 'post'] as const) {
      if (typeof runs[key] !== 'string') continue;
      const file = posix.normalize(posix.join(dir, runs[key]));
      if (file === '..' || file.startsWith('../')) fail(`${metaFile}: runs.${key} ${runs[key]} leaves the repository`);
      if (!repo.has(file)) fail(`${metaFile}: runs.${key} ${runs[key]} → ${file} does not exist`);
      files.push(file);
    }
  } else if (runs.using === 'composite') {
    for (const [i, step] of (runs.steps ?? []).entries()) {
      if (typeof step?.uses !== 'string' || step.uses.startsWith('./')) continue; // ./ is the workspace, not this action
      const inner = resolveUses({ uses: step.uses, kind: 'action', at: `${metaFile} step ${i + 1}`, localIsCaller: true }, repo, opts);
      if (inner) files.push(...inner.runs);
    }
  } else {
    fail(`${metaFile}: runs.using "${runs.using}" is not a JavaScript or composite action`);
  }
  return { uses: ref.uses, at: ref.at, target: metaFile, runs: [...new Set(files)] };
}

const USES = /\buses:\s*["']?([^\s"'`#,}]+)/g;
const kindOf = (uses: string): UsesKind => (/(^|\/)\.github\/workflows\/[^/]+\.ya?ml(@|$)/.test(uses) ? 'workflow' : 'action');

/** Documents whose `uses:` a user copies or runs: every Markdown file, the workflows and the starters. */
export function documents(repo: RepoFiles): string[] {
  return repo.list().filter((f) => /\.md$/i.test(f) || /^(\.github\/workflows|workflows)\/[^/]+\.ya?ml$/.test(f));
}

/** Every `uses:` written in `file` (code, YAML and comments alike), with the kind its path implies. */
export function usesIn(file: string, text: string): UsesRef[] {
  let localIsCaller = file.startsWith('workflows/');
  if (file.startsWith('.github/workflows/')) {
    const on = YAML.parse(text)?.on;
    localIsCaller = !!on && typeof on === 'object' && 'workflow_call' in on;
  }
  const refs: UsesRef[] = [];
  text.split('\n').forEach((line, i) => {
    for (const m of line.matchAll(USES)) {
      if (!m[1].includes('/') && m[1] !== '.') continue; // prose ("every uses: form"), not a reference
      refs.push({ uses: m[1], kind: kindOf(m[1]), at: `${file}:${i + 1}`, localIsCaller });
    }
  });
  return refs;
}

/**
 * Where a workflow puts a `uses:` decides what the runner expects: a job's is a reusable workflow,
 * a step's an action. Returns the mismatches as messages.
 */
export function misplacedUses(file: string, text: string): string[] {
  const wf = YAML.parse(text);
  const problems: string[] = [];
  for (const [id, job] of Object.entries<Record<string, unknown>>(wf?.jobs ?? {})) {
    if (typeof job?.uses === 'string' && kindOf(job.uses) !== 'workflow') problems.push(`${file}: job ${id}: uses: ${job.uses} is not a reusable workflow`);
    for (const step of (job?.steps as { uses?: unknown }[] | undefined) ?? []) {
      if (typeof step?.uses === 'string' && kindOf(step.uses) !== 'action') problems.push(`${file}: job ${id}: step uses: ${step.uses} is a workflow; call it from a job`);
    }
  }
  return problems;
}
