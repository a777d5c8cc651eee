/**
 * cfn-lint over the templates: one process for all files and both regions, with the resource-schema
 * patches for CloudFormation features newer than cfn-lint's bundled schemas (each drops itself once
 * cfn-lint has the feature).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REGIONS } from './files.js';

export interface CfnLintMatch {
  Filename: string;
  Level: 'Error' | 'Warning' | 'Informational';
  Message: string;
  Rule: { Id: string };
  Location: { Start: { LineNumber: number } };
}

export function cfnLintAvailable(): boolean {
  return spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' }).status === 0;
}

/**
 * Resource-schema changes CloudFormation has shipped since the schemas bundled with cfn-lint 1.51:
 * ECS native blue/green deployments' lifecycle hooks of TargetType PAUSE (AWS::ECS::Service
 * DeploymentConfiguration.LifecycleHooks: TargetType, TimeoutConfiguration, the
 * PRE_PRODUCTION_TRAFFIC_SHIFT stage, and HookTargetArn/RoleArn required only for Lambda hooks),
 * which templates/service.yaml's EcsCanary and EcsLinear shapes use. Each patch says whether the
 * bundled schema still lacks the change (`needed`): once cfn-lint ships it, the patch drops itself
 * (no --registry-schemas entry for that type) and stock cfn-lint checks the template. Applied to
 * cfn-lint's own copy of the schema, so every other rule still checks the resource.
 */
export interface SchemaPatch {
  needed(schema: any): boolean;
  apply(schema: any): void;
}

export const SCHEMA_PATCHES: Record<string, SchemaPatch> = {
  'AWS::ECS::Service': {
    needed: (schema) => {
      const hook = schema.definitions?.DeploymentLifecycleHook;
      if (!hook) throw new Error('AWS::ECS::Service schema has no DeploymentLifecycleHook: update SCHEMA_PATCHES in infra-templates/lib/lint.ts');
      return !hook.properties.TargetType || !hook.properties.TimeoutConfiguration || !hook.properties.LifecycleStages.items.enum.includes('PRE_PRODUCTION_TRAFFIC_SHIFT');
    },
    apply: (schema) => {
      const hook = schema.definitions.DeploymentLifecycleHook;
      hook.properties.TargetType ??= { type: 'string', enum: ['AWS_LAMBDA', 'PAUSE'] };
      hook.properties.TimeoutConfiguration ??= { $ref: '#/definitions/HookTimeoutConfig' };
      const stages: string[] = hook.properties.LifecycleStages.items.enum;
      if (!stages.includes('PRE_PRODUCTION_TRAFFIC_SHIFT')) stages.push('PRE_PRODUCTION_TRAFFIC_SHIFT');
      hook.required = ['LifecycleStages'];
      schema.definitions.HookTimeoutConfig ??= {
        type: 'object',
        additionalProperties: false,
        properties: {
          Action: { type: 'string', enum: ['ROLLBACK', 'CONTINUE'] },
          TimeoutInMinutes: { type: 'integer', minimum: 1, maximum: 20160 },
        },
      };
    },
  },
};

/** The schemas that still need their patch, patched; the types whose bundled schema is current are left out. */
export function patchSchemas(bundled: Record<string, any>): { patched: Record<string, any>; current: string[] } {
  const patched: Record<string, any> = {};
  const current: string[] = [];
  for (const [type, patch] of Object.entries(SCHEMA_PATCHES)) {
    const schema = structuredClone(bundled[type]);
    if (!schema) throw new Error(`cfn-lint has no bundled schema for ${type}`);
    if (!patch.needed(schema)) {
      current.push(type);
      continue;
    }
    patch.apply(schema);
    if (patch.needed(schema)) throw new Error(`the schema patch for ${type} does not take`);
    patched[type] = schema;
  }
  return { patched, current };
}

/** The interpreter in a script's `#!` line, when it is a Python. */
function pythonOfScript(path: string): string | undefined {
  if (!path || !existsSync(path)) return undefined;
  const first = readFileSync(path, 'utf8').split('\n', 1)[0];
  const m = /^#!\s*(\S*python[\d.]*)\b/.exec(first);
  return m?.[1];
}

/** Where the cfn-lint on PATH keeps its data (its Python package folder). */
function cfnLintDataDir(): string {
  const which = (cmd: string) => spawnSync('sh', ['-c', cmd], { encoding: 'utf8' }).stdout?.trim() ?? '';
  // The interpreter cfn-lint itself runs on: through a pyenv shim, or the pip launcher's #! line;
  // then whatever python3 is on PATH.
  const candidates = [
    pythonOfScript(which('pyenv which cfn-lint 2>/dev/null')),
    pythonOfScript(which('command -v cfn-lint')),
    'python3',
    'python',
  ].filter((p): p is string => !!p);
  for (const py of candidates) {
    const res = spawnSync(py, ['-c', 'import cfnlint, os; print(os.path.dirname(cfnlint.__file__))'], { encoding: 'utf8' });
    if (res.status === 0 && res.stdout.trim()) return join(res.stdout.trim(), 'data', 'schemas');
  }
  throw new Error('cannot find the cfnlint Python package behind the cfn-lint command');
}

/** cfn-lint's bundled schema of each patched type. */
export function bundledSchemas(): Record<string, any> {
  const data = cfnLintDataDir();
  const index = readFileSync(join(data, 'providers', 'eu_central_1.py'), 'utf8');
  const out: Record<string, any> = {};
  for (const type of Object.keys(SCHEMA_PATCHES)) {
    const hash = new RegExp(`"${type}": "([0-9a-f]+)"`).exec(index)?.[1];
    if (!hash) throw new Error(`cfn-lint has no bundled schema for ${type}`);
    out[type] = JSON.parse(readFileSync(join(data, 'resources', `${hash}.json`), 'utf8'));
  }
  return out;
}

/** Writes the schemas that still need a patch into a fresh folder for --registry-schemas; undefined when none does. */
function patchedSchemasDir(): string | undefined {
  const { patched } = patchSchemas(bundledSchemas());
  if (Object.keys(patched).length === 0) return undefined;
  const out = mkdtempSync(join(tmpdir(), 'cfn-lint-schemas-'));
  for (const [type, schema] of Object.entries(patched)) writeFileSync(join(out, `${type.replace(/::/g, '-').toLowerCase()}.json`), JSON.stringify(schema));
  return out;
}

/**
 * One cfn-lint process over all the files (start-up dominates its cost), both regions, with the
 * schema patches above. Asynchronous, so a test can synthesize the CDK app while it runs.
 */
export function runCfnLint(files: string[]): Promise<CfnLintMatch[]> {
  const schemas = patchedSchemasDir();
  return new Promise((resolvePromise, reject) => {
    const child = spawn('cfn-lint', ['--format', 'json', '--regions', ...REGIONS, ...(schemas ? ['--registry-schemas', schemas] : []), '--', ...files], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (schemas) rmSync(schemas, { recursive: true, force: true });
      // Exit codes are a bit mask of the levels found (2 error, 4 warning, 8 info); 1 is a crash.
      if (code === 1 || code === null) return reject(new Error(`cfn-lint failed (${code ?? signal}): ${stderr}`));
      try {
        resolvePromise(JSON.parse(stdout || '[]') as CfnLintMatch[]);
      } catch (err) {
        reject(new Error(`cfn-lint printed no JSON (${String(err)}): ${stdout.slice(0, 500)} ${stderr.slice(0, 500)}`));
      }
    });
  });
}
