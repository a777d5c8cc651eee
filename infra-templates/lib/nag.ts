/**
 * cdk-nag over the templates: one CDK app that includes every template through CfnInclude and runs
 * AwsSolutionsChecks plus CDK's default CloudFormation rules, with the acknowledgements of
 * nag/<stack>.yaml, reporting every unacknowledged finding and every acknowledgement nothing uses.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { CfnInclude } from 'aws-cdk-lib/cloudformation-include';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadAcknowledgements, loadTemplate, templatePath, type NagAcknowledgement } from './files.js';

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
    const { declared, acknowledgementErrors } = includeTemplates(app, stacks);
    const used = new Set<string>();
    const nag = new AwsSolutionsChecks(app);
    recordAcknowledgementUse(nag, used);
    Validations.of(app).addPlugins(nag);
    const assembly = app.synth();
    const synthMs = Date.now() - started;
    const { findings, defaultRuleWarnings } = readReport(join(assembly.directory, 'validation-report.json'), nag.readPackName, declared, used);
    return { findings, ...acknowledgementUse(declared, used), acknowledgementErrors, defaultRuleWarnings, synthMs };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

interface Declared {
  stack: string;
  ack: NagAcknowledgement;
  /** The construct paths the acknowledgement is attached to. */
  paths: string[];
}

/** One Stack per template, the template included whole, and its acknowledgements attached where they say. */
function includeTemplates(app: App, stacks: string[]): { declared: Declared[]; acknowledgementErrors: string[] } {
  const acknowledgementErrors: string[] = [];
  const declared: Declared[] = [];
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
  return { declared, acknowledgementErrors };
}

/** The synthesized validation report as findings (cdk-nag's, and errors of CDK's default rules) and default-rule warnings; records CDK's own suppressions as used. */
function readReport(reportFile: string, nagPackName: string, declared: Declared[], used: Set<string>): { findings: NagFinding[]; defaultRuleWarnings: NagFinding[] } {
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
        const isNag = plugin.pluginName === nagPackName;
        if (isNag || v.severity === 'error' || v.severity === 'fatal') findings.push(finding);
        else defaultRuleWarnings.push(finding);
      }
    }
    // CDK's own suppression bookkeeping (default rules acknowledged by id).
    for (const v of plugin.suppressedViolations ?? []) {
      for (const c of v.violatingConstructs) used.add(`${ackPrefix(c.constructPath, declared)}|${v.ruleName}`);
    }
  }
  return { findings, defaultRuleWarnings };
}

/** Which acknowledgements matched a finding (counted per stack) and which matched none. */
function acknowledgementUse(declared: Declared[], used: Set<string>): Pick<NagResult, 'acknowledgedCount' | 'unusedAcknowledgements'> {
  const acknowledgedCount: Record<string, number> = {};
  const unusedAcknowledgements: NagResult['unusedAcknowledgements'] = [];
  for (const d of declared) {
    if (d.paths.some((p) => used.has(`${p}|${d.ack.id}`))) acknowledgedCount[d.stack] = (acknowledgedCount[d.stack] ?? 0) + 1;
    else unusedAcknowledgements.push({ stack: d.stack, id: d.ack.id, resources: d.ack.resources });
  }
  return { acknowledgedCount, unusedAcknowledgements };
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
    throw new Error('cdk-nag no longer has NagPack.isAcknowledged: update recordAcknowledgementUse in infra-templates/lib/nag.ts');
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
