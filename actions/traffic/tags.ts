/**
 * The ramp's mark: one tag on the resource that carries the weights, so a re-run after a lost runner,
 * a second ramp and the rollback action can see who owns the traffic. Each backend reads and writes
 * tags through its own SDK commands (a TagStore); the mark's form and its read/write live here once.
 */
import type { AwsCall } from './call.js';
import type { RampMark } from './port.js';

/** Tag values allow letters, digits, spaces and `_ . : / = + - @`, hence the mark's plain `key=value` form. */
export const MARK_TAG = 'mesh-actions:canary-ramp';

export function encodeMark(m: RampMark): string {
  return `state=${m.state} owner=${m.owner} stable=${m.baseline.stable} canary=${m.baseline.canary} step=${m.step} deadline=${m.deadline}`;
}

/** Null for anything that is not a mark this code wrote (a hand-edited tag is ignored, not trusted). */
export function decodeMark(value: string | undefined): RampMark | null {
  if (!value) return null;
  const fields = Object.fromEntries(value.split(' ').map((kv) => kv.split('=') as [string, string]));
  const num = (k: string) => (fields[k] !== undefined && fields[k] !== '' ? Number(fields[k]) : NaN);
  const stable = num('stable');
  const canary = num('canary');
  const step = num('step');
  const deadline = num('deadline');
  if ((fields.state !== 'in-progress' && fields.state !== 'done') || !fields.owner || ![stable, canary, step, deadline].every(Number.isFinite)) return null;
  return { state: fields.state, owner: fields.owner, baseline: { stable, canary }, step, deadline };
}

/** One backend's tags on its resource; every call is bounded by `signal`. */
export interface TagStore {
  get(key: string, signal?: AbortSignal): Promise<string | undefined>;
  set(key: string, value: string, signal?: AbortSignal): Promise<void>;
  remove(key: string, signal?: AbortSignal): Promise<void>;
}

/** The port's readMark and writeMark for a router that keeps the mark in its resource's tags. */
export abstract class MarkedRouter {
  /** The tags of the resource that carries the weights. */
  protected abstract readonly tags: TagStore;

  async readMark(signal?: AbortSignal): Promise<RampMark | null> {
    return decodeMark(await this.tags.get(MARK_TAG, signal));
  }

  /** Writes the mark, or removes it with null. */
  async writeMark(mark: RampMark | null, signal?: AbortSignal): Promise<void> {
    if (mark) await this.tags.set(MARK_TAG, encodeMark(mark), signal);
    else await this.tags.remove(MARK_TAG, signal);
  }
}

/** The three tag calls of the SDKs that tag by `resourceArn` with lower-case `key`/`value` (ECS, App Mesh), one attempt each. */
export interface ArnTagging {
  list(resourceArn: string, abortSignal?: AbortSignal): Promise<{ tags?: { key?: string; value?: string }[] }>;
  tag(resourceArn: string, tags: { key: string; value: string }[], abortSignal?: AbortSignal): Promise<unknown>;
  untag(resourceArn: string, tagKeys: string[], abortSignal?: AbortSignal): Promise<unknown>;
}

/** A TagStore over ListTagsForResource / TagResource / UntagResource on the ARN `arn` finds (looked up once by the backend). */
export function arnTagStore(call: AwsCall, arn: (signal?: AbortSignal) => Promise<string>, api: ArnTagging): TagStore {
  return {
    async get(key, signal) {
      const resourceArn = await arn(signal);
      const out = await call('ListTagsForResource', (abortSignal) => api.list(resourceArn, abortSignal), signal);
      return out.tags?.find((t) => t.key === key)?.value;
    },
    async set(key, value, signal) {
      const resourceArn = await arn(signal);
      await call('TagResource', (abortSignal) => api.tag(resourceArn, [{ key, value }], abortSignal), signal);
    },
    async remove(key, signal) {
      const resourceArn = await arn(signal);
      await call('UntagResource', (abortSignal) => api.untag(resourceArn, [key], abortSignal), signal);
    },
  };
}
