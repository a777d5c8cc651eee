/**
 * What auth's consumers rely on, as JSON Schema: the token response (clients), the verify answer
 * (services that introspect) and the JWKS (services that verify locally, e.g. persona). The contract
 * tests hold real responses to these, so a change that would break a consumer fails a test first.
 */
const base64url = { type: 'string', pattern: '^[A-Za-z0-9_-]+$' } as const;

export const tokenResponseSchema = {
  $id: 'auth/token-response',
  type: 'object',
  required: ['access_token', 'token_type', 'expires_in', 'scope'],
  properties: {
    access_token: { type: 'string', pattern: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$' },
    token_type: { const: 'Bearer' },
    expires_in: { type: 'integer', minimum: 1 },
    scope: { type: 'string' },
  },
} as const;

export const tokenErrorSchema = {
  $id: 'auth/token-error',
  type: 'object',
  required: ['error'],
  properties: {
    error: { enum: ['invalid_request', 'invalid_client', 'unsupported_grant_type', 'invalid_target', 'invalid_scope'] },
    error_description: { type: 'string' },
  },
} as const;

export const verifyResponseSchema = {
  $id: 'auth/verify-response',
  oneOf: [
    {
      type: 'object',
      required: ['active', 'sub', 'aud', 'scope', 'exp', 'iat', 'jti'],
      properties: {
        active: { const: true },
        sub: { type: 'string' },
        aud: { type: 'string' },
        scope: { type: 'string' },
        exp: { type: 'integer' },
        iat: { type: 'integer' },
        jti: { type: 'string' },
      },
    },
    {
      type: 'object',
      required: ['active', 'error'],
      properties: {
        active: { const: false },
        error: { enum: ['malformed', 'algorithm', 'unknown_key', 'signature', 'expired', 'issuer', 'audience', 'claims'] },
      },
    },
  ],
} as const;

/** Public keys only: nothing beyond the public members, so a private `d` in the JWKS fails the contract. */
export const jwksSchema = {
  $id: 'auth/jwks',
  type: 'object',
  required: ['keys'],
  properties: {
    keys: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['kty', 'crv', 'x', 'kid', 'alg', 'use'],
        additionalProperties: false,
        properties: {
          kty: { enum: ['EC', 'OKP'] },
          crv: { enum: ['P-256', 'Ed25519'] },
          x: base64url,
          y: base64url,
          kid: { type: 'string', minLength: 1 },
          alg: { enum: ['ES256', 'EdDSA'] },
          use: { const: 'sig' },
        },
      },
    },
  },
} as const;
