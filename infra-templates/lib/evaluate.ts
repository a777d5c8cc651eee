/**
 * A template as one set of parameters deploys it: parameter values with defaults, conditions
 * evaluated, resources and outputs whose condition is false dropped, Fn::If branches chosen.
 */
import type { Template } from './parse.js';

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
function evaluateConditions(template: Template, given: ParameterValues = {}): Record<string, boolean> {
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
