// Runbooks are read during incidents: every path they name must exist, and every section an action's
// error links to must be there. A renamed file or heading fails here, not at 3 a.m.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/harness.js';
import { RUNBOOKS as ACTION_LINKS } from '../../actions/lib/runbooks.js';

const RUNBOOKS = join(repoRoot, 'docs/runbooks');
const REPO_PATH = /^(?:\.github|actions|docs|infra-templates|services|scripts|test|workflows)\/[\w./-]*$/;

/** GitHub's heading anchors: lower-case, punctuation dropped, spaces to hyphens. */
export function anchorsOf(markdown: string): Set<string> {
  const out = new Set<string>();
  for (const m of markdown.matchAll(/^#{1,6}\s+(.+)$/gm)) {
    out.add(m[1].trim().toLowerCase().replace(/[^\p{L}\p{N}\s-]/gu, '').replace(/\s/g, '-'));
  }
  return out;
}

/** Relative links `[x](path#anchor)` and code spans that look like repository paths. */
export function referencesOf(markdown: string, file: string): { target: string; anchor?: string }[] {
  const refs: { target: string; anchor?: string }[] = [];
  for (const m of markdown.matchAll(/\]\(([^)\s]+)\)/g)) {
    const link = m[1];
    if (/^[a-z]+:/i.test(link)) continue;
    const [path, anchor] = link.split('#');
    refs.push({ target: path ? resolve(dirname(file), path) : file, anchor });
  }
  for (const m of markdown.matchAll(/`([^`\s]+)`/g)) {
    if (REPO_PATH.test(m[1])) refs.push({ target: join(repoRoot, m[1]) });
  }
  return refs;
}

const files = readdirSync(RUNBOOKS).filter((f) => f.endsWith('.md')).map((f) => join(RUNBOOKS, f));

describe('runbooks', () => {
  it('cover the incidents the platform expects', () => {
    const names = files.map((f) => relative(RUNBOOKS, f)).sort();
    expect(names).toEqual(['README.md', 'failed-or-stuck-ramp.md', 'manual-rollback.md', 'mesh-traffic.md', 'quota-exhaustion.md', 'region-failover.md', 'trivy-gate.md']);
  });

  it('are all listed in the index', () => {
    const index = readFileSync(join(RUNBOOKS, 'README.md'), 'utf8');
    for (const f of files) if (!f.endsWith('README.md')) expect(index).toContain(`](${relative(RUNBOOKS, f)})`);
  });

  it.each(files.map((f) => [relative(repoRoot, f), f]))('%s names only paths and sections that exist', (_name, file) => {
    const text = readFileSync(file, 'utf8');
    const refs = referencesOf(text, file);
    expect(refs.length).toBeGreaterThan(0);
    const missing: string[] = [];
    for (const { target, anchor } of refs) {
      if (!existsSync(target)) missing.push(relative(repoRoot, target));
      else if (anchor && target.endsWith('.md') && !anchorsOf(readFileSync(target, 'utf8')).has(anchor)) {
        missing.push(`${relative(repoRoot, target)}#${anchor}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('catches a renamed path and a missing section', () => {
    const file = join(RUNBOOKS, 'x.md');
    const refs = referencesOf('see [a](gone.md#nowhere) and `actions/nope/action.yml`', file);
    expect(refs.map((r) => relative(repoRoot, r.target))).toEqual(['docs/runbooks/gone.md', 'actions/nope/action.yml']);
    expect(refs.some((r) => existsSync(r.target))).toBe(false);
    expect(anchorsOf('# Failed: could not restore\n## By hand: alb').has('failed-could-not-restore')).toBe(true);
    expect(anchorsOf('## By hand: alb').has('by-hand-alb')).toBe(true);
  });

  it.each(Object.entries(ACTION_LINKS))('the actions\' %s link points at a section that exists', (_key, link) => {
    const [path, anchor] = link.split('#');
    expect(existsSync(join(repoRoot, path)), path).toBe(true);
    expect(anchorsOf(readFileSync(join(repoRoot, path), 'utf8'))).toContain(anchor);
  });
});
