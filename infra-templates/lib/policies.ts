/**
 * Generic walks over a template: every policy statement wherever it is (IAM, resource, key and
 * endpoint policies), admin statements, resources by type.
 */
import { loadTemplate } from './files.js';
import type { Resource, Template } from './parse.js';

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
