/**
 * The signing keys. The secret holds one private JWK (ES256 on P-256 or EdDSA on Ed25519) with a
 * `kid`. On rotation the new key signs at once; the old one stays in the JWKS and keeps verifying
 * until every token it signed has expired (rotation time + token TTL), then drops out.
 */
import { importJWK, type CryptoKey, type JWK } from 'jose';
import { InputError } from '../../../common/errors.js';

export const SIGNING_ALGORITHMS = ['ES256', 'EdDSA'] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

export const SIGNING_KEY_FORM =
  'a private JWK as JSON with "kid" and "alg": ES256 (kty EC, crv P-256) or EdDSA (kty OKP, crv Ed25519)';

export interface SigningKey {
  kid: string;
  alg: SigningAlgorithm;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
}

interface Held {
  key: SigningKey;
  /** Verify-only until then (ms since epoch); undefined for the current key. */
  retireAt?: number;
}

/** Parses and imports the secret's JWK; every fault names `what` and the accepted form, never the value. */
export async function parseSigningKey(text: string, what: string): Promise<SigningKey> {
  let jwk: JWK;
  try {
    jwk = JSON.parse(text) as JWK;
  } catch {
    throw new InputError(`${what}: the value is not JSON; expected ${SIGNING_KEY_FORM}.`);
  }
  const alg = jwk.alg as SigningAlgorithm;
  const shapeOk =
    (alg === 'ES256' && jwk.kty === 'EC' && jwk.crv === 'P-256') || (alg === 'EdDSA' && jwk.kty === 'OKP' && jwk.crv === 'Ed25519');
  if (!jwk.kid || !shapeOk || !jwk.d) throw new InputError(`${what}: not a usable signing key; expected ${SIGNING_KEY_FORM}.`);
  const { d: _private, ...pub } = jwk;
  const publicJwk: JWK = { kty: pub.kty, crv: pub.crv, x: pub.x, ...(pub.y ? { y: pub.y } : {}), kid: jwk.kid, alg, use: 'sig' };
  try {
    return {
      kid: jwk.kid, alg,
      privateKey: (await importJWK(jwk, alg)) as CryptoKey,
      publicKey: (await importJWK(publicJwk, alg)) as CryptoKey,
      publicJwk,
    };
  } catch {
    throw new InputError(`${what}: the key material is invalid; expected ${SIGNING_KEY_FORM}.`);
  }
}

export class KeyRing {
  private current?: Held;
  private retiring: Held[] = [];

  /** `graceMs`: how long a replaced key keeps verifying (the token TTL plus clock skew). */
  constructor(private readonly graceMs: number, private readonly now: () => number = Date.now) {}

  /** Makes `key` the signing key; the one it replaces turns verify-only for the grace period. */
  rotateTo(key: SigningKey): void {
    if (this.current?.key.kid === key.kid) return;
    if (this.current) this.retiring.push({ key: this.current.key, retireAt: this.now() + this.graceMs });
    this.retiring = this.retiring.filter((h) => h.key.kid !== key.kid);
    this.current = { key };
  }

  /**
   * A key from before this process started (Secrets Manager's AWSPREVIOUS): verify-only until
   * `retireAt` (ms since epoch; the replacement's time plus the grace), or for the grace period from
   * now when that time is unknown. A key already past it is not taken: a key rotated out long ago
   * (perhaps because it leaked) must not verify again each time a task starts.
   */
  addPrevious(key: SigningKey, retireAt = this.now() + this.graceMs): void {
    if (this.current?.key.kid === key.kid || this.retiring.some((h) => h.key.kid === key.kid)) return;
    if (retireAt <= this.now()) return;
    this.retiring.push({ key, retireAt });
  }

  signing(): SigningKey | undefined {
    return this.current?.key;
  }

  /** The key for a token's `kid`: the current one, or a replaced one still within its grace. */
  verifying(kid: string | undefined): SigningKey | undefined {
    if (!kid) return undefined;
    if (this.current?.key.kid === kid) return this.current.key;
    this.prune();
    return this.retiring.find((h) => h.key.kid === kid)?.key;
  }

  jwks(): { keys: JWK[] } {
    this.prune();
    return { keys: [this.current, ...this.retiring].filter((h): h is Held => !!h).map((h) => h.key.publicJwk) };
  }

  private prune(): void {
    const now = this.now();
    this.retiring = this.retiring.filter((h) => (h.retireAt ?? Infinity) > now);
  }
}
