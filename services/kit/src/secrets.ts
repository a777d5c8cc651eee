/**
 * Secrets from AWS Secrets Manager and SSM Parameter Store, cached for `ttlMs` and refreshed in the
 * background. A failed refresh keeps serving the last good value (a dependency blip must not take the
 * service down) and is logged without the value. Values never reach a logger.
 *
 * References: `secretsmanager:<secret-id>[#<version-stage>]` or `ssm:<parameter-name>`.
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { awsClient } from '../../../common/aws.js';
import type { Clock } from '../../../common/clock.js';
import { systemClock } from '../../../common/clock.js';
import { InputError, errorMessage } from '../../../common/errors.js';
import type { Logger } from './logger.js';

export type SecretRef =
  | { kind: 'secretsmanager'; id: string; stage?: string }
  | { kind: 'ssm'; name: string };

export const SECRET_REF_FORM = 'secretsmanager:<secret-id>[#<version-stage>] or ssm:<parameter-name>';

export function isSecretRef(text: string): boolean {
  return text.startsWith('secretsmanager:') || text.startsWith('ssm:');
}

export function parseSecretRef(text: string, what = 'secret reference'): SecretRef {
  const sm = /^secretsmanager:([A-Za-z0-9/_+=.@:-]+?)(?:#([A-Za-z0-9_-]+))?$/.exec(text);
  if (sm) return { kind: 'secretsmanager', id: sm[1], ...(sm[2] ? { stage: sm[2] } : {}) };
  const ssm = /^ssm:(\/?[A-Za-z0-9/_.-]+)$/.exec(text);
  if (ssm) return { kind: 'ssm', name: ssm[1] };
  throw new InputError(`${what}: "${text}" is not a secret reference; expected ${SECRET_REF_FORM}.`);
}

export function refKey(ref: SecretRef): string {
  return ref.kind === 'ssm' ? `ssm:${ref.name}` : `secretsmanager:${ref.id}${ref.stage ? `#${ref.stage}` : ''}`;
}

/** Raised when a secret has never been fetched successfully (a stale value is served otherwise). */
export class SecretUnavailableError extends Error {
  constructor(readonly ref: string, cause: unknown) {
    super(`secret ${ref} could not be read: ${errorMessage(cause)}`, { cause });
    this.name = 'SecretUnavailableError';
  }
}

export interface SecretFetcher {
  fetch(ref: SecretRef): Promise<string>;
  /** The value and when its version was created (ms since epoch), where the store keeps that. */
  fetchVersion?(ref: SecretRef): Promise<{ value: string; createdAt?: number }>;
}

/**
 * Reads through the AWS SDK. The SDK modules load and the clients are made on first use: a service
 * with no secret references needs no region and starts ~0.3 s sooner.
 */
export class AwsSecretFetcher implements SecretFetcher {
  private sm?: SecretsManagerClient;
  private ssm?: SSMClient;
  constructor(private readonly region?: string) {}

  async fetch(ref: SecretRef): Promise<string> {
    return (await this.fetchVersion(ref)).value;
  }

  async fetchVersion(ref: SecretRef): Promise<{ value: string; createdAt?: number }> {
    if (ref.kind === 'secretsmanager') {
      const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
      this.sm ??= awsClient(SecretsManagerClient, { region: this.region, maxAttempts: 3 });
      const out = await this.sm.send(new GetSecretValueCommand({ SecretId: ref.id, ...(ref.stage ? { VersionStage: ref.stage } : {}) }));
      const createdAt = out.CreatedDate?.getTime();
      if (out.SecretString !== undefined) return { value: out.SecretString, createdAt };
      if (out.SecretBinary) return { value: Buffer.from(out.SecretBinary).toString('utf8'), createdAt };
      throw new Error(`secret ${ref.id} has no value`);
    }
    const { SSMClient, GetParameterCommand } = await import('@aws-sdk/client-ssm');
    this.ssm ??= awsClient(SSMClient, { region: this.region, maxAttempts: 3 });
    const out = await this.ssm.send(new GetParameterCommand({ Name: ref.name, WithDecryption: true }));
    const value = out.Parameter?.Value;
    if (value === undefined) throw new Error(`parameter ${ref.name} has no value`);
    return { value, createdAt: out.Parameter?.LastModifiedDate?.getTime() };
  }
}

interface Entry {
  value?: string;
  /** When the value's version was created at the source, when the fetcher says. */
  createdAt?: number;
  fetchedAt: number;
  inflight?: Promise<string>;
}

export interface SecretStoreOptions {
  fetcher?: SecretFetcher;
  region?: string;
  /** A cached value is served for this long before the next read fetches again. */
  ttlMs?: number;
  clock?: Clock;
  log?: Logger;
}

export class SecretStore {
  private readonly entries = new Map<string, Entry>();
  private readonly fetcher: SecretFetcher;
  private readonly ttlMs: number;
  private readonly clock: Clock;
  private readonly listeners = new Map<string, Set<(value: string) => void | Promise<void>>>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly opts: SecretStoreOptions = {}) {
    this.fetcher = opts.fetcher ?? new AwsSecretFetcher(opts.region);
    this.ttlMs = opts.ttlMs ?? 300_000;
    this.clock = opts.clock ?? systemClock;
  }

  /** The cached value when fresh; else fetched (concurrent reads share one call). */
  async get(ref: SecretRef | string): Promise<string> {
    const r = typeof ref === 'string' ? parseSecretRef(ref) : ref;
    const key = refKey(r);
    const entry = this.entries.get(key);
    if (entry?.value !== undefined && this.clock.now() - entry.fetchedAt < this.ttlMs) return entry.value;
    return this.load(r, key);
  }

  /** When the cached value's version was created at the source (e.g. a rotation's time); undefined when unknown. */
  versionCreatedAt(ref: SecretRef | string): number | undefined {
    return this.entries.get(refKey(typeof ref === 'string' ? parseSecretRef(ref) : ref))?.createdAt;
  }

  /**
   * Calls `fn` with the new value each time a refresh finds it changed (rotation). The refresh waits
   * for it, so once `refreshAll()` resolves the change is in effect; a listener's failure is logged.
   */
  onChange(ref: SecretRef | string, fn: (value: string) => void | Promise<void>): void {
    const key = refKey(typeof ref === 'string' ? parseSecretRef(ref) : ref);
    let set = this.listeners.get(key);
    if (!set) this.listeners.set(key, (set = new Set()));
    set.add(fn);
  }

  /** Re-reads every known secret now; failures keep the old value. */
  async refreshAll(): Promise<void> {
    await Promise.all([...this.entries.keys()].map(async (key) => {
      try {
        await this.load(parseSecretRef(key), key);
      } catch {
        // logged in load; the stale value stays in service
      }
    }));
  }

  startRefresh(intervalMs = this.ttlMs): void {
    this.stopRefresh();
    this.timer = setInterval(() => void this.refreshAll(), intervalMs);
    this.timer.unref();
  }

  stopRefresh(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private load(ref: SecretRef, key: string): Promise<string> {
    let entry = this.entries.get(key);
    if (!entry) this.entries.set(key, (entry = { fetchedAt: 0 }));
    if (entry.inflight) return entry.inflight;
    const e = entry;
    e.inflight = (async () => {
      try {
        const { value, createdAt } = this.fetcher.fetchVersion ? await this.fetcher.fetchVersion(ref) : { value: await this.fetcher.fetch(ref) };
        const changed = e.value !== undefined && e.value !== value;
        e.value = value;
        e.createdAt = createdAt;
        e.fetchedAt = this.clock.now();
        if (changed) {
          this.opts.log?.info({ secret: key }, 'secret changed; listeners notified');
          await Promise.all([...(this.listeners.get(key) ?? [])].map(async (fn) => {
            try {
              await fn(value);
            } catch (err) {
              this.opts.log?.error({ secret: key, err: errorMessage(err) }, 'a listener refused the changed secret');
            }
          }));
        }
        return value;
      } catch (err) {
        if (e.value !== undefined) {
          this.opts.log?.warn({ secret: key, err: errorMessage(err) }, 'secret refresh failed; serving the cached value');
          return e.value;
        }
        throw new SecretUnavailableError(key, err);
      } finally {
        e.inflight = undefined;
      }
    })();
    return e.inflight;
  }
}
