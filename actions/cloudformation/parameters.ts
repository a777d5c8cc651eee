/**
 * Parses stack parameters and tags from the forms people actually write in workflows: a YAML or
 * JSON map, CloudFormation's own `[{ParameterKey, ParameterValue}]` file, or `Key=Value` lines.
 * One entry per line (never split on commas), so a value such as `subnet-a,subnet-b` survives
 * intact: the comma bug (aws-cloudformation-github-deploy#47) cannot happen here.
 */
import YAML from 'yaml';
import { InputError } from '../../common/errors.js';

export const MAP_FORM =
  'a YAML/JSON map (Key: value), CloudFormation\'s [{"ParameterKey": ..., "ParameterValue": ...}] list, or one Key=Value per line (values may contain commas and "=")';

/** Keys in order of appearance; values exactly as given (lists joined with commas for CommaDelimitedList). */
export type KeyValues = Map<string, string>;

function scalar(value: unknown, where: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value) && value.every((v) => ['string', 'number', 'boolean'].includes(typeof v))) return value.join(',');
  throw new InputError(`${where}: the value must be a string, number, boolean or a list of those (joined with commas); got ${value === null ? 'null' : typeof value}.`);
}

function fromObject(obj: Record<string, unknown>, what: string): KeyValues {
  const out: KeyValues = new Map();
  for (const [key, value] of Object.entries(obj)) out.set(key, scalar(value, `${what} "${key}"`));
  return out;
}

/** `[{ParameterKey, ParameterValue}]` (aws cloudformation CLI) or `[{Key, Value}]` (tags). */
function fromList(list: unknown[], what: string): KeyValues {
  const out: KeyValues = new Map();
  list.forEach((item, i) => {
    const rec = (item && typeof item === 'object' ? item : {}) as Record<string, unknown>;
    const key = rec.ParameterKey ?? rec.Key;
    const value = rec.ParameterValue ?? rec.Value;
    if (typeof key !== 'string' || value === undefined) {
      throw new InputError(`${what}: item ${i + 1} of the list has no ParameterKey/ParameterValue (or Key/Value); expected ${MAP_FORM}.`);
    }
    if (out.has(key)) throw new InputError(`${what}: "${key}" is given twice.`);
    out.set(key, scalar(value, `${what} "${key}"`));
  });
  return out;
}

function fromLines(text: string, what: string): KeyValues {
  const out: KeyValues = new Map();
  text.split(/\r?\n/).forEach((rawLine, i) => {
    const line = rawLine.trim();
    if (!line || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    // The line is not quoted: it may be (part of) a secret value, and errors are printed before masking.
    if (eq <= 0) throw new InputError(`${what}: line ${i + 1} is not Key=Value (it has no "=" after a name); expected ${MAP_FORM}.`);
    const key = line.slice(0, eq).trim();
    if (out.has(key)) throw new InputError(`${what}: "${key}" is given twice (line ${i + 1}).`);
    out.set(key, line.slice(eq + 1).trim());
  });
  return out;
}

/**
 * True when the first meaningful line is `Key=...`: "=" comes before any ": " (a YAML key), so
 * `Desc=a: b` and `app:team=x` are lines while `key: a=b` is YAML.
 */
function looksLikeLines(text: string): boolean {
  const first = text.split(/\r?\n/).map((l) => l.trim()).find((l) => l && !l.startsWith('#')) ?? '';
  const eq = first.indexOf('=');
  if (eq <= 0 || /^[{[]/.test(first)) return false;
  const key = first.slice(0, eq);
  return !key.includes(': ') && !/\s\S/.test(key.trim());
}

/** Parses the text of an input or file. `what` names the input (and file) in errors. */
export function parseKeyValues(text: string, what: string): KeyValues {
  if (!text.trim()) return new Map();
  if (looksLikeLines(text)) return fromLines(text, what);
  // uniqueKeys: a key given twice in a map is an error, not a silent overwrite.
  const parsed = YAML.parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  if (parsed.errors.length) {
    throw new InputError(`${what}: not valid YAML/JSON (${parsed.errors[0].message.split('\n')[0]}); expected ${MAP_FORM}.`);
  }
  // Values are text to CloudFormation: keep what was written, not YAML's number or boolean
  // (`1.10` would become "1.1", an account ID `012345678901` would lose its zero).
  YAML.visit(parsed, {
    Scalar(_key, node) {
      if (typeof node.value !== 'string' && node.value !== null && node.source !== undefined) node.value = node.source;
    },
  });
  const doc: unknown = parsed.toJS();
  if (Array.isArray(doc)) return fromList(doc, what);
  if (doc && typeof doc === 'object') return fromObject(doc as Record<string, unknown>, what);
  throw new InputError(`${what}: the text is neither a map nor Key=Value lines; expected ${MAP_FORM}.`);
}

const PARAMETER_KEY = /^[A-Za-z0-9]{1,255}$/;

/** Stack parameters: keys are alphanumeric (CloudFormation's rule), checked here so a typo fails before any call. */
export function parseParameters(text: string, what = 'Input "parameters"'): KeyValues {
  const map = parseKeyValues(text, what);
  for (const key of map.keys()) {
    if (!PARAMETER_KEY.test(key)) throw new InputError(`${what}: "${key}" is not a parameter name; CloudFormation parameter names are letters and digits only.`);
  }
  return map;
}

/** Stack tags: at most 50, key 1-128 and value 0-256 characters, `aws:` reserved. */
export function parseTags(text: string, what = 'Input "tags"'): KeyValues {
  const map = parseKeyValues(text, what);
  if (map.size > 50) throw new InputError(`${what}: ${map.size} tags given; a stack takes at most 50.`);
  for (const [key, value] of map) {
    if (key.length < 1 || key.length > 128) throw new InputError(`${what}: tag key "${key}" must be 1 to 128 characters.`);
    if (value.length > 256) throw new InputError(`${what}: the value of tag "${key}" is longer than 256 characters.`);
    if (key.toLowerCase().startsWith('aws:')) throw new InputError(`${what}: tag key "${key}" uses the reserved prefix "aws:".`);
  }
  return map;
}

export interface StackParameter {
  ParameterKey: string;
  ParameterValue?: string;
  UsePreviousValue?: boolean;
}

/**
 * The Parameters of a change set. Checked against the template's declarations when the template
 * could be read (an unknown key is a typo worth failing on). On an update, a declared parameter not
 * given keeps its current value (as `aws cloudformation deploy` does) instead of silently falling
 * back to the template default or failing for want of one; when the current value is the default
 * anyway it is left out, which means the same and keeps a no-op recognisable as one.
 */
export function resolveParameters(
  given: KeyValues,
  declared: ReadonlyMap<string, { default?: string }> | null,
  current: ReadonlyMap<string, string> | null,
): StackParameter[] {
  const list: StackParameter[] = [...given].map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue }));
  if (!declared) return list;
  const unknown = [...given.keys()].filter((k) => !declared.has(k));
  if (unknown.length) {
    const known = [...declared.keys()];
    throw new InputError(
      `Input "parameters": ${unknown.map((k) => `"${k}"`).join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not declared by the template (it declares ${known.length ? known.join(', ') : 'no parameters'}).`,
    );
  }
  // `A=1,B=2` on one line is the other deploy action's comma form; here it gives A the value
  // "1,B=2" and B its default, silently. Values may hold commas, so refuse only a comma followed
  // by the name of a declared parameter that is not given on its own.
  for (const [key, value] of given) {
    const swallowed = [...value.matchAll(/,\s*([A-Za-z0-9]+)=/g)].map((m) => m[1]).find((k) => declared.has(k) && !given.has(k));
    if (swallowed) {
      throw new InputError(
        `Input "parameters": the value of "${key}" contains ",${swallowed}=" and ${swallowed} is a parameter of the template; give one Key=Value per line (values keep their commas), or a YAML map.`,
      );
    }
  }
  const missing: string[] = [];
  for (const [name, spec] of declared) {
    if (given.has(name)) continue;
    const now = current?.get(name);
    if (now !== undefined && now !== spec.default) list.push({ ParameterKey: name, UsePreviousValue: true });
    else if (now === undefined && spec.default === undefined) missing.push(name);
  }
  if (missing.length) {
    throw new InputError(`Input "parameters": the template requires ${missing.join(', ')} (no Default, and the stack has no previous value); give ${missing.length === 1 ? 'it' : 'them'} in "parameters".`);
  }
  return list;
}
