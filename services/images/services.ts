/** The services that ship as images, and what building and smoke-running each one needs. */
export interface ServiceImage {
  name: string;
  /** The start command's module (what `npx tsx <entry>` runs in development). */
  entry: string;
  dockerfile: string;
  /** Packages left out of the bundle and copied whole into app/node_modules: they load files next to
   * their own code (WebAssembly, data files, .proto, native addons) in ways a bundler cannot follow. */
  external: string[];
  /** Files the service reads at run time, copied to the same path under /app (e.g. .proto). */
  assets: { from: string; to: string }[];
  /** The port serving /health, and the environment a smoke run needs (no AWS here). */
  healthPortEnv: string;
  smokeEnv: Record<string, string>;
  /** The gRPC port's variable, where grpc.health.v1 must answer SERVING. */
  grpcPortEnv?: string;
  /** A request on the main route the running image must answer with `status` (proves its dependencies load, not just the kit). */
  smokeRequest?: { method: 'GET' | 'POST'; path: string; headers?: Record<string, string>; body?: unknown; status: number };
}

export const SERVICES: Record<string, ServiceImage> = {
  auth: {
    name: 'auth',
    entry: 'services/auth/src/main.ts',
    dockerfile: 'services/auth/Dockerfile',
    external: ['@node-rs/argon2'],
    assets: [],
    healthPortEnv: 'PORT',
    // A throwaway client whose secret is written below: a test fixture, not a credential.
    smokeEnv: {
      AUTH_SIGNING_KEY: 'generate',
      AUTH_CLIENTS: JSON.stringify({ clients: [{ id: 'smoke', secretHash: '$argon2id$v=19$m=19456,t=2,p=1$yeFcafdnKxTyEFdqlqUmuw$917+PB4SHTjanZ06qiKZ3jcknJILghS9tJq7tw+AS1c', audiences: ['persona'], scopes: ['persona:read'] }] }),
    },
    // Issuing a token runs Argon2id (the native addon) and signs with the generated key.
    smokeRequest: {
      method: 'POST', path: '/oauth/token', status: 200, headers: { 'content-type': 'application/json' },
      body: { grant_type: 'client_credentials', client_id: 'smoke', client_secret: 'image-smoke-secret-not-for-production', audience: 'persona' },
    },
  },
  persona: {
    name: 'persona',
    entry: 'services/persona/src/main.ts',
    dockerfile: 'services/persona/Dockerfile',
    // Loads its health.proto from beside its own code.
    external: ['grpc-health-check'],
    assets: [{ from: 'services/persona/proto', to: 'proto' }],
    healthPortEnv: 'HTTP_PORT',
    grpcPortEnv: 'PORT',
    smokeEnv: {},
  },
  'vc-start': {
    name: 'vc-start',
    entry: 'services/vc-start/src/main.ts',
    dockerfile: 'services/vc-start/Dockerfile',
    external: ['@electric-sql/pglite'],
    assets: [],
    healthPortEnv: 'PORT',
    smokeEnv: {},
    // PGlite's WebAssembly loads from the read-only /app as the non-root user.
    smokeRequest: {
      method: 'POST', path: '/verifications', status: 201,
      headers: { 'content-type': 'application/json', 'idempotency-key': 'image-smoke-1' },
      body: { subject: 'smoke@example.com', method: 'email' },
    },
  },
};

export function serviceImage(name: string): ServiceImage {
  const s = SERVICES[name];
  if (!s) throw new Error(`unknown service "${name}"; expected one of ${Object.keys(SERVICES).join(' | ')}`);
  return s;
}
