/**
 * Shared helpers for the infra-templates tests: loading templates (short-form intrinsics included),
 * parameter files and cdk-nag acknowledgements; one cfn-lint run over all templates; one CDK app that
 * includes every template through CfnInclude and runs cdk-nag's AwsSolutionsChecks plus CDK's default
 * CloudFormation rules; and the generic walks (IAM statements, log groups) the assertions use.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { CfnInclude } from 'aws-cdk-lib/cloudformation-include';
import { AwsSolutionsChecks } from 'cdk-nag';
import { parse, YAMLMap, YAMLSeq, type CollectionTag, type ScalarTag } from 'yaml';

export const infraRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const templatesDir = join(infraRoot, 'templates');
export const parametersDir = join(infraRoot, 'parameters');
export const nagDir = join(infraRoot, 'nag');

export const ENVIRONMENTS = ['staging', 'prod'] as const;
export const REGIONS = ['eu-central-1', 'eu-west-1'] as const;

/** A CloudFormation template as plain data, short-form tags turned into their long form. */
export interface Template {
  AWSTemplateFormatVersion?: string;
  Description?: string;
  Metadata?: Record<string, unknown>;
  Parameters?: Record<string, { Type: string; Default?: unknown; AllowedValues?: unknown[]; [k: string]: unknown }>;
  Conditions?: Record<string, unknown>;
  Resources: Record<string, Resource>;
  Outputs?: Record<string, { Value: unknown; Export?: { Name: unknown }; [k: string]: unknown }>;
  [k: string]: unknown;
}

export interface Resource {
  Type: string;
  Condition?: string;
  Properties?: Record<string, any>;
  DependsOn?: string | string[];
  [k: string]: unknown;
}

// ---------------------------------------------------------------- YAML with CloudFormation tags

const FN_NAMES = ['Base64', 'Cidr', 'FindInMap', 'GetAZs', 'ImportValue', 'Join', 'Select', 'Split', 'Sub', 'Transform', 'And', 'Equals', 'If', 'Not', 'Or', 'Contains', 'ToJsonString', 'Length'];

function intrinsicTags(): (ScalarTag | CollectionTag)[] {
  const tags: (ScalarTag | CollectionTag)[] = [];
  const key = (name: string) => (name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`);
  for (const name of [...FN_NAMES, 'Ref', 'Condition', 'GetAtt']) {
    const wrap = (value: unknown) => ({ [key(name)]: name === 'GetAtt' && typeof value === 'string' ? splitGetAtt(value) : value });
    tags.push({ tag: `!${name}`, resolve: (value: string) => wrap(value) } as ScalarTag);
    tags.push({ tag: `!${name}`, collection: 'seq', nodeClass: YAMLSeq, resolve: (seq: YAMLSeq) => wrap(seq.toJSON()) } as unknown as CollectionTag);
    tags.push({ tag: `!${name}`, collection: 'map', nodeClass: YAMLMap, resolve: (map: YAMLMap) => wrap(map.toJSON()) } as unknown as CollectionTag);
  }
  return tags;
}

function splitGetAtt(value: string): string[] {
  const dot = value.indexOf('.');
  return dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)];
}

const CFN_TAGS = intrinsicTags();

export function parseCfnYaml(text: string): unknown {
  return parse(text, { customTags: CFN_TAGS, maxAliasCount: -1 });
}

// ---------------------------------------------------------------- files

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

// ---------------------------------------------------------------- cfn-lint

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
      if (!hook) throw new Error('AWS::ECS::Service schema has no DeploymentLifecycleHook: update SCHEMA_PATCHES in infra-templates/test/support.ts');
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
export function patchedSchemasDir(): string | undefined {
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

// ---------------------------------------------------------------- CfnInclude + cdk-nag

export interface NagFinding {
  stack: string;
  /** Rule id as reported, e.g. AwsSolutions-IAM5[Resource::*] or E3012 (CDK's default rules). */
  rule: string;
  plugin: string;
  severity: string;
  /** Logical id in the template, or the construct path when there is none. */
  resource: string;
  description: string;
}

export interface NagResult {
  /** Findings nothing acknowledged: the test wants none. */
  findings: NagFinding[];
  /** Acknowledgements in nag/<stack>.yaml that matched a finding, per stack. */
  acknowledgedCount: Record<string, number>;
  /** Acknowledgements that matched nothing (stale reasons mislead readers). */
  unusedAcknowledgements: { stack: string; id: string; resources?: string[] }[];
  /** Problems in the nag files themselves (unknown logical ids, empty reasons). */
  acknowledgementErrors: string[];
  /** Warnings from CDK's default CloudFormation rules (informational; cfn-lint gates these). */
  defaultRuleWarnings: NagFinding[];
  synthMs: number;
}

interface ReportViolation {
  ruleName: string;
  description: string;
  severity: string;
  violatingConstructs: { constructPath: string; cloudFormationResource?: { logicalId?: string } }[];
}

const ACK_KEY = Validations.ACKNOWLEDGED_RULES_METADATA_KEY;

/**
 * One App, one Stack per template (named after it), each template included whole. Acknowledgements
 * come from nag/<stack>.yaml. Synthesis does not throw on findings: the validation report is read
 * back so the test can print every finding at once.
 */
export function synthWithNag(stacks: string[]): NagResult {
  const outdir = mkdtempSync(join(tmpdir(), 'infra-nag-'));
  const started = Date.now();
  try {
    const app = new App({
      outdir,
      context: {
        '@aws-cdk/core:validateAgainstDefaultRules': true,
        '@aws-cdk/core:failSynthOnValidationErrors': false,
      },
    });
    const acknowledgementErrors: string[] = [];
    const declared: { stack: string; ack: NagAcknowledgement; paths: string[] }[] = [];
    for (const name of stacks) {
      const stack = new Stack(app, name, { stackName: name });
      const include = new CfnInclude(stack, 'T', { templateFile: templatePath(name) });
      const resources = new Set(Object.keys(loadTemplate(name).Resources ?? {}));
      for (const ack of loadAcknowledgements(name)) {
        if (!ack?.id || typeof ack.reason !== 'string' || ack.reason.trim().length < 20) {
          acknowledgementErrors.push(`nag/${name}.yaml: ${ack?.id ?? '(no id)'} needs a reason of at least 20 characters`);
          continue;
        }
        const targets = ack.resources?.length ? ack.resources : undefined;
        const unknown = targets?.filter((r) => !resources.has(r)) ?? [];
        if (unknown.length) acknowledgementErrors.push(`nag/${name}.yaml: ${ack.id} names unknown resources ${unknown.join(', ')}`);
        const constructs = targets ? targets.filter((r) => resources.has(r)).map((r) => include.getResource(r)) : [stack];
        for (const c of constructs) Validations.of(c).acknowledge({ id: ack.id, reason: ack.reason });
        declared.push({ stack: name, ack, paths: constructs.map((c) => c.node.path) });
      }
    }
    const used = new Set<string>();
    const nag = new AwsSolutionsChecks(app);
    recordAcknowledgementUse(nag, used);
    Validations.of(app).addPlugins(nag);
    const assembly = app.synth();
    const synthMs = Date.now() - started;

    const reportFile = join(assembly.directory, 'validation-report.json');
    const report = existsSync(reportFile)
      ? (JSON.parse(readFileSync(reportFile, 'utf8')) as { pluginReports: { pluginName: string; violations: ReportViolation[]; suppressedViolations?: ReportViolation[] }[] })
      : { pluginReports: [] };
    const findings: NagFinding[] = [];
    const defaultRuleWarnings: NagFinding[] = [];
    for (const plugin of report.pluginReports) {
      for (const v of plugin.violations) {
        for (const c of v.violatingConstructs) {
          const [stack, , logicalId] = c.constructPath.split('/');
          const finding: NagFinding = {
            stack,
            rule: v.ruleName,
            plugin: plugin.pluginName,
            severity: v.severity,
            resource: c.cloudFormationResource?.logicalId ?? logicalId ?? c.constructPath,
            description: v.description,
          };
          const isNag = plugin.pluginName === nag.readPackName;
          if (isNag || v.severity === 'error' || v.severity === 'fatal') findings.push(finding);
          else defaultRuleWarnings.push(finding);
        }
      }
      // CDK's own suppression bookkeeping (default rules acknowledged by id).
      for (const v of plugin.suppressedViolations ?? []) {
        for (const c of v.violatingConstructs) used.add(`${ackPrefix(c.constructPath, declared)}|${v.ruleName}`);
      }
    }
    const acknowledgedCount: Record<string, number> = {};
    const unusedAcknowledgements: NagResult['unusedAcknowledgements'] = [];
    for (const d of declared) {
      if (d.paths.some((p) => used.has(`${p}|${d.ack.id}`))) acknowledgedCount[d.stack] = (acknowledgedCount[d.stack] ?? 0) + 1;
      else unusedAcknowledgements.push({ stack: d.stack, id: d.ack.id, resources: d.ack.resources });
    }
    return { findings, acknowledgedCount, unusedAcknowledgements, acknowledgementErrors, defaultRuleWarnings, synthMs };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** The acknowledging construct path that covers `constructPath` (closest ancestor), for default-rule suppressions. */
function ackPrefix(constructPath: string, declared: { paths: string[] }[]): string {
  const all = declared.flatMap((d) => d.paths).sort((a, b) => b.length - a.length);
  return all.find((p) => constructPath === p || constructPath.startsWith(`${p}/`)) ?? constructPath;
}

/**
 * cdk-nag checks acknowledgements itself (walking up from each resource) and drops acknowledged
 * findings without a trace; wrapping that check is the only way to learn which acknowledgements are
 * still needed. Records `<acknowledging construct path>|<rule id>` for each one that matched.
 */
function recordAcknowledgementUse(pack: AwsSolutionsChecks, used: Set<string>): void {
  type Node = { node: { scope?: Node; path: string; metadata: { type: string; data?: Record<string, string> }[] } };
  const target = pack as unknown as { isAcknowledged(resource: Node, ruleId: string): boolean };
  if (typeof target.isAcknowledged !== 'function') {
    throw new Error('cdk-nag no longer has NagPack.isAcknowledged: update recordAcknowledgementUse in infra-templates/test/support.ts');
  }
  const original = target.isAcknowledged.bind(pack);
  target.isAcknowledged = (resource, ruleId) => {
    const hit = original(resource, ruleId);
    if (hit) {
      for (let c: Node | undefined = resource; c; c = c.node.scope) {
        const mine = c.node.metadata.some((e) => e.type === ACK_KEY && e.data && Object.keys(e.data).some((k) => k.replace(/^annotation::/i, '') === ruleId));
        if (mine) {
          used.add(`${c.node.path}|${ruleId}`);
          break;
        }
      }
    }
    return hit;
  };
}

// ---------------------------------------------------------------- generic walks

export interface PolicyStatement {
  Effect?: string;
  Action?: unknown;
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
  [k: string]: unknown;
}

/** Every policy statement anywhere in the template (IAM, resource, key and endpoint policies), with where it is. */
export function policyStatements(template: Template): { resource: string; statement: PolicyStatement }[] {
  const out: { resource: string; statement: PolicyStatement }[] = [];
  const walk = (node: unknown, resource: string) => {
    if (Array.isArray(node)) return node.forEach((n) => walk(n, resource));
    if (!node || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) {
      if (k === 'Statement') {
        for (const s of (Array.isArray(v) ? v : [v]).flatMap(branches)) out.push({ resource, statement: s as PolicyStatement });
      } else walk(v, resource);
    }
  };
  for (const [id, r] of Object.entries(template.Resources ?? {})) walk(r, id);
  return out;
}

/** A conditional statement (Fn::If) stands for both of its branches; AWS::NoValue for none. */
function branches(node: unknown): object[] {
  if (!node || typeof node !== 'object') return [];
  const cond = (node as Record<string, unknown>)['Fn::If'];
  if (Array.isArray(cond)) return [cond[1], cond[2]].flatMap(branches);
  if ((node as Record<string, unknown>).Ref === 'AWS::NoValue') return [];
  return [node];
}

const asList = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Allow statements granting every action (`*`, or NotAction) on every resource (`*`, or NotResource). */
export function isAdminStatement(s: PolicyStatement): boolean {
  if ((s.Effect ?? 'Allow') !== 'Allow') return false;
  const everyAction = asList(s.Action).includes('*') || s.NotAction !== undefined;
  const everyResource = asList(s.Resource).includes('*') || s.NotResource !== undefined;
  return everyAction && everyResource;
}

export function resourcesOfType(template: Template, type: string): [string, Resource][] {
  return Object.entries(template.Resources ?? {}).filter(([, r]) => r.Type === type);
}

/** Every resource of `type` across all templates, with its stack. */
export function allResourcesOfType(stacks: string[], type: string): { stack: string; id: string; resource: Resource }[] {
  return stacks.flatMap((stack) => resourcesOfType(loadTemplate(stack), type).map(([id, resource]) => ({ stack, id, resource })));
}

// ---------------------------------------------------------------- evaluating a template for given parameters

export type ParameterValues = Record<string, unknown>;

/** Parameter values as CloudFormation would see them: the given ones, else each default. */
export function parameterValues(template: Template, given: ParameterValues = {}): ParameterValues {
  const out: ParameterValues = {};
  for (const [k, p] of Object.entries(template.Parameters ?? {})) {
    const v = k in given ? given[k] : p.Default;
    out[k] = p.Type === 'CommaDelimitedList' && typeof v === 'string' ? v.split(',').map((s) => s.trim()) : v;
  }
  return out;
}

/** Every condition's truth for the given parameters (Fn::Equals/Not/And/Or/Condition over Refs). */
export function evaluateConditions(template: Template, given: ParameterValues = {}): Record<string, boolean> {
  const params = parameterValues(template, given);
  const memo: Record<string, boolean> = {};
  const value = (node: unknown): unknown => {
    if (node && typeof node === 'object' && !Array.isArray(node)) {
      const [[fn, arg]] = Object.entries(node);
      if (fn === 'Ref') {
        if (!(String(arg) in params)) throw new Error(`condition refers to ${String(arg)}, not a parameter`);
        return params[String(arg)];
      }
      if (fn === 'Fn::Join') return ((value((arg as unknown[])[1]) as unknown[]) ?? []).join(String((arg as unknown[])[0]));
      return truth(node);
    }
    return node;
  };
  const truth = (node: unknown): boolean => {
    const [[fn, arg]] = Object.entries(node as Record<string, unknown>);
    const args = arg as unknown[];
    switch (fn) {
      case 'Fn::Equals': return String(value(args[0])) === String(value(args[1]));
      case 'Fn::Not': return !truth(args[0]);
      case 'Fn::And': return args.every(truth);
      case 'Fn::Or': return args.some(truth);
      case 'Condition': return condition(String(arg));
      default: throw new Error(`unsupported condition function ${fn}`);
    }
  };
  const condition = (name: string): boolean => {
    if (!(name in memo)) {
      const def = template.Conditions?.[name];
      if (def === undefined) throw new Error(`unknown condition ${name}`);
      memo[name] = truth(def);
    }
    return memo[name];
  };
  for (const name of Object.keys(template.Conditions ?? {})) condition(name);
  return memo;
}

const NO_VALUE = Symbol('AWS::NoValue');

/**
 * The template as deployed with these parameters: resources and outputs whose condition is false
 * dropped, Fn::If branches chosen, AWS::NoValue removed, Refs to parameters and static
 * Fn::FindInMap replaced by their values. Everything else (GetAtt, ImportValue, Sub, ...) stays.
 */
export function instantiate(template: Template, given: ParameterValues = {}): Template {
  const params = parameterValues(template, given);
  const conditions = evaluateConditions(template, given);
  const resolve = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(resolve).filter((n) => n !== NO_VALUE);
    if (!node || typeof node !== 'object') return node;
    const entries = Object.entries(node);
    if (entries.length === 1) {
      const [fn, arg] = entries[0];
      if (fn === 'Ref' && arg === 'AWS::NoValue') return NO_VALUE;
      if (fn === 'Ref' && typeof arg === 'string' && arg in params) return params[arg];
      if (fn === 'Fn::If') {
        const [cond, whenTrue, whenFalse] = arg as [string, unknown, unknown];
        return resolve(conditions[cond] ? whenTrue : whenFalse);
      }
      if (fn === 'Fn::FindInMap') {
        const [map, k1, k2] = (arg as unknown[]).map(resolve);
        const hit = (template.Mappings as Record<string, Record<string, Record<string, unknown>>> | undefined)?.[String(map)]?.[String(k1)]?.[String(k2)];
        if (hit !== undefined) return hit;
      }
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of entries) {
      const r = resolve(v);
      if (r !== NO_VALUE) out[k] = r;
    }
    return out;
  };
  const keep = <T,>(items: Record<string, T> = {}): Record<string, T> =>
    Object.fromEntries(Object.entries(items).filter(([, v]) => {
      const c = (v as { Condition?: string }).Condition;
      return !c || conditions[c];
    }).map(([k, v]) => [k, resolve(v) as T]));
  return { ...template, Resources: keep(template.Resources), Outputs: keep(template.Outputs ?? {}) };
}

// ---------------------------------------------------------------- cross-stack imports

export interface StackImport {
  /** The template parameter that names the exporting stack (NetworkStack, EdgeStack, ...). */
  stackParameter: string;
  /** The exporting template, by the parameter's name: EdgeStack → edge. */
  provider: string;
  /** What follows `<stack name>-` in the export name. */
  exportSuffix: string;
}

/** Substitutes ${Name} in a Fn::Sub string from parameters and the Sub's own (resolved) variables; null if any stays open. */
function substitute(text: string, vars: Record<string, unknown>): string | null {
  let open = false;
  const out = text.replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
    const v = vars[name];
    if (typeof v === 'string' || typeof v === 'number') return String(v);
    open = true;
    return '';
  });
  return open ? null : out;
}

/**
 * Every Fn::ImportValue of a deployed template (see instantiate), resolved to the exporting stack
 * and export. Imports that cannot be resolved to `<XStack parameter>-<suffix>` are returned as
 * errors: the convention is what lets the test check each one against its provider's outputs.
 */
export function stackImports(deployedTemplate: Template, params: ParameterValues): { imports: StackImport[]; errors: string[] } {
  const imports: StackImport[] = [];
  const errors: string[] = [];
  const stackParams = Object.keys(params).filter((p) => p.endsWith('Stack') && typeof params[p] === 'string');
  const walk = (node: unknown, where: string) => {
    if (Array.isArray(node)) return node.forEach((n) => walk(n, where));
    if (!node || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) {
      if (k !== 'Fn::ImportValue') {
        walk(v, where);
        continue;
      }
      const sub = (v as Record<string, unknown>)?.['Fn::Sub'];
      const [text, own] = Array.isArray(sub) ? [sub[0] as string, sub[1] as Record<string, unknown>] : [sub as string, {}];
      const name = typeof v === 'string' ? v : typeof text === 'string' ? substitute(text, { ...params, ...own }) : null;
      const stackParameter = name === null ? undefined : stackParams.find((p) => name.startsWith(`${String(params[p])}-`));
      if (name === null || !stackParameter) {
        errors.push(`${where}: cannot resolve the import ${JSON.stringify(v)} to <...Stack parameter>-<export>`);
        continue;
      }
      const provider = stackParameter.slice(0, -'Stack'.length).replace(/^./, (c) => c.toLowerCase());
      imports.push({ stackParameter, provider, exportSuffix: name.slice(String(params[stackParameter]).length + 1) });
    }
  };
  for (const [id, r] of Object.entries(deployedTemplate.Resources)) walk(r, id);
  for (const [id, o] of Object.entries(deployedTemplate.Outputs ?? {})) walk(o, `Outputs/${id}`);
  return { imports, errors };
}

/** Export suffixes a deployed template provides (outputs exported as `${AWS::StackName}-<suffix>`). */
export function exportSuffixes(deployedTemplate: Template): string[] {
  return Object.values(deployedTemplate.Outputs ?? {})
    .map((o) => (o.Export?.Name as Record<string, unknown> | undefined)?.['Fn::Sub'])
    .filter((s): s is string => typeof s === 'string' && s.startsWith('${AWS::StackName}-'))
    .map((s) => s.slice('${AWS::StackName}-'.length));
}
