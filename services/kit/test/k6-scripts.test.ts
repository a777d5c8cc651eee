// The k6 load scripts (test/load/*.ts) cannot run here (no k6), so they are type-checked against
// @types/k6 with their own tsconfig. This lives here because vitest's config excludes test/load/**.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../../test/support/harness.js';

const run = promisify(execFile);
const loadDir = join(repoRoot, 'test/load');
const tsc = join(repoRoot, 'node_modules/typescript/bin/tsc');

async function typecheck(project: string): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await run(process.execPath, [tsc, '-p', project], { cwd: repoRoot });
    return { code: 0, out: stdout };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

const scripts = readdirSync(loadDir).filter((f) => f.endsWith('.ts') && f !== 'thresholds.ts' && !f.endsWith('.test.ts'));

describe('k6 load scripts', () => {
  it('type-check against @types/k6', async () => {
    expect(await typecheck(join(loadDir, 'tsconfig.json'))).toEqual({ code: 0, out: '' });
  });

  it('a type error in a script is caught (the check is real)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k6-'));
    try {
      cpSync(loadDir, dir, { recursive: true });
      writeFileSync(join(dir, 'broken.ts'), "import http from 'k6/http';\nexport default function () { http.get(42); }\n");
      // The copy lives outside the repo: point it at the repo's node_modules for @types/k6.
      const cfg = readFileSync(join(dir, 'tsconfig.json'), 'utf8').replace('"types": ["k6"]', `"types": ["k6"], "typeRoots": [${JSON.stringify(join(repoRoot, 'node_modules/@types'))}]`);
      writeFileSync(join(dir, 'tsconfig.json'), cfg);
      const r = await typecheck(join(dir, 'tsconfig.json'));
      expect(r.code).not.toBe(0);
      expect(r.out).toMatch(/broken\.ts\(2,\d+\): error TS2345/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('one script per service, each gating on p(95)<200 and a failure rate < 1 %', () => {
    expect(scripts.sort()).toEqual(['auth.ts', 'persona.ts', 'vc-start.ts']);
    const thresholds = readFileSync(join(loadDir, 'thresholds.ts'), 'utf8');
    expect(thresholds).toContain('export const P95_MS = 200;');
    expect(thresholds).toContain('export const MAX_FAILED_RATE = 0.01;');
    for (const s of scripts) {
      const text = readFileSync(join(loadDir, s), 'utf8');
      expect(text, s).toMatch(/_duration: \[`p\(95\)<\$\{P95_MS\}`\]/);
      expect(text, s).toMatch(/_failed: \[`rate<\$\{MAX_FAILED_RATE\}`\]/);
    }
  });
});
