/**
 * Small readers the per-template tests share: a resource's properties, a Ref, a stack as each of its
 * parameter files deploys it, a parameter's effective value, a GET on moto's APIs.
 */
import { instantiate } from '../lib/evaluate.js';
import { ENVIRONMENTS, loadParameterFile, loadTemplate, parameterFilePath, REGIONS, stackRegions } from '../lib/files.js';
import type { Resource, Template } from '../lib/parse.js';
import { resourcesOfType } from '../lib/policies.js';

export type Json = unknown;

/** The reference services, by name, and the prefix of their resources' logical ids (in the same order). */
export const SERVICE_NAMES = ['auth', 'persona', 'vc-start'] as const;
export const SERVICE_IDS = ['Auth', 'Persona', 'VcStart'] as const;

export const props = (r: Resource): Record<string, any> => r.Properties ?? {};
export const ref = (id: string) => ({ Ref: id });
export const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
export const ofType = (t: Template, type: string): Record<string, any>[] => resourcesOfType(t, type).map(([id, r]) => ({ id, ...props(r) }));
export const envRegions = ENVIRONMENTS.flatMap((env) => REGIONS.map((region) => ({ env, region })));

export function resource(t: Template, id: string): Resource {
  const r = t.Resources[id];
  if (!r) throw new Error(`no resource ${id}`);
  return r;
}

/** The parameter files of a stack: every env × the regions the stack is deployed to. */
export function parameterSets(stack: string): { env: string; region: string; values: Record<string, unknown> }[] {
  return ENVIRONMENTS.flatMap((env) =>
    stackRegions(loadTemplate(stack)).map((region) => ({ env, region, values: loadParameterFile(parameterFilePath(env, region, stack)) })),
  );
}

/** What a parameter is in one deployment: the file's value, else the template default. */
export function effective(stack: string, name: string, values: Record<string, unknown>): unknown {
  return values[name] ?? loadTemplate(stack).Parameters?.[name]?.Default;
}

/** Ref of a parameter → its default; literals as they are. */
export function byDefault(t: Template, v: Json): unknown {
  const ref = (v as { Ref?: string })?.Ref;
  return ref && t.Parameters?.[ref] ? t.Parameters[ref].Default : v;
}

/** The stack as one parameter file deploys it. */
export function deployed(stack: string, env: string, region: string): Template {
  return instantiate(loadTemplate(stack), loadParameterFile(parameterFilePath(env, region, stack)));
}

/** Every env × region the stack is deployed to, with its parameter values. */
export function deployments(stack: string): { env: string; region: string; values: Record<string, unknown>; t: Template }[] {
  return parameterSets(stack).map((p) => ({ ...p, t: instantiate(loadTemplate(stack), p.values) }));
}

/**
 * A GET on moto's REST or query API, for the services the project carries no SDK client of. moto
 * checks no signature, only which service and region the credential scope names.
 */
export function motoGet(endpoint: string, path: string, service: string, region: string): Promise<Response> {
  const authorization = `AWS4-HMAC-SHA256 Credential=testing/20260101/${region}/${service}/aws4_request, SignedHeaders=host, Signature=0`;
  return fetch(`${endpoint}${path}`, { headers: { authorization }, signal: AbortSignal.timeout(10_000) });
}
