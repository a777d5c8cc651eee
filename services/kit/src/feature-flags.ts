/**
 * Feature flags from AWS AppConfig (AppConfig Data: StartConfigurationSession, then
 * GetLatestConfiguration with the token each answer hands on). A flag is read from memory, never
 * from the network: a background poll follows the interval AppConfig asks for
 * (NextPollIntervalInSeconds). A failed poll or a configuration that does not parse keeps the last
 * good flags; before any good configuration the defaults apply.
 *
 * The configuration is an AppConfig feature-flag profile: `{"<flag>": {"enabled": true, …}, …}`.
 *
 * Environment: APPCONFIG_APPLICATION, APPCONFIG_ENVIRONMENT, APPCONFIG_PROFILE (all three or none),
 * APPCONFIG_MIN_POLL_INTERVAL (15s–24h, default 60s: the RequiredMinimumPollIntervalInSeconds asked for).
 */
import type { AppConfigDataClient } from '@aws-sdk/client-appconfigdata';
import { awsClient } from '../../../common/aws.js';
import type { Clock } from '../../../common/clock.js';
import { systemClock } from '../../../common/clock.js';
import { errorMessage, InputError } from '../../../common/errors.js';
import { envDuration, type Env } from './config.js';

export interface FlagSource {
  application: string;
  environment: string;
  profile: string;
  /** RequiredMinimumPollIntervalInSeconds: AppConfig never asks for polls more often than this (15–86400). */
  minPollSeconds: number;
}

export interface FeatureFlagsOptions extends FlagSource {
  /** What each flag is before a configuration has been read (and for a flag the configuration lacks). */
  defaults: Record<string, boolean>;
  /** Made on first use when absent (the SDK loads only when flags are configured). */
  client?: AppConfigDataClient;
  /** Each AppConfig call is abandoned after this long. */
  callTimeoutMs?: number;
  clock?: Clock;
  onError?: (err: unknown) => void;
  /** A new configuration version was applied. */
  onChange?: (flags: Record<string, boolean>, version: string | undefined) => void;
}

/** Only the flags' state matters here; other attributes of a flag are ignored. */
export function parseFlags(bytes: Uint8Array): Record<string, boolean> {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new InputError('AppConfig configuration is not JSON; expected a feature-flag profile {"<flag>": {"enabled": true | false}}.');
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new InputError('AppConfig configuration is not an object of flags; expected {"<flag>": {"enabled": true | false}}.');
  const flags: Record<string, boolean> = {};
  for (const [name, value] of Object.entries(doc)) {
    const enabled = (value as { enabled?: unknown } | null)?.enabled;
    if (typeof enabled !== 'boolean') throw new InputError(`AppConfig flag "${name}" has no boolean "enabled"; expected {"${name}": {"enabled": true | false}}.`);
    flags[name] = enabled;
  }
  return flags;
}

/** Reads the source from the environment; undefined when none of the three variables is set. */
export function flagSourceFromEnv(env: Env): FlagSource | undefined {
  const names = ['APPCONFIG_APPLICATION', 'APPCONFIG_ENVIRONMENT', 'APPCONFIG_PROFILE'] as const;
  const values = names.map((n) => env[n]?.trim() || undefined);
  if (values.every((v) => v === undefined)) return undefined;
  const missing = names.filter((_, i) => values[i] === undefined);
  if (missing.length) throw new InputError(`${missing.join(', ')}: required with ${names.filter((n) => !missing.includes(n as never)).join(', ')}; set all three (AppConfig application, environment and configuration profile: names or ids) or none.`);
  for (const [i, v] of values.entries()) {
    if (!/^[\w.\-:/]{1,2048}$/.test(v!)) throw new InputError(`${names[i]}: "${v}" is not an AppConfig name, id or ARN.`);
  }
  const minMs = envDuration(env, 'APPCONFIG_MIN_POLL_INTERVAL', '60s', { minMs: 15_000 });
  if (minMs > 86_400_000) throw new InputError(`APPCONFIG_MIN_POLL_INTERVAL: at most 24h (AppConfig's limit).`);
  return { application: values[0]!, environment: values[1]!, profile: values[2]!, minPollSeconds: Math.ceil(minMs / 1000) };
}

export class FeatureFlags {
  private flags: Record<string, boolean> | undefined;
  private version: string | undefined;
  private token: string | undefined;
  private nextPollSeconds: number;
  private client?: AppConfigDataClient;
  private readonly clock: Clock;

  constructor(private readonly opts: FeatureFlagsOptions) {
    this.clock = opts.clock ?? systemClock;
    this.nextPollSeconds = opts.minPollSeconds;
    this.client = opts.client;
  }

  /** The flag now: the last good configuration's value, else the default, else false. */
  isEnabled(name: string): boolean {
    return this.flags?.[name] ?? this.opts.defaults[name] ?? false;
  }

  /** Whether a configuration has been read (else every flag is its default). */
  get loaded(): boolean {
    return this.flags !== undefined;
  }

  /** The interval AppConfig asked for in its last answer, in ms. */
  get pollIntervalMs(): number {
    return this.nextPollSeconds * 1000;
  }

  /**
   * One poll. Throws on failure (the flags stay as they were). An empty configuration means "no
   * change since your token"; a token AppConfig refuses (expired after 24 h, or lost) starts a new session.
   */
  async poll(): Promise<void> {
    const { AppConfigDataClient, StartConfigurationSessionCommand, GetLatestConfigurationCommand, BadRequestException } = await import('@aws-sdk/client-appconfigdata');
    this.client ??= awsClient(AppConfigDataClient, { maxAttempts: 3 });
    const abort = () => ({ abortSignal: AbortSignal.timeout(this.opts.callTimeoutMs ?? 5000) });
    if (!this.token) {
      const s = await this.client.send(new StartConfigurationSessionCommand({
        ApplicationIdentifier: this.opts.application,
        EnvironmentIdentifier: this.opts.environment,
        ConfigurationProfileIdentifier: this.opts.profile,
        RequiredMinimumPollIntervalInSeconds: this.opts.minPollSeconds,
      }), abort());
      this.token = s.InitialConfigurationToken;
    }
    let out;
    try {
      out = await this.client.send(new GetLatestConfigurationCommand({ ConfigurationToken: this.token }), abort());
    } catch (err) {
      if (err instanceof BadRequestException) this.token = undefined;
      throw err;
    }
    // The next call must use the new token, whatever this answer holds.
    this.token = out.NextPollConfigurationToken;
    if (out.NextPollIntervalInSeconds) this.nextPollSeconds = Math.max(1, out.NextPollIntervalInSeconds);
    if (!out.Configuration || out.Configuration.length === 0) return;
    // A configuration that does not parse is not applied; AppConfig sends it only once (until the
    // next deployment), so the last good flags stay until then.
    const flags = parseFlags(out.Configuration);
    this.flags = flags;
    this.version = out.VersionLabel;
    this.opts.onChange?.(flags, this.version);
  }

  /** Polls until the signal aborts, at AppConfig's interval; a failure is reported and retried at the same interval. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.poll();
      } catch (err) {
        if (signal.aborted) break;
        this.opts.onError?.(new Error(`feature flags: poll failed, serving ${this.flags ? 'the last good flags' : 'the defaults'}: ${errorMessage(err)}`));
      }
      await this.clock.sleep(this.pollIntervalMs, signal).catch(() => undefined);
    }
  }
}
