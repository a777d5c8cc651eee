/**
 * Arbitrary client input never gets a server-fault status from persona (fast-check, a real grpc-js
 * client over loopback): typed messages with arbitrary fields, bytes that are not the method's
 * message, arbitrary metadata (an Authorization among it: persona checks tokens from a real auth),
 * and unknown methods. A server fault is INTERNAL, UNKNOWN, DATA_LOSS, UNAVAILABLE (the process
 * fell over) or DEADLINE_EXCEEDED (it hung).
 */
import * as grpc from '@grpc/grpc-js';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuth } from '../../auth/src/app.js';
import { hashSecret } from '../../auth/src/credentials.js';
import { nastyString } from '../../../test/support/services/http-fuzz.js';
import { SERVICE_NAME, loadPersonaProto, startPersona } from '../src/app.js';

type Unary = (req: unknown, md: grpc.Metadata, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null) => void) => void;
const SERVER_FAULTS = new Set([grpc.status.INTERNAL, grpc.status.UNKNOWN, grpc.status.DATA_LOSS, grpc.status.UNAVAILABLE, grpc.status.DEADLINE_EXCEEDED]);

let auth: Awaited<ReturnType<typeof startAuth>>;
let persona: Awaited<ReturnType<typeof startPersona>>;
let typed: grpc.Client & Record<string, Unary>;
let raw: grpc.Client;
let token: string;
let existingId: string;
const runsPerMethod: Record<string, number> = {};
const codesSeen: Record<string, Record<string, number>> = {};

beforeAll(async () => {
  const secret = 'persona-fuzz-secret-0123';
  const clients = JSON.stringify({ clients: [{ id: 'caller', secretHash: await hashSecret(secret), audiences: ['persona'], scopes: ['persona:read', 'persona:write'] }] });
  auth = await startAuth({ logLevel: 'silent', writeEmf: () => undefined, drainDelayMs: 0, port: 0, host: '127.0.0.1', env: { AUTH_SIGNING_KEY: 'generate', AUTH_CLIENTS: clients } });
  token = (await auth.service.app.inject({ method: 'POST', url: '/oauth/token', payload: { grant_type: 'client_credentials', client_id: 'caller', client_secret: secret, audience: 'persona' } })).json().access_token;
  persona = await startPersona({
    logLevel: 'silent', writeEmf: () => undefined, drainDelayMs: 0, grpcPort: 0, httpPort: 0, host: '127.0.0.1',
    env: { AUTH_JWKS_URL: auth.url, HEALTH_CHECK_INTERVAL: '100ms', PERSONA_CAPACITY: '1000000' },
  });
  const address = `127.0.0.1:${persona.grpcPort}`;
  const proto = loadPersonaProto() as unknown as { persona: { v1: { PersonaService: new (a: string, c: grpc.ChannelCredentials) => grpc.Client & Record<string, Unary> } } };
  typed = new proto.persona.v1.PersonaService(address, grpc.credentials.createInsecure());
  raw = new grpc.Client(address, grpc.credentials.createInsecure());
  const md = new grpc.Metadata();
  md.set('authorization', `Bearer ${token}`);
  existingId = await new Promise<string>((resolve, reject) => (typed.CreatePersona as unknown as (r: unknown, m: grpc.Metadata, cb: (e: grpc.ServiceError | null, res: { persona: { id: string } }) => void) => void)(
    { displayName: 'seed', bio: 'A calm, happy reader of long books.' }, md, (e, res) => (e ? reject(e) : resolve(res.persona.id))));
}, 120_000);

afterAll(async () => {
  typed?.close();
  raw?.close();
  await persona?.service.stop();
  await auth?.service.stop();
  console.log(`persona property runs per method: ${JSON.stringify(runsPerMethod)}; codes: ${JSON.stringify(codesSeen)}`);
});

const metadataKey = fc.stringMatching(/^[a-z0-9_.-]{1,20}$/).filter((k) => !k.startsWith('grpc-'));
const asciiValue = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 200 });
/** Metadata a client can send: a good, bad or missing Authorization, and arbitrary other entries (text and -bin). */
const metadata = fc.record({
  authorization: fc.option(fc.oneof(
    fc.constant(0).map(() => `Bearer ${token}`),
    fc.tuple(fc.nat(), asciiValue).map(([i, s]) => `Bearer ${token.slice(0, i % token.length)}${s}${token.slice(i % token.length)}`),
    asciiValue,
  ), { nil: undefined }),
  text: fc.dictionary(metadataKey.filter((k) => !k.endsWith('-bin')), asciiValue, { maxKeys: 3 }),
  binary: fc.dictionary(metadataKey.map((k) => `${k}-bin`), fc.uint8Array({ maxLength: 64 }), { maxKeys: 2 }),
}).map(({ authorization, text, binary }) => {
  const md = new grpc.Metadata();
  if (authorization !== undefined) md.set('authorization', authorization);
  for (const [k, v] of Object.entries(text)) md.set(k, v);
  for (const [k, v] of Object.entries(binary)) md.set(k, Buffer.from(v));
  return md;
});

const idLike = fc.oneof(fc.constant(0).map(() => existingId), nastyString);
const MESSAGES: Record<string, fc.Arbitrary<unknown>> = {
  CreatePersona: fc.record({
    displayName: fc.oneof(nastyString, fc.constant('Ann')), bio: nastyString,
    interests: fc.array(nastyString, { maxLength: 25 }), requestId: fc.oneof(nastyString, fc.stringMatching(/^[A-Za-z0-9._:-]{1,128}$/)),
  }, { requiredKeys: [] }),
  GetPersona: fc.record({ id: idLike }, { requiredKeys: [] }),
  AnalysePersona: fc.record({ id: idLike }, { requiredKeys: [] }),
};

function record(method: string, err: grpc.ServiceError | null): void {
  const code = err ? grpc.status[err.code] : 'OK';
  (codesSeen[method] ??= {})[code] = (codesSeen[method][code] ?? 0) + 1;
  if (err && SERVER_FAULTS.has(err.code)) throw new Error(`${method} → ${code}: ${err.details}`);
}

const deadline = () => ({ deadline: Date.now() + 10_000 });

describe('persona: arbitrary client input never gets a server-fault status', () => {
  it.each(Object.keys(MESSAGES))('%s with arbitrary fields and metadata', async (method) => {
    const runs = method === 'CreatePersona' ? 300 : 200;
    await fc.assert(fc.asyncProperty(MESSAGES[method], metadata, async (message, md) => {
      const err = await new Promise<grpc.ServiceError | null>((resolve) => typed[method](message, md, deadline(), (e) => resolve(e)));
      record(method, err);
    }), { numRuns: runs });
    runsPerMethod[method] = runs;
  }, 300_000);

  const RAW_METHODS = [...Object.keys(MESSAGES).map((m) => `/${SERVICE_NAME}/${m}`), '/grpc.health.v1.Health/Check', `/${SERVICE_NAME}/NoSuchMethod`, '/no.such.Service/Call'];
  it.each(RAW_METHODS)('%s with bytes that need not be its message', async (path) => {
    const runs = 150;
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
      // A field tag with nothing after it, a length past the end, a varint that never ends, bad UTF-8.
      fc.constantFrom(Buffer.from([0x0f]), Buffer.from([0x0a, 0xff, 0x01]), Buffer.from([0x0b]), Buffer.from([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), Buffer.from([0x0a, 0x02, 0xc3, 0x28])),
    );
    await fc.assert(fc.asyncProperty(bytes, metadata, async (body, md) => {
      const err = await new Promise<grpc.ServiceError | null>((resolve) => raw.makeUnaryRequest(path, (b: Buffer) => b, (b: Buffer) => b, body, md, deadline(), (e) => resolve(e)));
      record(path, err);
    }), { numRuns: runs });
    runsPerMethod[path] = runs;
  }, 300_000);

  it('a request that does not decode is INVALID_ARGUMENT (grpc-js alone answers INTERNAL)', async () => {
    const md = new grpc.Metadata();
    md.set('authorization', `Bearer ${token}`);
    const err = await new Promise<grpc.ServiceError | null>((resolve) => raw.makeUnaryRequest(`/${SERVICE_NAME}/GetPersona`, (b: Buffer) => b, (b: Buffer) => b, Buffer.from([0x0f]), md, deadline(), (e) => resolve(e)));
    expect({ code: err?.code, details: err?.details }).toEqual({ code: grpc.status.INVALID_ARGUMENT, details: 'the request is not a valid protobuf message for this method' });
    // Still serving.
    expect((await fetch(`${persona.url}/ready`)).status).toBe(200);
  });
});
