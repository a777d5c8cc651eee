/**
 * The workflows fit the platform by construction: every job that assumes the deploy role runs in a
 * GitHub environment whose OIDC subject the role trusts, asks for a session the role allows, and
 * every CloudFormation deploy passes the execution role. Both sides are read from the files (the
 * workflows, infra-templates/templates/security.yaml and its parameter files), so drift on either
 * side fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { repoRoot } from '../support/harness.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
interface Step { uses?: string; with?: Record<string, Json>; run?: string }
interface Job { environment?: string | { name: string }; strategy?: { matrix?: Record<string, Json> }; steps?: Step[]; uses?: string; with?: Record<string, Json>; permissions?: Record<string, string> | string }
interface Workflow { on: Record<string, { inputs?: Record<string, { default?: Json }> } | null>; jobs: Record<string, Job> }

const CONFIGURE = /^aws-actions\/configure-aws-credentials@/;
const DEPLOY_STACK = /^mesh-actions\/mesh-actions\/(actions\/)?deploy-stack@/;
/** configure-aws-credentials' own default session length. */
const DEFAULT_SESSION = 3600;

const readYaml = <T>(path: string): T => parseYaml(readFileSync(join(repoRoot, path), 'utf8'), { logLevel: 'error' }) as T;

/**
 * The few expressions the workflows use where identity is decided: `inputs.x`, `matrix.x`,
 * `fromJSON(inputs.x)[0]`, joined by literal text. Anything else is an error here, so a new
 * expression cannot slip past the test unevaluated.
 */
export function evaluate(text: string, ctx: { inputs: Record<string, Json>; matrix: Record<string, Json> }): string {
  return text.replace(/\$\{\{\s*(.+?)\s*\}\}/g, (_m, expr: string) => {
    let m = /^(inputs|matrix)\.([\w-]+)$/.exec(expr);
    if (m) return String(ctx[m[1] as 'inputs' | 'matrix'][m[2]] ?? '');
    m = /^fromJSON\(inputs\.([\w-]+)\)\[(\d+)\]$/.exec(expr);
    if (m) return String((JSON.parse(String(ctx.inputs[m[1]])) as Json[])[Number(m[2])]);
    throw new Error(`the trust test cannot evaluate \${{ ${expr} }}`);
  });
}

/** Every combination of a job's matrix, with fromJSON(inputs.x) lists expanded from the input defaults. */
function matrixRows(job: Job, inputs: Record<string, Json>): Record<string, Json>[] {
  const matrix = job.strategy?.matrix;
  if (!matrix) return [{}];
  let rows: Record<string, Json>[] = [{}];
  for (const [key, spec] of Object.entries(matrix)) {
    let values: Json[];
    if (Array.isArray(spec)) values = spec;
    else {
      const m = /^\$\{\{\s*fromJSON\((inputs|needs)\.([\w.-]+)\)\s*\}\}$/.exec(String(spec));
      if (!m) throw new Error(`matrix.${key}: ${JSON.stringify(spec)} is not a list the test can expand`);
      // A list computed by an earlier job (rollback's plan) ranges over the platform's regions.
      values = m[1] === 'inputs' ? (JSON.parse(String(inputs[m[2]])) as Json[]) : (JSON.parse(String(inputs.regions ?? '["eu-central-1","eu-west-1"]')) as Json[]);
    }
    rows = rows.flatMap((row) => values.map((v) => ({ ...row, [key]: v })));
  }
  return rows;
}

export interface RoleUse {
  workflow: string; job: string; environment: string; session: number; deploysStacks: boolean; passesExecutionRole: boolean;
  /** The environment follows the caller's `environment` input (a pipeline for any platform environment), rather than naming one. */
  followsInput: boolean;
}

/** Each (workflow, job, matrix row) that assumes an AWS role: its environment and requested session. */
export function roleUses(file: string, workflow: Workflow, overrides: Record<string, Json> = {}): RoleUse[] {
  const declared = Object.values(workflow.on ?? {}).flatMap((t) => Object.entries(t?.inputs ?? {}));
  const inputs: Record<string, Json> = { ...Object.fromEntries(declared.map(([k, v]) => [k, v?.default ?? ''])), ...overrides };
  const out: RoleUse[] = [];
  for (const [name, job] of Object.entries(workflow.jobs)) {
    const configure = (job.steps ?? []).filter((s) => CONFIGURE.test(s.uses ?? ''));
    if (!configure.length) continue;
    for (const matrix of matrixRows(job, inputs)) {
      const env = typeof job.environment === 'object' ? job.environment.name : job.environment;
      const deploys = (job.steps ?? []).filter((s) => DEPLOY_STACK.test(s.uses ?? ''));
      out.push({
        workflow: file, job: name,
        environment: env === undefined ? '' : evaluate(env, { inputs, matrix }),
        followsInput: env !== undefined && /inputs\.environment\b/.test(env),
        session: Math.max(...configure.map((s) => Number(s.with?.['role-duration-seconds'] ?? DEFAULT_SESSION))),
        deploysStacks: deploys.length > 0,
        passesExecutionRole: deploys.every((s) => typeof s.with?.['role-arn'] === 'string' && s.with['role-arn'] !== ''),
      });
    }
  }
  return out;
}

interface Platform { env: string; subjects: string[]; maxSession: number }

/** The deploy role as the security stack creates it, per environment: the subjects it trusts and its longest session. */
function platforms(): Platform[] {
  const template = readFileSync(join(repoRoot, 'infra-templates/templates/security.yaml'), 'utf8');
  const subjects = [...template.matchAll(/^\s+- !Sub '(repo:\$\{GitHubOrg\}[^']*)'$/gm)].map((m) => m[1]);
  const envs = readdirSync(join(repoRoot, 'infra-templates/parameters'));
  return envs.map((env) => {
    const values = readYaml<Record<string, string | number>>(`infra-templates/parameters/${env}/eu-central-1/security.yaml`);
    const sub = (s: string) => s.replace(/\$\{(\w+)\}/g, (_m, k: string) => String(values[k]));
    return { env, subjects: subjects.map(sub), maxSession: Number(values.MaxSessionSeconds) };
  });
}

const WORKFLOWS = ['.github/workflows', 'workflows'].flatMap((dir) =>
  readdirSync(join(repoRoot, dir)).filter((f) => f.endsWith('.yml')).map((f) => `${dir}/${f}`));

describe('workflows against the deploy role', () => {
  const plats = platforms();

  it('reads the role: three subjects (build, and one per region) and a session length per environment', () => {
    expect(plats.map((p) => p.env).sort()).toEqual(['prod', 'staging']);
    for (const p of plats) {
      expect(p.subjects).toEqual([`repo:example-org/example-service:environment:${p.env}:ref:refs/heads/main`,
        `repo:example-org/example-service:environment:${p.env}-eu-central-1:ref:refs/heads/main`,
        `repo:example-org/example-service:environment:${p.env}-eu-west-1:ref:refs/heads/main`]);
      expect(p.maxSession).toBeGreaterThanOrEqual(3600);
    }
  });

  for (const p of plats) {
    it(`${p.env}: every job that assumes the role has a trusted environment, a session within MaxSessionDuration, and deploys with the execution role`, () => {
      const uses = WORKFLOWS.flatMap((f) => roleUses(f, readYaml<Workflow>(f), { environment: p.env }));
      // The reusable pipeline's build job and both region waves, and the rollback per region.
      expect(uses.map((u) => `${u.workflow}:${u.job}:${u.environment}`)).toEqual(expect.arrayContaining([
        `.github/workflows/deploy-service.yml:build:${p.env}`,
        `.github/workflows/deploy-service.yml:wave:${p.env}-eu-central-1`,
        `.github/workflows/deploy-service.yml:wave:${p.env}-eu-west-1`,
        `.github/workflows/rollback.yml:rollback:${p.env}-eu-central-1`,
        `.github/workflows/rollback.yml:rollback:${p.env}-eu-west-1`,
      ]));
      const problems: string[] = [];
      for (const u of uses) {
        const where = `${u.workflow} job ${u.job} (${u.environment || 'no environment'})`;
        const subject = `repo:example-org/example-service:environment:${u.environment}:ref:refs/heads/main`;
        // A job that names its environment (chaos.yml: staging only) must be trusted by some platform
        // environment's role; one that follows the caller's input, by the role of the one it is given.
        const trustedHere = p.subjects.includes(subject);
        const trustedSomewhere = plats.some((q) => q.subjects.includes(subject));
        if (!u.environment) problems.push(`${where}: assumes the role without an environment: its OIDC subject cannot match`);
        else if (u.followsInput ? !trustedHere : !trustedSomewhere) problems.push(`${where}: subject ${subject} is not trusted by ${u.followsInput ? `mesh-${p.env}-github-deploy` : 'any environment\'s deploy role'}`);
        const role = u.followsInput || trustedHere ? p : plats.find((q) => q.subjects.includes(subject)) ?? p;
        if (u.session > role.maxSession) problems.push(`${where}: asks for ${u.session} s, the role allows ${role.maxSession} s`);
        if (u.deploysStacks && !u.passesExecutionRole) problems.push(`${where}: deploy-stack without role-arn (the CloudFormation execution role)`);
      }
      expect(problems).toEqual([]);
    });
  }

  it('the subjects the role trusts are all used: no environment trusted for nothing', () => {
    for (const p of plats) {
      const used = new Set(WORKFLOWS.flatMap((f) => roleUses(f, readYaml<Workflow>(f), { environment: p.env })).map((u) => u.environment));
      for (const s of p.subjects) expect(used, s).toContain(/:environment:([^:]+):/.exec(s)![1]);
    }
  });

  it('catches drift: a job without environment, an untrusted one, a session too long, a deploy without the execution role', () => {
    const wf: Workflow = {
      on: { workflow_call: { inputs: { environment: { default: 'prod' } } } },
      jobs: {
        none: { steps: [{ uses: 'aws-actions/configure-aws-credentials@abc' }] },
        other: { environment: 'production', steps: [{ uses: 'aws-actions/configure-aws-credentials@abc' }] },
        long: { environment: '${{ inputs.environment }}', steps: [{ uses: 'aws-actions/configure-aws-credentials@abc', with: { 'role-duration-seconds': 43200 } }] },
        deploy: { environment: '${{ inputs.environment }}', steps: [{ uses: 'aws-actions/configure-aws-credentials@abc' }, { uses: 'mesh-actions/mesh-actions/deploy-stack@v1', with: { name: 'x' } }] },
      },
    };
    const uses = roleUses('x.yml', wf);
    expect(uses.map((u) => [u.job, u.environment, u.session, u.deploysStacks && !u.passesExecutionRole, u.followsInput])).toEqual([
      ['none', '', 3600, false, false], ['other', 'production', 3600, false, false], ['long', 'prod', 43200, false, true], ['deploy', 'prod', 3600, true, true],
    ]);
    expect(() => evaluate('${{ github.ref }}', { inputs: {}, matrix: {} })).toThrow(/cannot evaluate/);
  });
});
