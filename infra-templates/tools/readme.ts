/**
 * The generated parts of infra-templates/README.md: one parameter table per template and the deploy
 * role's policy per action, rendered from the templates so the README cannot drift from them
 * (security.test.ts fails when it has). Rewrite them with:
 *   npx tsx infra-templates/tools/readme.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { infraRoot, loadTemplate, templateNames } from '../lib/files.js';

export const readmePath = join(infraRoot, 'README.md');

/** The deploy role's managed policies, by the action (or case) each serves; README headings use these names. */
export const ACTION_POLICIES: Record<string, string> = {
  'slo-gate': 'SloGatePolicy',
  'canary-ramp and rollback': 'CanaryRampPolicy',
  'build-scan-push': 'BuildScanPushPolicy',
  'deploy-stack': 'DeployStackPolicy',
  'deploy-stack, templates over 51,200 bytes': 'DeployStackUploadPolicy',
  'chaos workflow (staging only)': 'ChaosPolicy',
};

type Json = unknown;

/**
 * A CloudFormation value as the README writes it: ${AWS::Partition} → aws, ${AWS::AccountId} →
 * <account>, other ${X} and Ref X → <X>, GetAtt X.A → <X.A>; Action and Resource always lists.
 */
export function render(v: Json): Json {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(render);
  const o = v as Record<string, Json>;
  if (typeof o['Fn::Sub'] === 'string') {
    return o['Fn::Sub'].replaceAll('${AWS::Partition}', 'aws').replaceAll('${AWS::AccountId}', '<account>').replace(/\$\{([^}]+)\}/g, '<$1>');
  }
  if ('Ref' in o) return `<${String(o.Ref)}>`;
  if ('Fn::GetAtt' in o) return `<${(o['Fn::GetAtt'] as string[]).join('.')}>`;
  return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, render(x)]));
}

export function renderStatement(s: Json): Record<string, Json> {
  const out = render(s) as Record<string, Json>;
  for (const k of ['Action', 'Resource']) if (out[k] !== undefined && !Array.isArray(out[k])) out[k] = [out[k]];
  return out;
}

export function policySection(): string {
  const t = loadTemplate('security');
  return Object.entries(ACTION_POLICIES)
    .map(([action, id]) => {
      const doc = t.Resources[id].Properties!.PolicyDocument as { Version: string; Statement: Json[] };
      const description = String(t.Resources[id].Properties!.Description ?? '');
      const json = JSON.stringify({ Version: doc.Version, Statement: doc.Statement.map(renderStatement) }, null, 2);
      return `#### ${action}\n\n${cell(description)} (\`${id}\` in templates/security.yaml)\n\n<!-- policy: ${action} -->\n\`\`\`json\n${json}\n\`\`\`\n`;
    })
    .join('\n');
}

/** Table cell text: pipes escaped, and <env>-style placeholders kept visible (not read as HTML). */
const cell = (v: unknown) => String(v ?? '').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\s+/g, ' ').trim();

export function parameterSection(): string {
  return templateNames()
    .map((stack) => {
      const params = loadTemplate(stack).Parameters ?? {};
      const rows = Object.entries(params).map(([name, p]) => {
        const def = p.Default === undefined ? '*(required)*' : p.Default === '' ? '`""`' : `\`${String(p.Default).replace(/\|/g, '\\|')}\``;
        return `| \`${name}\` | \`${p.Type}\` | ${def} | ${cell(p.Description)} |`;
      });
      const body = rows.length ? ['| Parameter | Type | Default | What it is |', '|---|---|---|---|', ...rows].join('\n') : 'No parameters.';
      return `#### ${stack}\n\n${body}\n`;
    })
    .join('\n');
}

/** README text with the generated sections replaced by what the templates say now. */
export function regenerate(readme: string): string {
  const put = (text: string, name: string, body: string) => {
    const re = new RegExp(`(<!-- ${name}:begin -->\\n)[\\s\\S]*?(<!-- ${name}:end -->)`);
    if (!re.test(text)) throw new Error(`README.md has no <!-- ${name}:begin --> ... <!-- ${name}:end --> section`);
    return text.replace(re, (_m, a: string, b: string) => `${a}${body}${b}`);
  };
  return put(put(readme, 'parameters', parameterSection()), 'policies', policySection());
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(readmePath, regenerate(readFileSync(readmePath, 'utf8')));
  console.log(`rewrote the generated sections of ${readmePath}`);
}
