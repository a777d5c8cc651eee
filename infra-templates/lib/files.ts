/**
 * Where the templates, parameter files and cdk-nag acknowledgements live, and reading them: stack
 * names, the regions a stack is deployed to, a stack's parameter files per env/region.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { parseCfnYaml, type Template } from './parse.js';

export const infraRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));
const templatesDir = join(infraRoot, 'templates');
export const parametersDir = join(infraRoot, 'parameters');
const nagDir = join(infraRoot, 'nag');

export const ENVIRONMENTS = ['staging', 'prod'] as const;
export const REGIONS = ['eu-central-1', 'eu-west-1'] as const;
/**
 * Stack names: one per templates/<stack>.yaml, sorted. INFRA_STACKS=a,b narrows a local run to some
 * stacks while one edits them; CI sets no such thing and checks them all.
 */
export function stackNames(): string[] {
  const all = templateNames();
  const only = process.env.INFRA_STACKS?.split(',').map((s) => s.trim()).filter(Boolean);
  if (!only?.length) return all;
  if (process.env.CI === 'true') throw new Error('INFRA_STACKS narrows the check to some stacks: not in CI');
  return all.filter((s) => only.includes(s));
}

/** Every template's stack name, whatever INFRA_STACKS says. */
export function templateNames(): string[] {
  if (!existsSync(templatesDir)) return [];
  return readdirSync(templatesDir).filter((f) => f.endsWith('.yaml')).map((f) => basename(f, '.yaml')).sort();
}

export function templatePath(stack: string): string {
  return join(templatesDir, `${stack}.yaml`);
}

const templateCache = new Map<string, Template>();

export function loadTemplate(stack: string): Template {
  let t = templateCache.get(stack);
  if (!t) {
    t = parseCfnYaml(readFileSync(templatePath(stack), 'utf8')) as Template;
    templateCache.set(stack, t);
  }
  return t;
}

/** The regions a stack is deployed to: Metadata.Deployment.Regions when a stack lives in fewer than both. */
export function stackRegions(template: Template): string[] {
  const declared = (template.Metadata?.Deployment as { Regions?: string[] } | undefined)?.Regions;
  return declared?.length ? declared : [...REGIONS];
}

/** The parameter file of a stack deployed once per env/region. */
export function parameterFilePath(env: string, region: string, stack: string): string {
  return join(parametersDir, env, region, `${stack}.yaml`);
}

/**
 * Parameter files of a stack in one env/region: `<stack>.yaml`, or one `<stack>-<instance>.yaml` per
 * instance of a stack deployed several times (the service stack: service-auth.yaml, ...).
 */
export function parameterFiles(env: string, region: string, stack: string): string[] {
  const dir = join(parametersDir, env, region);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f === `${stack}.yaml` || (f.startsWith(`${stack}-`) && f.endsWith('.yaml') && !templateNames().includes(basename(f, '.yaml'))))
    .sort()
    .map((f) => join(dir, f));
}

/** A parameter file: a plain `Key: Value` map (what deploy-stack's `parameters` input reads). */
export function loadParameterFile(file: string): Record<string, unknown> {
  const data = parse(readFileSync(file, 'utf8')) as unknown;
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) throw new Error(`${relative(infraRoot, file)}: expected a Key: Value map`);
  return data as Record<string, unknown>;
}

export interface NagAcknowledgement {
  id: string;
  reason: string;
  /** Logical ids in the template; absent = the whole stack. */
  resources?: string[];
}

export function loadAcknowledgements(stack: string): NagAcknowledgement[] {
  const file = join(nagDir, `${stack}.yaml`);
  if (!existsSync(file)) return [];
  const data = parse(readFileSync(file, 'utf8')) as unknown;
  if (data === null) return [];
  if (!Array.isArray(data)) throw new Error(`nag/${stack}.yaml: expected a list of { id, reason, resources? }`);
  return data as NagAcknowledgement[];
}
