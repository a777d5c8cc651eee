/**
 * Every role any stack creates carries the permissions boundary. The CloudFormation execution role
 * (security stack) may only create roles with `mesh-<env>-permissions-boundary` attached, and only
 * roles named `<env>-*`, so a role without the boundary (or under another name) fails the real
 * deploy. Generic over every template: a new stack with a role is checked without a new test.
 */
import { relative } from 'node:path';
import { describe, expect, test } from 'vitest';
import { type Template } from '../lib/parse.js';
import { ENVIRONMENTS, infraRoot, loadParameterFile, loadTemplate, parameterFiles, stackRegions, templateNames } from '../lib/files.js';
import { resourcesOfType } from '../lib/policies.js';

const BOUNDARY_NAME = 'mesh-${Environment}-permissions-boundary';
const boundaryParameter = (env: string) => `/mesh/${env}/security/permissions-boundary-arn`;

/**
 * Why a role's PermissionsBoundary is not the mesh boundary in some deployment of the stack; empty
 * when it is. Two accepted forms: the security stack's own boundary policy (Ref), or an SSM-typed
 * parameter every parameter file points at /mesh/<env>/security/permissions-boundary-arn.
 */
function boundaryProblems(stack: string, t: Template, roleId: string, boundary: unknown): string[] {
  const ref = (boundary as { Ref?: unknown } | undefined)?.Ref;
  if (typeof ref !== 'string') return [`${stack}/${roleId}: PermissionsBoundary is ${JSON.stringify(boundary)}, not a Ref to the boundary`];
  const policy = t.Resources[ref];
  if (policy) {
    const name = (policy.Properties?.ManagedPolicyName as { 'Fn::Sub'?: string } | undefined)?.['Fn::Sub'];
    return policy.Type === 'AWS::IAM::ManagedPolicy' && name === BOUNDARY_NAME ? [] : [`${stack}/${roleId}: ${ref} is not the ${BOUNDARY_NAME} policy`];
  }
  const parameter = t.Parameters?.[ref];
  if (!parameter) return [`${stack}/${roleId}: ${ref} is neither a resource nor a parameter`];
  // Resolved by CloudFormation from SSM: the ARN the security stack publishes, not a typed-in copy.
  if (parameter.Type !== 'AWS::SSM::Parameter::Value<String>') return [`${stack}/${roleId}: parameter ${ref} is ${parameter.Type}, not the SSM parameter the security stack writes`];
  const problems: string[] = [];
  for (const env of ENVIRONMENTS) {
    for (const region of stackRegions(t)) {
      for (const file of parameterFiles(env, region, stack)) {
        const value = loadParameterFile(file)[ref] ?? parameter.Default;
        if (value !== boundaryParameter(env)) problems.push(`${relative(infraRoot, file)}: ${ref} is ${JSON.stringify(value)}, not ${boundaryParameter(env)}`);
      }
    }
  }
  return problems;
}

describe('permissions boundary on every role', () => {
  const roles = templateNames().flatMap((stack) => resourcesOfType(loadTemplate(stack), 'AWS::IAM::Role').map(([id, r]) => ({ stack, id, r })));

  test('the templates create roles (the walk sees them)', () => {
    // chaos, cluster, data, flags, mesh, network, security and service all create roles today.
    expect(new Set(roles.map((x) => x.stack))).toEqual(new Set(['chaos', 'cluster', 'data', 'flags', 'mesh', 'network', 'security', 'service']));
  });

  test.each(templateNames())('%s: every AWS::IAM::Role carries mesh-<env>-permissions-boundary in every deployment', (stack) => {
    const t = loadTemplate(stack);
    const problems = resourcesOfType(t, 'AWS::IAM::Role').flatMap(([id, r]) => boundaryProblems(stack, t, id, r.Properties?.PermissionsBoundary));
    expect(problems).toEqual([]);
  });

  test.each(templateNames().filter((s) => s !== 'security'))('%s: roles are named <env>-* (the only names the CloudFormation role may create)', (stack) => {
    // Without RoleName, CloudFormation names a role <stack name>-<id>-<suffix>, and stacks are <env>-<stack>.
    const named = resourcesOfType(loadTemplate(stack), 'AWS::IAM::Role')
      .map(([id, r]) => [id, r.Properties?.RoleName] as const)
      .filter(([, name]) => name !== undefined && !String((name as { 'Fn::Sub'?: string })['Fn::Sub'] ?? name).startsWith('${Environment}-'));
    expect(named).toEqual([]);
  });
});
