/**
 * One benchmark target, run as its own process so the load generator does not share its event loop:
 * `tsx bench/service-target.ts <auth|persona|vc-start> <kit|bare>`. Prints `TARGET {json}` with the
 * port and what the load needs (a token, a persona id) on stderr, then serves until SIGTERM.
 *
 * "kit" is the real service (createService: tracing, RED metrics + EMF, access log, correlation ids). "bare" is a
 * plain Fastify (or grpc-js) server doing the same work with none of that.
 */
import * as grpc from '@grpc/grpc-js';
import Fastify from 'fastify';
import { exportJWK, generateKeyPair } from 'jose';
import { startAuth } from '../services/auth/src/app.js';
import { KeyRing, parseSigningKey } from '../services/auth/src/keys.js';
import { issueToken, verifyToken, type TokenSettings } from '../services/auth/src/tokens.js';
import { analyse } from '../services/persona/src/analyse.js';
import { loadPersonaProto, startPersona } from '../services/persona/src/app.js';
import { PersonaStore } from '../services/persona/src/store.js';

const [service, variant] = process.argv.slice(2);
// Extra environment for the kit side (e.g. {"ACCESS_LOG":"false"}), to see what each feature costs.
const kitEnv = JSON.parse(process.env.BENCH_KIT_ENV ?? '{}') as Record<string, string>;
// The kit writes logs and EMF to stdout as in production; the bench points this process's stdout at
// /dev/null, so writing costs what it costs and no pipe fills. TARGET goes to stderr.
const quiet = { drainDelayMs: 0, host: '127.0.0.1' };
const BIO = 'A curious engineer who loves distributed systems and good coffee. Enjoys climbing on weekends, hates flaky tests.';

function announce(info: Record<string, unknown>): void {
  process.stderr.write(`TARGET ${JSON.stringify(info)}\n`);
}

async function signingKey(): Promise<string> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  return JSON.stringify({ ...(await exportJWK(privateKey)), kid: 'bench', alg: 'ES256' });
}

async function auth(): Promise<void> {
  const key = await signingKey();
  const settings: TokenSettings = { issuer: 'https://auth.mesh.internal', ttlSeconds: 3600, clockToleranceSeconds: 30 };
  const ring = new KeyRing(3600_000);
  ring.rotateTo(await parseSigningKey(key, 'bench key'));
  const { token } = await issueToken(ring, settings, 'bench', 'persona', ['persona:read']);
  if (variant === 'kit') {
    const { port, service: s } = await startAuth({ ...quiet, port: 0, env: { ...kitEnv, AUTH_SIGNING_KEY: key, AUTH_TOKEN_TTL: '1h' } });
    process.once('SIGTERM', () => void s.stop().then(() => process.exit(0)));
    return announce({ port, token });
  }
  const app = Fastify();
  app.post('/verify', async (req, reply) => {
    const body = req.body as { token: string; audience: string };
    const r = await verifyToken(ring, settings, body.token, body.audience);
    if (!r.valid) return reply.code(401).send({ active: false, error: r.reason });
    const { sub, aud, scope, exp, iat, jti } = r.claims;
    return { active: true, sub, aud, scope, exp, iat, jti };
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
  announce({ port: (app.server.address() as { port: number }).port, token });
}

async function persona(): Promise<void> {
  if (variant === 'kit') {
    const p = await startPersona({ ...quiet, grpcPort: 0, httpPort: 0, env: kitEnv });
    const id = await createViaGrpc(p.grpcPort);
    process.once('SIGTERM', () => void p.service.stop().then(() => process.exit(0)));
    return announce({ port: p.grpcPort, id });
  }
  const store = new PersonaStore(100_000);
  const { persona: created } = store.create({ displayName: 'bench', bio: BIO, interests: ['systems'] });
  const server = new grpc.Server();
  const proto = loadPersonaProto() as unknown as { persona: { v1: { PersonaService: { service: grpc.ServiceDefinition } } } };
  const unimplemented = (_c: unknown, cb: grpc.sendUnaryData<unknown>) => cb({ code: grpc.status.UNIMPLEMENTED } as grpc.ServiceError);
  server.addService(proto.persona.v1.PersonaService.service, {
    CreatePersona: unimplemented,
    GetPersona: unimplemented,
    AnalysePersona: (call: grpc.ServerUnaryCall<{ id: string }, unknown>, cb: grpc.sendUnaryData<unknown>) => {
      const p = store.get(call.request.id);
      if (!p) return cb({ code: grpc.status.NOT_FOUND } as grpc.ServiceError);
      cb(null, { id: p.id, ...analyse(p.bio) });
    },
  });
  const port = await new Promise<number>((res, rej) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? rej(e) : res(p))));
  process.once('SIGTERM', () => server.tryShutdown(() => process.exit(0)));
  announce({ port, id: created.id });
}

function createViaGrpc(port: number): Promise<string> {
  const proto = loadPersonaProto() as unknown as { persona: { v1: { PersonaService: new (a: string, c: grpc.ChannelCredentials) => grpc.Client & Record<string, Function> } } };
  const client = new proto.persona.v1.PersonaService(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  return new Promise((resolve, reject) =>
    client.CreatePersona({ displayName: 'bench', bio: BIO, interests: ['systems'] }, (err: Error | null, res: { persona: { id: string } }) => {
      client.close();
      if (err) reject(err);
      else resolve(res.persona.id);
    }));
}

/** vc-start is another engineer's service: used only when it exposes a programmatic start. */
async function vcStart(): Promise<void> {
  const app = (await import('../services/vc-start/src/app.js')) as Record<string, unknown>;
  const create = app.createVcStart as ((o: object) => Promise<{ start(): Promise<{ port: number }>; service: { stop(): Promise<void> } }>) | undefined;
  if (!create) throw new Error('services/vc-start exposes no createVcStart');
  if (variant === 'kit') {
    const vc = await create({ ...quiet, port: 0, env: kitEnv });
    const { port } = await vc.start();
    process.once('SIGTERM', () => void vc.service.stop().then(() => process.exit(0)));
    return announce({ port });
  }
  const { verificationRoutes } = await import('../services/vc-start/src/http.js');
  const { pgliteDatabase } = await import('../services/vc-start/src/db.js');
  const { migrate } = await import('../services/vc-start/src/migrations.js');
  const { PGlite } = await import('@electric-sql/pglite');
  const db = pgliteDatabase(new PGlite());
  await migrate(db);
  const f = Fastify();
  await f.register(async (scope) => verificationRoutes(scope, { db, keyTtlMs: 86_400_000 }));
  await f.listen({ port: 0, host: '127.0.0.1' });
  process.once('SIGTERM', () => void f.close().then(() => db.close()).then(() => process.exit(0)));
  announce({ port: (f.server.address() as { port: number }).port });
}

const targets: Record<string, () => Promise<void>> = { auth, persona, 'vc-start': vcStart };
if (!targets[service] || !['kit', 'bare'].includes(variant)) {
  process.stderr.write('usage: tsx bench/service-target.ts <auth|persona|vc-start> <kit|bare>\n');
  process.exit(2);
}
await targets[service]();
