/**
 * auth: issues access tokens to clients (OAuth 2.0 client credentials, secrets as Argon2id hashes),
 * verifies them, and serves the JWKS other services verify with. The signing key comes from Secrets
 * Manager and rotates without a restart.
 */
import rateLimit from '@fastify/rate-limit';
import { exportJWK, generateKeyPair } from 'jose';
import { randomUUID } from 'node:crypto';
import { InputError } from '../../../common/errors.js';
import type { FastifyInstance } from 'fastify';
import { createService, envDuration, envInt, envString, isSecretRef, parseSecretRef, type Env, type Service, type ServiceOptions } from '../../kit/src/index.js';
import { authenticate, parseClients, type Client } from './credentials.js';
import { KeyRing, parseSigningKey, SIGNING_KEY_FORM } from './keys.js';
import { issueToken, verifyToken, type TokenSettings } from './tokens.js';

export interface AuthOptions extends Partial<Omit<ServiceOptions, 'name' | 'routes'>> {
  env?: Env;
  /** Injected time for rotation tests. */
  now?: () => number;
}

interface AuthConfig {
  settings: TokenSettings;
  signingKey: string;
  clients?: string;
  refreshMs: number;
  rateMax: number;
  /** Token requests one source (the TCP peer) may make in the window, whatever client ids it names. */
  sourceRateMax: number;
  rateWindowMs: number;
}

function readConfig(env: Env): AuthConfig {
  const issuer = envString(env, 'AUTH_ISSUER', 'https://auth.mesh.internal');
  if (!/^https?:\/\/\S+$/.test(issuer)) throw new InputError(`AUTH_ISSUER: "${issuer}" is not a URL; expected e.g. https://auth.example.com.`);
  const signingKey = env.AUTH_SIGNING_KEY?.trim();
  if (!signingKey) {
    throw new InputError(`AUTH_SIGNING_KEY is required: a secret reference (secretsmanager:<id> or ssm:<name>) holding ${SIGNING_KEY_FORM}, the JWK itself, or "generate" for an ephemeral development key.`);
  }
  return {
    settings: {
      issuer,
      ttlSeconds: Math.round(envDuration(env, 'AUTH_TOKEN_TTL', '15m', { minMs: 60_000 }) / 1000),
      clockToleranceSeconds: Math.round(envDuration(env, 'AUTH_CLOCK_TOLERANCE', '30s') / 1000),
    },
    signingKey,
    clients: env.AUTH_CLIENTS?.trim() || undefined,
    refreshMs: envDuration(env, 'AUTH_SECRET_REFRESH', '5m', { minMs: 1000 }),
    rateMax: envInt(env, 'AUTH_TOKEN_RATE_LIMIT', 20, { min: 1, max: 100_000 }),
    sourceRateMax: envInt(env, 'AUTH_TOKEN_RATE_LIMIT_PER_SOURCE', 200, { min: 1, max: 1_000_000 }),
    rateWindowMs: envDuration(env, 'AUTH_TOKEN_RATE_WINDOW', '1m', { minMs: 1000 }),
  };
}

async function developmentKey(): Promise<string> {
  const { privateKey } = await generateKeyPair('EdDSA', { extractable: true, crv: 'Ed25519' });
  return JSON.stringify({ ...(await exportJWK(privateKey)), kid: `dev-${randomUUID()}`, alg: 'EdDSA' });
}

/** What the routes share with the key and client loading. */
interface AuthState {
  cfg: AuthConfig;
  keys: KeyRing;
  now: () => number;
  /** The client list as last read (it changes when AUTH_CLIENTS rotates). */
  clients: Map<string, Client>;
  /** Set once the key comes from a store that rotates: re-reads it. */
  rereadKey?: () => Promise<void>;
}

export async function createAuthService(opts: AuthOptions = {}): Promise<Service> {
  const env = opts.env ?? process.env;
  const cfg = readConfig(env);
  const now = opts.now ?? Date.now;
  // A replaced key verifies until the last token it signed has expired, in this task or another: the
  // other tasks see the rotation up to one refresh interval later and sign with the old key until then.
  const graceMs = cfg.refreshMs + (cfg.settings.ttlSeconds + cfg.settings.clockToleranceSeconds) * 1000;
  const state: AuthState = { cfg, keys: new KeyRing(graceMs, now), now, clients: new Map() };

  const service = await createService({
    ...opts,
    name: 'auth',
    env,
    readiness: { signing_key: () => state.keys.signing() !== undefined, ...opts.readiness },
    routes: (app) => authRoutes(app, state),
  });
  // Keys and clients load before the port opens, so /ready is true from the first request.
  await loadSigningKey(service, state, graceMs);
  await loadClients(service, state);
  if (state.clients.size === 0) service.log.warn('AUTH_CLIENTS is empty: no client can obtain a token');
  service.secrets.startRefresh(cfg.refreshMs);
  return service;
}

/** An unknown kid's re-read of the key: shared by concurrent callers, at most once per UNKNOWN_KID_REFRESH_MS. */
function unknownKidReread(state: AuthState): () => Promise<boolean> {
  let lastReread = -Infinity;
  let rereading: Promise<boolean> | undefined;
  return () => {
    const reread = state.rereadKey;
    if (!reread) return Promise.resolve(false);
    if (rereading) return rereading;
    if (state.now() - lastReread < UNKNOWN_KID_REFRESH_MS) return Promise.resolve(false);
    lastReread = state.now();
    rereading = reread().then(() => true, () => false).finally(() => (rereading = undefined));
    return rereading;
  };
}

async function authRoutes(app: FastifyInstance, state: AuthState): Promise<void> {
  const { cfg } = state;
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  await app.register(rateLimit, { global: false });
  // The per-client limit alone lets one caller name a new client_id on every request: unlimited
  // guesses across clients and unlimited Argon2 work (~19 MiB each). Every request also counts
  // against its source, known client or not (so the answer says nothing of which ids exist).
  // Behind a proxy or the mesh's Envoy the source is the proxy: a ceiling on the task's hashing.
  const perSource = app.createRateLimit({ max: cfg.sourceRateMax, timeWindow: cfg.rateWindowMs });
  tokenRoute(app, state, perSource);
  verifyRoute(app, state);
  app.get('/.well-known/jwks.json', async (_req, reply) => reply.header('cache-control', 'public, max-age=300').send(state.keys.jwks()));
}

function tokenRoute(app: FastifyInstance, state: AuthState, perSource: ReturnType<FastifyInstance['createRateLimit']>): void {
  const { cfg, keys, now } = state;
  app.post('/oauth/token', {
    config: {
      rateLimit: {
        max: cfg.rateMax,
        timeWindow: cfg.rateWindowMs,
        hook: 'preHandler',
        // Per client: guessing one client's secret is throttled wherever it comes from.
        keyGenerator: (req) => `client:${String((req.body as Record<string, unknown> | undefined)?.client_id ?? req.ip)}`,
      },
    },
  }, async (req, reply) => {
    void reply.header('cache-control', 'no-store');
    const source = await perSource(req);
    if (!source.isAllowed && source.isExceeded) {
      return reply.code(429).header('retry-after', String(source.ttlInSeconds))
        .send({ error: 'too_many_requests', error_description: 'too many token requests from this source; retry later' });
    }
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (body.grant_type !== 'client_credentials') {
      return reply.code(400).send({ error: 'unsupported_grant_type', error_description: 'grant_type must be client_credentials' });
    }
    const { client_id: id, client_secret: secret, audience } = body;
    if (typeof id !== 'string' || typeof secret !== 'string' || typeof audience !== 'string') {
      return reply.code(400).send({ error: 'invalid_request', error_description: 'client_id, client_secret and audience are required strings' });
    }
    const client = await authenticate(state.clients, id, secret);
    if (!client) {
      req.log.warn(boundedClientId(id), 'token refused: bad client credentials');
      return reply.code(401).header('www-authenticate', 'Basic realm="auth"').send({ error: 'invalid_client' });
    }
    if (!client.audiences.includes(audience)) return reply.code(400).send({ error: 'invalid_target', error_description: `client may not ask for audience ${audience}` });
    const requested = typeof body.scope === 'string' && body.scope ? body.scope.split(' ') : client.scopes;
    if (!requested.every((s) => client.scopes.includes(s))) return reply.code(400).send({ error: 'invalid_scope' });
    const { token, expiresIn } = await issueToken(keys, cfg.settings, client.id, audience, requested, Math.floor(now() / 1000));
    return { access_token: token, token_type: 'Bearer', expires_in: expiresIn, scope: requested.join(' ') };
  });
}

function verifyRoute(app: FastifyInstance, state: AuthState): void {
  const { cfg, keys, now } = state;
  const rereadKeyOnUnknownKid = unknownKidReread(state);
  app.post('/verify', async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (typeof body.token !== 'string' || typeof body.audience !== 'string') {
      return reply.code(400).send({ error: 'invalid_request', error_description: 'token and audience are required strings' });
    }
    let result = await verifyToken(keys, cfg.settings, body.token, body.audience, new Date(now()));
    // Another task may already sign with a key this one has not read yet (it reads on its next
    // refresh): an unknown kid re-reads the key now, at most once per UNKNOWN_KID_REFRESH_MS.
    if (!result.valid && result.reason === 'unknown_key' && (await rereadKeyOnUnknownKid())) {
      result = await verifyToken(keys, cfg.settings, body.token, body.audience, new Date(now()));
    }
    if (!result.valid) return reply.code(401).send({ active: false, error: result.reason });
    const { sub, aud, scope, exp, iat, jti } = result.claims;
    return { active: true, sub, aud, scope, exp, iat, jti };
  });
}

/** The signing key: generated (development), from a rotating secret (followed, with its predecessor for the grace), or inline. */
async function loadSigningKey(service: Service, state: AuthState, graceMs: number): Promise<void> {
  const { cfg, keys } = state;
  const { secrets } = service;
  if (cfg.signingKey === 'generate') {
    service.log.warn('AUTH_SIGNING_KEY=generate: an ephemeral key; tokens die with this process (development only)');
    keys.rotateTo(await parseSigningKey(await developmentKey(), 'AUTH_SIGNING_KEY'));
    return;
  }
  if (!isSecretRef(cfg.signingKey)) {
    keys.rotateTo(await parseSigningKey(cfg.signingKey, 'AUTH_SIGNING_KEY'));
    return;
  }
  const ref = parseSecretRef(cfg.signingKey, 'AUTH_SIGNING_KEY');
  keys.rotateTo(await parseSigningKey(await secrets.get(ref), 'AUTH_SIGNING_KEY'));
  if (ref.kind === 'secretsmanager' && !ref.stage) {
    // Tokens signed before a rotation that happened before this task started still verify, until
    // the last of them has expired (the grace counted from the rotation, not from this start).
    const previous = await secrets.get({ ...ref, stage: 'AWSPREVIOUS' }).catch(() => undefined);
    const rotatedAt = secrets.versionCreatedAt(ref);
    const retireAt = rotatedAt === undefined ? undefined : rotatedAt + graceMs;
    if (previous) keys.addPrevious(await parseSigningKey(previous, 'AUTH_SIGNING_KEY (AWSPREVIOUS)'), retireAt);
  }
  state.rereadKey = () => secrets.refreshAll();
  secrets.onChange(ref, async (value) => {
    try {
      const key = await parseSigningKey(value, 'AUTH_SIGNING_KEY');
      keys.rotateTo(key);
      service.log.info({ kid: key.kid }, 'signing key rotated');
    } catch (err) {
      service.log.error({ err: (err as Error).message }, 'rotated signing key refused; the current key stays');
    }
  });
}

/** AUTH_CLIENTS, inline or from a secret whose changes replace the list (a bad change is refused). */
async function loadClients(service: Service, state: AuthState): Promise<void> {
  const { cfg } = state;
  if (!cfg.clients || !isSecretRef(cfg.clients)) {
    state.clients = parseClients(cfg.clients, 'AUTH_CLIENTS');
    return;
  }
  const ref = parseSecretRef(cfg.clients, 'AUTH_CLIENTS');
  state.clients = parseClients(await service.secrets.get(ref), 'AUTH_CLIENTS');
  service.secrets.onChange(ref, (value) => {
    try {
      state.clients = parseClients(value, 'AUTH_CLIENTS');
    } catch (err) {
      service.log.error({ err: (err as Error).message }, 'changed AUTH_CLIENTS refused; the current list stays');
    }
  });
}

/**
 * How often an unknown `kid` may make a task re-read its signing key: tokens with made-up kids must
 * not turn into a stream of Secrets Manager calls.
 */
export const UNKNOWN_KID_REFRESH_MS = 10_000;

/** Logged client_id characters: the caller chooses the id, so a log line must not grow with it (up to the body limit). */
export const LOGGED_CLIENT_ID_MAX = 64;

/** A caller-supplied client_id as logged: its first characters and its full length. */
export function boundedClientId(id: string): { client_id: string; client_id_length: number } {
  return { client_id: id.slice(0, LOGGED_CLIENT_ID_MAX), client_id_length: id.length };
}

/** Creates and starts auth: for tests, the bench and the image. */
export async function startAuth(opts: AuthOptions = {}): Promise<{ service: Service; port: number; url: string }> {
  const service = await createAuthService(opts);
  return { service, ...(await service.start()) };
}
