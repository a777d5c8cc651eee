/**
 * Issuing and verifying access tokens. Verification pins the algorithms to ES256/EdDSA (so
 * `alg: none` and HMAC-with-the-public-key tricks fail), looks the key up by `kid` in the key ring
 * only, and checks issuer, audience, expiry and `typ`.
 */
import { randomUUID } from 'node:crypto';
import { SignJWT, errors, jwtVerify, type JWTPayload } from 'jose';
import { SIGNING_ALGORITHMS, type KeyRing } from './keys.js';

export interface TokenSettings {
  issuer: string;
  ttlSeconds: number;
  /** Accepted clock difference between issuer and verifier. */
  clockToleranceSeconds: number;
}

export type RejectReason = 'malformed' | 'algorithm' | 'unknown_key' | 'signature' | 'expired' | 'issuer' | 'audience' | 'claims';

export type Verification =
  | { valid: true; claims: JWTPayload }
  | { valid: false; reason: RejectReason };

export class NoSigningKeyError extends Error {
  constructor() {
    super('no signing key is loaded');
    this.name = 'NoSigningKeyError';
  }
}

export async function issueToken(
  keys: KeyRing, s: TokenSettings, subject: string, audience: string, scopes: string[], nowSeconds = Math.floor(Date.now() / 1000),
): Promise<{ token: string; expiresIn: number }> {
  const key = keys.signing();
  if (!key) throw new NoSigningKeyError();
  const token = await new SignJWT({ scope: scopes.join(' ') })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
    .setIssuer(s.issuer)
    .setSubject(subject)
    .setAudience(audience)
    .setIssuedAt(nowSeconds)
    .setNotBefore(nowSeconds)
    .setExpirationTime(nowSeconds + s.ttlSeconds)
    .setJti(randomUUID())
    .sign(key.privateKey);
  return { token, expiresIn: s.ttlSeconds };
}

export async function verifyToken(keys: KeyRing, s: TokenSettings, token: string, audience: string, now?: Date): Promise<Verification> {
  let unknownKey = false;
  try {
    const { payload } = await jwtVerify(
      token,
      async (header) => {
        const key = keys.verifying(header.kid);
        if (!key || key.alg !== header.alg) {
          unknownKey = true;
          throw new errors.JWKSNoMatchingKey();
        }
        return key.publicKey;
      },
      {
        algorithms: [...SIGNING_ALGORITHMS],
        issuer: s.issuer,
        audience,
        typ: 'JWT',
        requiredClaims: ['exp', 'iat', 'sub', 'jti'],
        clockTolerance: s.clockToleranceSeconds,
        ...(now ? { currentDate: now } : {}),
      },
    );
    return { valid: true, claims: payload };
  } catch (err) {
    return { valid: false, reason: unknownKey ? 'unknown_key' : reasonOf(err) };
  }
}

function reasonOf(err: unknown): RejectReason {
  if (err instanceof errors.JOSEAlgNotAllowed || err instanceof errors.JOSENotSupported) return 'algorithm';
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'signature';
  if (err instanceof errors.JWTExpired) return 'expired';
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'iss') return 'issuer';
    if (err.claim === 'aud') return 'audience';
    return 'claims';
  }
  return 'malformed';
}
