/** The ECR inputs build-scan-push validates before anything else: no SDK code, so a bad input fails fast. */
import { InputError } from '../../common/errors.js';
import { findNonFinite } from '../lib/inputs.js';

const ECR_HOST = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z]{2}(?:-[a-z]+)+-\d+)\.amazonaws\.com(?:\.cn)?$/;

export function parseEcrHost(host: string): { accountId: string; region: string } | null {
  const m = ECR_HOST.exec(host);
  return m ? { accountId: m[1], region: m[2] } : null;
}

/** Keeps the last 100 tagged images and expires untagged ones (cache and superseded lists) after 7 days. */
export const DEFAULT_LIFECYCLE_POLICY = {
  rules: [
    { rulePriority: 1, description: 'Expire untagged images after 7 days', selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 7 }, action: { type: 'expire' } },
    { rulePriority: 2, description: 'Keep the last 100 images', selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 100 }, action: { type: 'expire' } },
  ],
};

/** Validates the `lifecycle-policy` input (JSON text) before any AWS call. */
export function parseLifecyclePolicy(text: string): string {
  if (!text.trim()) return JSON.stringify(DEFAULT_LIFECYCLE_POLICY);
  let policy: unknown;
  try {
    policy = JSON.parse(text);
  } catch {
    throw new InputError('Input "lifecycle-policy" is not JSON; expected an ECR lifecycle policy document: {"rules":[{"rulePriority":1,...}]}.');
  }
  // JSON.parse reads 1e400 as Infinity, which JSON.stringify would send to ECR as null.
  const nonFinite = findNonFinite(policy);
  if (nonFinite) throw new InputError(`Input "lifecycle-policy": the number at ${nonFinite} is not finite; expected an ECR lifecycle policy document with finite numbers.`);
  const rules = (policy as { rules?: unknown } | null)?.rules;
  if (!Array.isArray(rules) || rules.length === 0 || !rules.every((r) => r && typeof r === 'object' && Number.isInteger((r as { rulePriority?: unknown }).rulePriority))) {
    throw new InputError('Input "lifecycle-policy": expected an ECR lifecycle policy document with a non-empty "rules" array, each rule with an integer "rulePriority".');
  }
  return JSON.stringify(policy);
}
