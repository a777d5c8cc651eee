/**
 * Where the template comes from and how it reaches CloudFormation. A request body holds at most
 * 51,200 bytes (aws-cloudformation-github-deploy#104), so a bigger local file goes to `s3-bucket`
 * under a content-addressed key and is passed by URL; without a bucket that is an input error
 * raised before any call, not a ValidationError from the API after a change set half-exists.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import YAML from 'yaml';
import { InputError } from '../../common/errors.js';
import { workspacePath } from '../lib/workspace.js';

export const TEMPLATE_BODY_LIMIT = 51_200;
/** CloudFormation's limit for a template passed by S3 URL. */
export const TEMPLATE_URL_LIMIT = 1_048_576;

const TEMPLATE_FORM = 'a file path inside the workspace, s3://bucket/key, or https://bucket.s3.region.amazonaws.com/key';

export interface DeclaredParameter {
  /** As CloudFormation reports values: a string, lists joined with commas. */
  default?: string;
  noEcho: boolean;
}

export type TemplateSource =
  | { kind: 'body'; path: string; body: string; declared: Map<string, DeclaredParameter> | null }
  | { kind: 'upload'; path: string; body: string; bucket: string; key: string; declared: Map<string, DeclaredParameter> | null }
  | { kind: 'url'; url: string; declared: null };

export interface TemplateOptions {
  /** GITHUB_WORKSPACE (or the current directory): no file outside it is read. */
  workspace: string;
  region: string;
  stackName: string;
  s3Bucket?: string;
}

export function s3HttpsUrl(bucket: string, key: string, region: string): string {
  // The China partition has its own domain; CloudFormation refuses a TemplateURL outside it.
  const domain = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://${bucket}.s3.${region}.${domain}/${key.split('/').map(encodeURIComponent).join('/')}`;
}

/** The Parameters section, when the file parses; null when it does not (CloudFormation will say why). */
export function declaredParameters(body: string): Map<string, DeclaredParameter> | null {
  let doc: unknown;
  try {
    // Short-form intrinsics (!Ref, !Sub) are unknown tags to a plain YAML reader; silent keeps their values.
    doc = YAML.parse(body, { logLevel: 'silent' });
  } catch {
    return null;
  }
  if (!doc || typeof doc !== 'object') return null;
  const params = (doc as { Parameters?: unknown }).Parameters;
  const out = new Map<string, DeclaredParameter>();
  if (!params || typeof params !== 'object') return out;
  for (const [name, spec] of Object.entries(params as Record<string, Record<string, unknown> | null>)) {
    const noEcho = spec?.NoEcho;
    const def = spec?.Default;
    out.set(name, { default: def === undefined || def === null ? undefined : Array.isArray(def) ? def.join(',') : String(def), noEcho: noEcho === true || noEcho === 'true' });
  }
  return out;
}

export function loadTemplate(input: string, opts: TemplateOptions): TemplateSource {
  const text = input.trim();
  if (!text) throw new InputError(`Input "template" is required; expected ${TEMPLATE_FORM}.`);
  const s3 = /^s3:\/\/([^/]+)\/(.+)$/.exec(text);
  if (s3) return { kind: 'url', url: s3HttpsUrl(s3[1], s3[2], opts.region), declared: null };
  if (/^https:\/\//.test(text)) return { kind: 'url', url: text, declared: null };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) throw new InputError(`Input "template": "${text}" is not a supported location; expected ${TEMPLATE_FORM}.`);

  const { path, real } = workspacePath('template', text, opts.workspace);
  if (!real || !statSync(real).isFile()) {
    throw new InputError(`Input "template": file "${text}" not found (looked at ${path}); expected ${TEMPLATE_FORM}.`);
  }
  const body = readFileSync(real, 'utf8');
  const bytes = Buffer.byteLength(body);
  if (!body.trim()) throw new InputError(`Input "template": file "${text}" is empty.`);
  const declared = declaredParameters(body);
  if (bytes <= TEMPLATE_BODY_LIMIT) return { kind: 'body', path, body, declared };
  if (bytes > TEMPLATE_URL_LIMIT) {
    throw new InputError(`Input "template": "${text}" is ${bytes} bytes; CloudFormation accepts at most ${TEMPLATE_URL_LIMIT} bytes even from S3 (split it into nested stacks).`);
  }
  if (!opts.s3Bucket) {
    throw new InputError(
      `Input "template": "${text}" is ${bytes} bytes, over CloudFormation's ${TEMPLATE_BODY_LIMIT}-byte limit for a template body; set input "s3-bucket" so it is uploaded and passed by URL.`,
    );
  }
  const digest = createHash('sha256').update(body).digest('hex').slice(0, 32);
  return { kind: 'upload', path, body, bucket: opts.s3Bucket, key: `mesh-actions/deploy-stack/${opts.stackName}/${digest}.template`, declared };
}
