/**
 * Cross-stack references: every Fn::ImportValue of a deployed template resolved to the exporting
 * stack (by its <X>Stack parameter) and export, and the exports a template provides.
 */
import type { ParameterValues } from './evaluate.js';
import type { Template } from './parse.js';

export interface StackImport {
  /** The template parameter that names the exporting stack (NetworkStack, EdgeStack, ...). */
  stackParameter: string;
  /** The exporting template, by the parameter's name: EdgeStack → edge. */
  provider: string;
  /** What follows `<stack name>-` in the export name. */
  exportSuffix: string;
}

/** Substitutes ${Name} in a Fn::Sub string from parameters and the Sub's own (resolved) variables; null if any stays open. */
export function substitute(text: string, vars: Record<string, unknown>): string | null {
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
