/**
 * CloudFormation templates as plain data: the YAML short-form intrinsics (!Ref, !Sub, !GetAtt ...)
 * turned into their long form, and the shapes of a template and a resource.
 */
import { parse, YAMLMap, YAMLSeq, type CollectionTag, type ScalarTag } from 'yaml';

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
