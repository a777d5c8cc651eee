/** The AWS region an action works in: its own module, so validating inputs loads no SDK code. */
import { InputError } from './errors.js';

export function resolveRegion(input?: string): string {
  const region = input?.trim() || process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION;
  if (!region) throw new InputError('Input "region" is required when neither AWS_REGION nor AWS_DEFAULT_REGION is set (e.g. eu-central-1).');
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) throw new InputError(`Input "region": "${region}" is not an AWS region name (e.g. eu-central-1).`);
  return region;
}
