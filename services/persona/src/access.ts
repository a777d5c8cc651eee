/**
 * Optional caller authentication: when AUTH_JWKS_URL is set, every call needs `authorization: Bearer
 * <token>` issued by auth for audience `persona`, with the method's scope. The JWKS comes through the
 * kit's HTTP client (timeout, retries, breaker); an unknown `kid` triggers at most one refetch per
 * 10 s, so a rotation is picked up without letting bad tokens hammer auth.
 */
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { status } from '@grpc/grpc-js';
import { GrpcError, type HttpClient, type Logger } from '../../kit/src/index.js';

export const AUDIENCE = 'persona';

export class JwksAccess {
  private keySet?: ReturnType<typeof createLocalJWKSet>;
  private lastFetch = 0;
  private timer?: NodeJS.Timeout;

  constructor(private readonly client: HttpClient, private readonly issuer: string, private readonly log: Logger, private readonly now = Date.now) {}

  get loaded(): boolean {
    return this.keySet !== undefined;
  }

  async refresh(): Promise<void> {
    this.lastFetch = this.now();
    const res = await this.client.get('/.well-known/jwks.json');
    if (res.status !== 200) throw new Error(`JWKS answered HTTP ${res.status}`);
    this.keySet = createLocalJWKSet(res.json<JSONWebKeySet>());
  }

  startRefresh(intervalMs: number): void {
    this.timer = setInterval(() => this.refresh().catch((err: Error) => this.log.warn({ err: err.message }, 'JWKS refresh failed; keeping the last set')), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Resolves with the caller (`sub`) or throws UNAUTHENTICATED / PERMISSION_DENIED. */
  async authorize(authorization: string | undefined, scope: string): Promise<string> {
    const token = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(authorization ?? '')?.[1];
    if (!token) throw new GrpcError(status.UNAUTHENTICATED, 'a bearer token is required (metadata "authorization: Bearer <token>")');
    if (!this.keySet) throw new GrpcError(status.UNAVAILABLE, 'token keys are not loaded yet');
    const options = { algorithms: ['ES256', 'EdDSA'], issuer: this.issuer, audience: AUDIENCE, typ: 'JWT' };
    let payload;
    try {
      ({ payload } = await jwtVerify(token, this.keySet, options));
    } catch (err) {
      if ((err as { code?: string }).code === 'ERR_JWKS_NO_MATCHING_KEY' && this.now() - this.lastFetch > 10_000) {
        await this.refresh().catch(() => undefined);
        try {
          ({ payload } = await jwtVerify(token, this.keySet, options));
        } catch {
          throw new GrpcError(status.UNAUTHENTICATED, 'the token is not valid');
        }
      } else {
        throw new GrpcError(status.UNAUTHENTICATED, 'the token is not valid');
      }
    }
    const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ') : [];
    if (!scopes.includes(scope)) throw new GrpcError(status.PERMISSION_DENIED, `the token lacks scope ${scope}`);
    return String(payload.sub);
  }
}
