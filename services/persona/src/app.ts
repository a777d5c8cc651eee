/**
 * persona: a gRPC service (PORT, default 50051) with `grpc.health.v1` reporting real readiness, and
 * the kit's HTTP side (HTTP_PORT, default 8081) for /health, /ready and /metrics.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { HealthImplementation, type ServingStatus } from 'grpc-health-check';
import { InputError } from '../../../common/errors.js';
import { GrpcError, addGrpcService, createService, envDuration, envInt, envPort, envString, instrumentUnary, type Env, type Service, type ServiceOptions } from '../../kit/src/index.js';
import { JwksAccess } from './access.js';
import { analyse } from './analyse.js';
import { PersonaStore, StoreFullError, type Persona } from './store.js';

// Next to the source (development), or under the bundle's folder (an image copies proto/ beside
// index.js). The paths are variables so a bundler leaves them to run time.
const PROTO_CANDIDATES = ['../proto/persona/v1/persona.proto', './proto/persona/v1/persona.proto'];

/** PERSONA_PROTO_PATH, else the first candidate that exists. */
export function protoPath(env: Env = process.env): string {
  const explicit = env.PERSONA_PROTO_PATH?.trim();
  if (explicit) {
    if (!existsSync(explicit)) throw new InputError(`PERSONA_PROTO_PATH: "${explicit}" does not exist; expected the path of persona/v1/persona.proto.`);
    return explicit;
  }
  const found = PROTO_CANDIDATES.map((rel) => fileURLToPath(new URL(rel, import.meta.url))).find((p) => existsSync(p));
  if (!found) throw new InputError(`persona.proto not found next to the code (${PROTO_CANDIDATES.join(', ')}); set PERSONA_PROTO_PATH.`);
  return found;
}
export const SERVICE_NAME = 'persona.v1.PersonaService';

export const LOADER_OPTIONS: protoLoader.Options = { keepCase: false, longs: Number, enums: String, defaults: true, oneofs: true };

export function loadPersonaProto(env: Env = process.env): grpc.GrpcObject {
  return grpc.loadPackageDefinition(protoLoader.loadSync(protoPath(env), LOADER_OPTIONS));
}

export interface PersonaOptions extends Partial<Omit<ServiceOptions, 'name' | 'routes' | 'port'>> {
  env?: Env;
  /** gRPC port; PORT, else 50051. */
  grpcPort?: number;
  /** HTTP port for /health, /ready, /metrics; HTTP_PORT, else 8081. */
  httpPort?: number;
}

export interface PersonaService {
  service: Service;
  grpcServer: grpc.Server;
  start(): Promise<{ grpcPort: number; httpPort: number; url: string }>;
}

interface CreateRequest { displayName: string; bio: string; interests: string[]; requestId: string }

/** Field limits; a violation is INVALID_ARGUMENT naming the field and the accepted form. */
function validateCreate(r: CreateRequest): void {
  const bad = (msg: string) => new GrpcError(grpc.status.INVALID_ARGUMENT, msg);
  if (!r.displayName?.trim() || r.displayName.length > 100) throw bad('display_name: expected 1 to 100 characters');
  if ((r.bio ?? '').length > 4000) throw bad('bio: expected at most 4000 characters');
  if ((r.interests ?? []).length > 20 || r.interests.some((i) => !i.trim() || i.length > 40)) throw bad('interests: expected at most 20 items of 1 to 40 characters');
  if (r.requestId && !/^[A-Za-z0-9._:-]{1,128}$/.test(r.requestId)) throw bad('request_id: expected 1 to 128 of A-Z a-z 0-9 . _ : -');
}

const toWire = (p: Persona) => ({ id: p.id, displayName: p.displayName, bio: p.bio, interests: p.interests, createdAtUnixMs: p.createdAtUnixMs });

/** The settings from options, else the environment; each variable checked before anything starts. */
function readPersonaConfig(opts: PersonaOptions, env: Env) {
  const grpcPort = opts.grpcPort ?? envPort(env, 'PORT', 50051);
  const httpPort = opts.httpPort ?? envPort(env, 'HTTP_PORT', 8081);
  const host = opts.host ?? envString(env, 'HOST', '0.0.0.0');
  const capacity = envInt(env, 'PERSONA_CAPACITY', 100_000, { min: 1, max: 10_000_000 });
  const healthEveryMs = envDuration(env, 'HEALTH_CHECK_INTERVAL', '2s', { minMs: 100 });
  const jwksUrl = env.AUTH_JWKS_URL?.trim();
  if (jwksUrl && !/^https?:\/\/\S+$/.test(jwksUrl)) throw new InputError(`AUTH_JWKS_URL: "${jwksUrl}" is not a URL; expected e.g. http://auth:8080.`);
  const issuer = envString(env, 'AUTH_ISSUER', 'https://auth.mesh.internal');
  const jwksRefreshMs = envDuration(env, 'AUTH_JWKS_REFRESH', '5m', { minMs: 100 });
  return { grpcPort, httpPort, host, capacity, healthEveryMs, jwksUrl, issuer, jwksRefreshMs };
}

/** The PersonaService methods, each instrumented and authorized (when AUTH_JWKS_URL is set) by its scope. */
function personaHandlers(kit: Service, store: PersonaStore, access: JwksAccess | undefined): grpc.UntypedServiceImplementation {
  const authorize = async (call: grpc.ServerUnaryCall<unknown, unknown>, scope: string) => {
    if (access) await access.authorize(call.metadata.get('authorization')[0]?.toString(), scope);
  };
  const mustGet = (id: string) => {
    const p = store.get(id);
    if (!p) throw new GrpcError(grpc.status.NOT_FOUND, `persona ${JSON.stringify(id)} does not exist`);
    return p;
  };

  return {
    CreatePersona: instrumentUnary(kit, `/${SERVICE_NAME}/CreatePersona`, async (req: CreateRequest, call) => {
      await authorize(call, 'persona:write');
      validateCreate(req);
      try {
        const { persona } = store.create({ displayName: req.displayName.trim(), bio: req.bio, interests: req.interests, requestId: req.requestId || undefined });
        return { persona: toWire(persona) };
      } catch (err) {
        if (err instanceof StoreFullError) throw new GrpcError(grpc.status.RESOURCE_EXHAUSTED, err.message);
        throw err;
      }
    }),
    GetPersona: instrumentUnary(kit, `/${SERVICE_NAME}/GetPersona`, async (req: { id: string }, call) => {
      await authorize(call, 'persona:read');
      return { persona: toWire(mustGet(req.id)) };
    }),
    AnalysePersona: instrumentUnary(kit, `/${SERVICE_NAME}/AnalysePersona`, async (req: { id: string }, call) => {
      await authorize(call, 'persona:read');
      const p = mustGet(req.id);
      return { id: p.id, ...analyse(p.bio) };
    }),
  };
}

/** In-flight calls finish; a call still running after 5 s is cut so the task meets stopTimeout. */
function shutDownGrpc(server: grpc.Server): Promise<void> {
  return new Promise<void>((resolve) => {
    const force = setTimeout(() => server.forceShutdown(), 5000);
    server.tryShutdown(() => {
      clearTimeout(force);
      resolve();
    });
  });
}

export async function createPersonaService(opts: PersonaOptions = {}): Promise<PersonaService> {
  const env = opts.env ?? process.env;
  const { grpcPort, httpPort, host, capacity, healthEveryMs, jwksUrl, issuer, jwksRefreshMs } = readPersonaConfig(opts, env);
  const proto = loadPersonaProto(env) as unknown as { persona: { v1: { PersonaService: { service: grpc.ServiceDefinition } } } };

  const store = new PersonaStore(capacity);
  const health = new HealthImplementation({ '': 'NOT_SERVING', [SERVICE_NAME]: 'NOT_SERVING' });
  const grpcServer = new grpc.Server();
  let bound = false;
  let draining = false;
  let access: JwksAccess | undefined;
  let healthTimer: NodeJS.Timeout | undefined;
  const setHealth = (s: ServingStatus) => {
    health.setStatus('', s);
    health.setStatus(SERVICE_NAME, s);
  };

  const service = await createService({
    ...opts,
    name: 'persona',
    env,
    port: httpPort,
    host,
    readiness: {
      grpc: () => bound,
      ...(jwksUrl ? { auth_jwks: () => access?.loaded === true } : {}),
      ...opts.readiness,
    },
    onDrain: [
      () => {
        draining = true;
        clearInterval(healthTimer);
        setHealth('NOT_SERVING');
      },
      ...(opts.onDrain ?? []),
    ],
    onClose: [
      () => shutDownGrpc(grpcServer),
      () => access?.stop(),
      ...(opts.onClose ?? []),
    ],
  });
  if (jwksUrl) access = new JwksAccess(service.httpClient({ name: 'auth-jwks', baseUrl: jwksUrl, timeoutMs: 2000 }), issuer, service.log);

  // A request that does not decode is the caller's INVALID_ARGUMENT, not grpc-js's INTERNAL.
  addGrpcService(grpcServer, proto.persona.v1.PersonaService.service, personaHandlers(service, store, access));
  health.addToServer({ addService: (definition: grpc.ServiceDefinition, impl: grpc.UntypedServiceImplementation) => addGrpcService(grpcServer, definition, impl) } as unknown as grpc.Server);

  async function updateHealth(): Promise<void> {
    if (draining) return;
    const r = await service.readiness();
    if (!draining) setHealth(r.ready ? 'SERVING' : 'NOT_SERVING');
  }

  return {
    service,
    grpcServer,
    async start() {
      const port = await new Promise<number>((resolve, reject) =>
        grpcServer.bindAsync(`${host}:${grpcPort}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
      bound = true;
      if (access) {
        await access.refresh().catch((err: Error) => service.log.warn({ err: err.message }, 'JWKS not loaded yet; not ready until it is'));
        access.startRefresh(jwksRefreshMs);
      }
      const http = await service.start();
      await updateHealth();
      healthTimer = setInterval(() => void updateHealth(), healthEveryMs);
      healthTimer.unref();
      service.log.info({ grpc_port: port, http_port: http.port }, 'persona serving');
      return { grpcPort: port, httpPort: http.port, url: http.url };
    },
  };
}

/** Creates and starts persona: for tests, the bench and the image. */
export async function startPersona(opts: PersonaOptions = {}) {
  const p = await createPersonaService(opts);
  return { ...p, ...(await p.start()) };
}
