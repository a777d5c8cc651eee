// The files users start local runs from: each local-action .env example sets only inputs its action
// declares (and every required one), and the act event payload gives the rollback workflow exactly
// the dispatch inputs it declares, with choices among its options. act itself needs a Docker engine,
// so this is what can be checked without one.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { repoRoot } from '../support/harness.js';

const LOCAL = join(repoRoot, 'docs/local');

interface InputSpec { required?: boolean; default?: unknown; type?: string; options?: string[] }

/** KEY=value lines (dotenv's plain form), comments and blanks dropped; quotes taken off. */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z_][A-Za-z0-9_.-]*)=(.*)$/.exec(line.trim());
    if (m) out[m[1]] = m[2].replace(/^"(.*)"$/, '$1');
  }
  return out;
}

function actionInputs(action: string): Record<string, InputSpec> {
  return (parseYaml(readFileSync(join(repoRoot, 'actions', action, 'action.yml'), 'utf8')) as { inputs: Record<string, InputSpec> }).inputs;
}

const examples = readdirSync(LOCAL).filter((f) => f.endsWith('.env.example'));

describe('local-action .env examples', () => {
  it('exist for every action', () => {
    expect(examples.map((f) => f.replace('.env.example', '')).sort()).toEqual(['build-scan-push', 'canary-ramp', 'deploy-stack', 'rollback', 'slo-gate']);
  });

  it.each(examples)('%s sets only declared inputs, and every required one', (file) => {
    const action = file.replace('.env.example', '');
    const declared = actionInputs(action);
    const vars = parseEnvFile(readFileSync(join(LOCAL, file), 'utf8'));
    const given = Object.keys(vars).filter((k) => k.startsWith('INPUT_')).map((k) => k.slice('INPUT_'.length).toLowerCase());
    expect(given.length).toBeGreaterThan(0);
    expect(given.filter((name) => !(name in declared))).toEqual([]);
    const required = Object.entries(declared).filter(([, s]) => s.required && s.default === undefined).map(([n]) => n);
    expect(required.filter((n) => !given.includes(n))).toEqual([]);
    expect(readFileSync(join(LOCAL, file), 'utf8')).toContain(`local-action run actions/${action} main.ts .env`);
  });
});

describe('act files', () => {
  const workflow = parseYaml(readFileSync(join(repoRoot, '.github/workflows/rollback.yml'), 'utf8')) as { on: { workflow_dispatch: { inputs: Record<string, InputSpec> } } };
  const declared = workflow.on.workflow_dispatch.inputs;
  const event = JSON.parse(readFileSync(join(LOCAL, 'act/rollback-dispatch.json'), 'utf8')) as { inputs: Record<string, string> };

  it('the dispatch payload gives exactly the declared inputs, every required one, choices among the options', () => {
    expect(Object.keys(event.inputs).filter((k) => !(k in declared))).toEqual([]);
    const required = Object.entries(declared).filter(([, s]) => s.required).map(([n]) => n);
    expect(required.filter((n) => !(n in event.inputs))).toEqual([]);
    for (const [name, spec] of Object.entries(declared)) {
      if (spec.type === 'choice' && name in event.inputs) expect(spec.options).toContain(event.inputs[name]);
    }
  });

  it('the alb target has the three fields the workflow splits it into', () => {
    const fields = event.inputs.target.split(' ');
    expect(fields).toHaveLength(3);
    expect(fields[0]).toMatch(/:listener\/app\//);
    expect(fields.slice(1).every((f) => /:targetgroup\//.test(f))).toBe(true);
  });

  it('the secrets template names the credentials act passes instead of OIDC', () => {
    const vars = parseEnvFile(readFileSync(join(LOCAL, 'act/secrets.example'), 'utf8'));
    expect(Object.keys(vars)).toEqual(expect.arrayContaining(['GITHUB_TOKEN', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']));
    expect(Object.values(vars).every((v) => v === '')).toBe(true);
  });
});
