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
}

export const SERVICES: Record<string, ServiceImage> = {
  auth: {
    name: 'auth',
    entry: 'services/auth/src/main.ts',
    dockerfile: 'services/auth/Dockerfile',
    external: ['@node-rs/argon2'],
    assets: [],
    healthPortEnv: 'PORT',
    smokeEnv: { AUTH_SIGNING_KEY: 'generate' },
  },
  persona: {
    name: 'persona',
    entry: 'services/persona/src/main.ts',
    dockerfile: 'services/persona/Dockerfile',
    // Loads its health.proto from beside its own code.
    external: ['grpc-health-check'],
    assets: [{ from: 'services/persona/proto', to: 'proto' }],
    healthPortEnv: 'HTTP_PORT',
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
  },
};

export function serviceImage(name: string): ServiceImage {
  const s = SERVICES[name];
  if (!s) throw new Error(`unknown service "${name}"; expected one of ${Object.keys(SERVICES).join(' | ')}`);
  return s;
}
