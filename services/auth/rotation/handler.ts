/**
 * Secrets Manager rotation for auth's JWT signing key (the secret AUTH_SIGNING_KEY names: one
 * private JWK with `kid` and `alg`, see ../src/keys.ts). Lambda entry point: `handler`.
 *
 * The four steps Secrets Manager calls, each safe to repeat (it retries a failed step):
 * - createSecret: a new key of the current key's algorithm, under a new `kid`, as the AWSPENDING
 *   version `ClientRequestToken`; nothing when that version already holds a value.
 * - setSecret: nothing to set elsewhere. auth serves its own JWKS and verifiers refetch it on an
 *   unknown `kid`, so the new public key needs no publication before it signs.
 * - testSecret: the pending key goes through auth's own parser, signs a token with auth's issuer
 *   code and verifies it with auth's verifier; its `kid` must differ from the current one (auth
 *   keys its ring by `kid`: a repeated one would never rotate).
 * - finishSecret: AWSCURRENT moves to the new version (Secrets Manager moves AWSPREVIOUS to the
 *   replaced one, which auth tasks load at start) and AWSPENDING is removed.
 *
 * auth tasks pick the new key up on their next refresh (AUTH_SECRET_REFRESH); the replaced key keeps
 * verifying for refresh + token TTL + tolerance, so no token is refused during a rotation.
 */
import {
  DescribeSecretCommand, GetSecretValueCommand, PutSecretValueCommand, ResourceNotFoundException, SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { exportJWK, generateKeyPair } from 'jose';
import { awsClient } from '../../../common/aws.js';
import { KeyRing, parseSigningKey, type SigningAlgorithm } from '../src/keys.js';
import { issueToken, verifyToken } from '../src/tokens.js';

export const ROTATION_STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const;
export type RotationStep = (typeof ROTATION_STEPS)[number];

export interface RotationEvent {
  SecretId: string;
  ClientRequestToken: string;
  Step: RotationStep;
}

/** A refusal: the rotation stops at this step and Secrets Manager keeps AWSCURRENT as it is. */
export class RotationError extends Error {
  override name = 'RotationError';
}

export interface RotationOptions {
  /** Each Secrets Manager call is abandoned after this long (the Lambda's own timeout is the outer bound). */
  callTimeoutMs?: number;
  log?: (message: string, fields: Record<string, unknown>) => void;
}

const PENDING = 'AWSPENDING';
const CURRENT = 'AWSCURRENT';

/** Validates the event Secrets Manager sends; anything else is refused before any call. */
export function parseRotationEvent(event: unknown): RotationEvent {
  const e = (event ?? {}) as Record<string, unknown>;
  if (typeof e.SecretId !== 'string' || !e.SecretId) throw new RotationError('event.SecretId: expected the secret\'s ARN or name.');
  if (typeof e.ClientRequestToken !== 'string' || !/^[\w-]{32,64}$/.test(e.ClientRequestToken)) {
    throw new RotationError('event.ClientRequestToken: expected the new version id (32 to 64 characters of letters, digits, - and _).');
  }
  if (!ROTATION_STEPS.includes(e.Step as RotationStep)) throw new RotationError(`event.Step: "${String(e.Step)}" is not one of ${ROTATION_STEPS.join(' | ')}.`);
  return { SecretId: e.SecretId, ClientRequestToken: e.ClientRequestToken, Step: e.Step as RotationStep };
}

/** A fresh private JWK of `alg`; `kid` is the new version's id, so a retried step names the same key. */
export async function newSigningJwk(alg: SigningAlgorithm, kid: string): Promise<string> {
  const { privateKey } = alg === 'ES256'
    ? await generateKeyPair('ES256', { extractable: true })
    : await generateKeyPair('EdDSA', { extractable: true, crv: 'Ed25519' });
  return JSON.stringify({ ...(await exportJWK(privateKey)), kid, alg });
}

export class SigningKeyRotation {
  private readonly timeoutMs: number;
  private readonly log: NonNullable<RotationOptions['log']>;

  constructor(private readonly sm: SecretsManagerClient, opts: RotationOptions = {}) {
    this.timeoutMs = opts.callTimeoutMs ?? 10_000;
    this.log = opts.log ?? (() => undefined);
  }

  async run(event: RotationEvent): Promise<void> {
    const stages = await this.versionStages(event.SecretId);
    const mine = stages[event.ClientRequestToken];
    // Already finished (a repeated finishSecret, or a late retry of an earlier step): nothing to do.
    if (mine?.includes(CURRENT)) {
      this.log('rotation: version already AWSCURRENT; nothing to do', { step: event.Step, version: event.ClientRequestToken });
      return;
    }
    // createSecret makes the version; every later step needs it as AWSPENDING.
    if (event.Step !== 'createSecret' && !mine?.includes(PENDING)) {
      throw new RotationError(`${event.Step}: version ${event.ClientRequestToken} of ${event.SecretId} is not AWSPENDING; run createSecret first.`);
    }
    switch (event.Step) {
      case 'createSecret': return this.createSecret(event);
      case 'setSecret': return this.log('rotation: setSecret has nothing to set (auth serves its own JWKS)', { version: event.ClientRequestToken });
      case 'testSecret': return this.testSecret(event);
      case 'finishSecret': return this.finishSecret(event, stages);
    }
  }

  private async createSecret(e: RotationEvent): Promise<void> {
    if (await this.pendingValue(e)) {
      this.log('rotation: createSecret already done for this version', { version: e.ClientRequestToken });
      return;
    }
    const current = await parseSigningKey(await this.value(e.SecretId, { VersionStage: CURRENT }), `${e.SecretId} (AWSCURRENT)`);
    await this.sm.send(new PutSecretValueCommand({
      SecretId: e.SecretId,
      ClientRequestToken: e.ClientRequestToken,
      SecretString: await newSigningJwk(current.alg, e.ClientRequestToken),
      VersionStages: [PENDING],
    }), this.abort());
    this.log('rotation: new signing key stored as AWSPENDING', { version: e.ClientRequestToken, alg: current.alg, replaces_kid: current.kid });
  }

  private async testSecret(e: RotationEvent): Promise<void> {
    const text = await this.pendingValue(e);
    if (!text) throw new RotationError(`testSecret: version ${e.ClientRequestToken} of ${e.SecretId} has no value.`);
    const pending = await parseSigningKey(text, `${e.SecretId} (AWSPENDING)`);
    const current = await parseSigningKey(await this.value(e.SecretId, { VersionStage: CURRENT }), `${e.SecretId} (AWSCURRENT)`);
    if (pending.kid === current.kid) {
      throw new RotationError(`testSecret: the pending key's kid "${pending.kid}" is the current key's; auth would never switch to it.`);
    }
    const ring = new KeyRing(0);
    ring.rotateTo(pending);
    const settings = { issuer: 'https://rotation.test', ttlSeconds: 60, clockToleranceSeconds: 0 };
    const { token } = await issueToken(ring, settings, 'rotation-test', 'rotation-test', []);
    const verified = await verifyToken(ring, settings, token, 'rotation-test');
    if (!verified.valid) throw new RotationError(`testSecret: a token signed with the pending key does not verify (${verified.reason}).`);
    this.log('rotation: pending key signs and verifies', { version: e.ClientRequestToken, kid: pending.kid, alg: pending.alg });
  }

  private async finishSecret(e: RotationEvent, stages: Record<string, string[]>): Promise<void> {
    const current = Object.entries(stages).find(([, s]) => s.includes(CURRENT))?.[0];
    await this.sm.send(new UpdateSecretVersionStageCommand({
      SecretId: e.SecretId, VersionStage: CURRENT, MoveToVersionId: e.ClientRequestToken, ...(current ? { RemoveFromVersionId: current } : {}),
    }), this.abort());
    // The rotation is over: a later RotateSecret must not take it for one still in progress.
    await this.sm.send(new UpdateSecretVersionStageCommand({ SecretId: e.SecretId, VersionStage: PENDING, RemoveFromVersionId: e.ClientRequestToken }), this.abort());
    this.log('rotation: new signing key is AWSCURRENT', { version: e.ClientRequestToken, previous_version: current });
  }

  private async versionStages(secretId: string): Promise<Record<string, string[]>> {
    const d = await this.sm.send(new DescribeSecretCommand({ SecretId: secretId }), this.abort());
    return d.VersionIdsToStages ?? {};
  }

  private async pendingValue(e: RotationEvent): Promise<string | undefined> {
    try {
      return await this.value(e.SecretId, { VersionId: e.ClientRequestToken, VersionStage: PENDING });
    } catch (err) {
      if (err instanceof ResourceNotFoundException) return undefined;
      throw err;
    }
  }

  private async value(secretId: string, version: { VersionId?: string; VersionStage: string }): Promise<string> {
    const out = await this.sm.send(new GetSecretValueCommand({ SecretId: secretId, ...version }), this.abort());
    if (out.SecretString === undefined) throw new RotationError(`${secretId} (${version.VersionStage}) holds no SecretString; auth reads the JWK as a string.`);
    return out.SecretString;
  }

  private abort() {
    return { abortSignal: AbortSignal.timeout(this.timeoutMs) };
  }
}

// Made on the first invocation and kept while the Lambda environment lives.
let client: SecretsManagerClient | undefined;

/** The Lambda entry point. Logs ids and stages only, never key material. */
export async function handler(event: unknown): Promise<void> {
  const e = parseRotationEvent(event);
  client ??= awsClient(SecretsManagerClient, { maxAttempts: 3 });
  await new SigningKeyRotation(client, {
    log: (message, fields) => console.log(JSON.stringify({ level: 'info', message, secret: e.SecretId, step: e.Step, ...fields })),
  }).run(e);
}
