import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { hashSecret } from '../../auth/src/credentials.js';
import { startAuth } from '../../auth/src/app.js';
import { InputError } from '../../../common/errors.js';
import { LOADER_OPTIONS, createPersonaService, loadPersonaProto, startPersona } from '../src/app.js';

type Unary = (req: unknown, md: grpc.Metadata, cb: (err: grpc.ServiceError | null, res: Record<string, unknown>) => void) => void;
type Client = grpc.Client & Record<string, Unary>;

function clients(port: number) {
  const proto = loadPersonaProto() as unknown as { persona: { v1: { PersonaService: new (a: string, c: grpc.ChannelCredentials) => Client } } };
  const persona = new proto.persona.v1.PersonaService(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const healthPkg = grpc.loadPackageDefinition(protoLoader.loadSync(healthProtoPath, LOADER_OPTIONS)) as unknown as {
    grpc: { health: { v1: { Health: new (a: string, c: grpc.ChannelCredentials) => Client } } };
  };
  const health = new healthPkg.grpc.health.v1.Health(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  return { persona, health };
}

function call(client: Client, method: string, req: unknown, md: Record<string, string> = {}): Promise<Record<string, unknown>> {
  const metadata = new grpc.Metadata();
  for (const [k, v] of Object.entries(md)) metadata.set(k, v);
  return new Promise((resolve, reject) => client[method](req, metadata, (err, res) => (err ? reject(err) : resolve(res))));
}

const quiet = { logLevel: 'silent' as const, writeEmf: () => {}, drainDelayMs: 0, grpcPort: 0, httpPort: 0, host: '127.0.0.1' };

describe('persona over gRPC', () => {
  let p: Awaited<ReturnType<typeof startPersona>>;
  let c: ReturnType<typeof clients>;
  beforeAll(async () => {
    p = await startPersona({ ...quiet, env: { PERSONA_CAPACITY: '3' } });
    c = clients(p.grpcPort);
  });
  afterAll(async () => {
    c.persona.close();
    c.health.close();
    await p.service.stop();
  });

  it('creates, gets and analyses a persona', async () => {
    const created = await call(c.persona, 'CreatePersona', { displayName: ' Ada ', bio: 'I love maths. Engines are fun!', interests: ['maths'] });
    const persona = created.persona as Record<string, unknown>;
    expect(persona).toMatchObject({ displayName: 'Ada', interests: ['maths'] });
    expect(persona.createdAtUnixMs).toBeGreaterThan(Date.UTC(2020, 0, 1));
    expect(await call(c.persona, 'GetPersona', { id: persona.id })).toEqual({ persona });
    const a = await call(c.persona, 'AnalysePersona', { id: persona.id });
    expect(a).toMatchObject({ id: persona.id, wordCount: 6, keywords: ['love', 'maths', 'engines', 'fun'] });
    expect(a.sentiment).toBeGreaterThan(0);
  });

  it('a repeated request_id returns the first persona instead of a second one', async () => {
    const req = { displayName: 'Bob', bio: '', interests: [], requestId: 'req-1' };
    const first = await call(c.persona, 'CreatePersona', req);
    const again = await call(c.persona, 'CreatePersona', req);
    expect(again).toEqual(first);
  });

  it.each([
    [{ displayName: '', bio: '' }, grpc.status.INVALID_ARGUMENT, 'display_name: expected 1 to 100 characters'],
    [{ displayName: 'x', interests: Array(21).fill('a') }, grpc.status.INVALID_ARGUMENT, 'interests: expected at most 20 items'],
    [{ displayName: 'x', requestId: 'bad id' }, grpc.status.INVALID_ARGUMENT, 'request_id: expected'],
  ])('rejects %o with a status naming the field', async (req, code, details) => {
    const err = (await call(c.persona, 'CreatePersona', req).catch((e) => e)) as grpc.ServiceError;
    expect(err.code).toBe(code);
    expect(err.details).toContain(details);
  });

  it('NOT_FOUND for an unknown id; RESOURCE_EXHAUSTED when the store is full', async () => {
    expect(((await call(c.persona, 'GetPersona', { id: 'nope' }).catch((e) => e)) as grpc.ServiceError).code).toBe(grpc.status.NOT_FOUND);
    await call(c.persona, 'CreatePersona', { displayName: 'third' });
    const err = (await call(c.persona, 'CreatePersona', { displayName: 'fourth' }).catch((e) => e)) as grpc.ServiceError;
    expect(err.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
  });

  it('grpc.health.v1 reports SERVING; /health and /ready answer on the HTTP port; RED metrics per gRPC method', async () => {
    expect(await call(c.health, 'Check', { service: '' })).toEqual({ status: 'SERVING' });
    expect(await call(c.health, 'Check', { service: 'persona.v1.PersonaService' })).toEqual({ status: 'SERVING' });
    expect((await fetch(`${p.url}/health`)).status).toBe(200);
    expect((await fetch(`${p.url}/ready`)).status).toBe(200);
    const metrics = await (await fetch(`${p.url}/metrics`)).text();
    expect(metrics).toMatch(/http_requests_total\{route="\/persona.v1.PersonaService\/GetPersona",method="grpc",status_code="404",version="dev",service="persona"\} 1/);
    expect(metrics).toMatch(/http_requests_total\{route="\/persona.v1.PersonaService\/CreatePersona",method="grpc",status_code="429"/);
  });
});

describe('persona readiness and caller authentication through auth', () => {
  it('is NOT_SERVING until the JWKS loads, then checks bearer tokens and scopes; NOT_SERVING once draining', async () => {
    const clientsJson = JSON.stringify({ clients: [
      { id: 'reader', secretHash: await hashSecret('r'), audiences: ['persona'], scopes: ['persona:read'] },
      { id: 'writer', secretHash: await hashSecret('w'), audiences: ['persona'], scopes: ['persona:read', 'persona:write'] },
    ] });
    // auth's port is known before auth runs, so persona starts first with its dependency down.
    const auth = await startAuth({ logLevel: 'silent', writeEmf: () => {}, drainDelayMs: 0, port: 0, host: '127.0.0.1', env: { AUTH_SIGNING_KEY: 'generate', AUTH_CLIENTS: clientsJson } });
    const authUrl = auth.url;
    await auth.service.stop();
    const p = await startPersona({ ...quiet, drainDelayMs: 300, env: { AUTH_JWKS_URL: authUrl, HEALTH_CHECK_INTERVAL: '100ms', AUTH_JWKS_REFRESH: '100ms' } });
    const c = clients(p.grpcPort);
    let auth2: Awaited<ReturnType<typeof startAuth>> | undefined;
    try {
      expect(await call(c.health, 'Check', { service: '' })).toEqual({ status: 'NOT_SERVING' });
      expect((await fetch(`${p.url}/ready`)).status).toBe(503);

      auth2 = await startAuth({ logLevel: 'silent', writeEmf: () => {}, drainDelayMs: 0, port: Number(new URL(authUrl).port), host: '127.0.0.1', env: { AUTH_SIGNING_KEY: 'generate', AUTH_CLIENTS: clientsJson } });
      const deadline = Date.now() + 10_000;
      let status = '';
      while (Date.now() < deadline && status !== 'SERVING') {
        status = (await call(c.health, 'Check', { service: '' })).status as string;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(status).toBe('SERVING');

      const token = async (id: string, secret: string) => {
        const res = await fetch(`${auth2!.url}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ grant_type: 'client_credentials', client_id: id, client_secret: secret, audience: 'persona' }) });
        return ((await res.json()) as { access_token: string }).access_token;
      };
      const noToken = (await call(c.persona, 'GetPersona', { id: 'x' }).catch((e) => e)) as grpc.ServiceError;
      expect(noToken.code).toBe(grpc.status.UNAUTHENTICATED);
      const forged = (await call(c.persona, 'GetPersona', { id: 'x' }, { authorization: 'Bearer a.b.c' }).catch((e) => e)) as grpc.ServiceError;
      expect(forged.code).toBe(grpc.status.UNAUTHENTICATED);
      const reader = { authorization: `Bearer ${await token('reader', 'r')}` };
      const denied = (await call(c.persona, 'CreatePersona', { displayName: 'x' }, reader).catch((e) => e)) as grpc.ServiceError;
      expect(denied.code).toBe(grpc.status.PERMISSION_DENIED);
      const writer = { authorization: `Bearer ${await token('writer', 'w')}` };
      const created = (await call(c.persona, 'CreatePersona', { displayName: 'x' }, writer)).persona as { id: string };
      expect(((await call(c.persona, 'GetPersona', { id: created.id }, reader)).persona as { id: string }).id).toBe(created.id);

      // Shutdown: health flips to NOT_SERVING before the listener goes away.
      const stopping = p.service.stop('test');
      expect(await call(c.health, 'Check', { service: '' })).toEqual({ status: 'NOT_SERVING' });
      await stopping;
    } finally {
      c.persona.close();
      c.health.close();
      await p.service.stop();
      await auth2?.service.stop();
    }
  });

  it.each([
    [{ PORT: 'x' }, 'PORT: "x" is not valid'],
    [{ HTTP_PORT: '70000' }, 'HTTP_PORT: "70000" is not valid'],
    [{ PERSONA_CAPACITY: '0' }, 'PERSONA_CAPACITY: "0" is not valid; expected a whole number from 1 to 10000000.'],
    [{ AUTH_JWKS_URL: 'auth:8080' }, 'AUTH_JWKS_URL: "auth:8080" is not a URL'],
    // 0 would re-run every readiness check (or fetch auth's JWKS) in a busy loop.
    [{ HEALTH_CHECK_INTERVAL: '0s' }, 'HEALTH_CHECK_INTERVAL: "0s" is too short; expected a number with a unit: ms, s, m, h or d, combinable (e.g. 90s, 5m, 1h30m) of at least 100ms.'],
    [{ AUTH_JWKS_URL: 'http://auth:8080', AUTH_JWKS_REFRESH: '10ms' }, 'AUTH_JWKS_REFRESH: "10ms" is too short'],
    [{ PERSONA_PROTO_PATH: '/nowhere/persona.proto' }, 'PERSONA_PROTO_PATH: "/nowhere/persona.proto" does not exist'],
  ])('configuration %o fails naming the variable', async (env, message) => {
    const err = await createPersonaService({ logLevel: 'silent', env }).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toContain(message);
  });
});
