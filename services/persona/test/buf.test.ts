// Contract: persona's proto is linted and checked for breaking changes against the last released copy,
// offline (buf ships in the @bufbuild/buf npm package). A temp copy with a removed field must fail.
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../../test/support/harness.js';

const run = promisify(execFile);
const buf = join(repoRoot, 'node_modules/.bin/buf');
const personaDir = join(repoRoot, 'services/persona');

async function bufRun(cwd: string, args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run(buf, args, { cwd, env: { ...process.env, BUF_CACHE_DIR: join(tmpdir(), 'buf-cache') } });
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

const temps: string[] = [];
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A copy of services/persona whose proto the test may edit. */
function workingCopy(edit: (proto: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'persona-proto-'));
  temps.push(dir);
  cpSync(join(personaDir, 'buf.yaml'), join(dir, 'buf.yaml'));
  cpSync(join(personaDir, 'proto'), join(dir, 'proto'), { recursive: true });
  cpSync(join(personaDir, 'released'), join(dir, 'released'), { recursive: true });
  const file = join(dir, 'proto/persona/v1/persona.proto');
  writeFileSync(file, edit(readFileSync(file, 'utf8')));
  return dir;
}

describe('buf', () => {
  it('the proto passes buf lint', async () => {
    expect(await bufRun(personaDir, ['lint'])).toEqual({ code: 0, out: '' });
  });

  it('the working proto has no breaking change against the released one', async () => {
    expect(await bufRun(personaDir, ['breaking', '--against', 'released'])).toEqual({ code: 0, out: '' });
  });

  it('catches a removed field', async () => {
    const dir = workingCopy((p) => p.replace(/\n\s*repeated string interests = 4;/, ''));
    const r = await bufRun(dir, ['breaking', '--against', 'released']);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/Previously present field "4" with name "interests" on message "Persona" was deleted/);
  });

  it('catches a changed field type and a removed method', async () => {
    const dir = workingCopy((p) => p.replace('int64 created_at_unix_ms = 5;', 'string created_at_unix_ms = 5;').replace(/\n\s*\/\/ AnalysePersona[^\n]*\n\s*rpc AnalysePersona[^\n]*/, ''));
    const r = await bufRun(dir, ['breaking', '--against', 'released']);
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('created_at_unix_ms');
    expect(r.out).toMatch(/Previously present RPC "AnalysePersona" on service "PersonaService" was deleted/);
  });

  it('allows an added field', async () => {
    const dir = workingCopy((p) => p.replace('int64 created_at_unix_ms = 5;', 'int64 created_at_unix_ms = 5;\n  string locale = 6;'));
    expect((await bufRun(dir, ['breaking', '--against', 'released'])).code).toBe(0);
  });
});
