/**
 * vc-start's HTTP routes, as a Fastify plugin so the service kit (or a bare Fastify in the bench)
 * can host them. Errors this service chooses are `{ error, message }` with a snake_case code.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isDataException, type Database } from './db.js';
import { startRequestSchema, type StartRequest } from './contract.js';
import { IDEMPOTENCY_KEY_FORM, getVerification, isValidIdempotencyKey, startVerification } from './verifications.js';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface RouteDeps {
  db: Database;
  keyTtlMs: number;
}

function fail(reply: FastifyReply, status: number, error: string, message: string) {
  return reply.code(status).send({ error, message });
}

/** The body's first validation error, in words a caller can act on. */
function bodyProblem(req: FastifyRequest): string {
  const first = req.validationError?.validation?.[0];
  if (first?.keyword === 'pattern') return `body${first.instancePath.replace(/\//g, '.')} holds a NUL character or an unpaired UTF-16 surrogate, which cannot be stored as text`;
  return req.validationError?.message ?? 'invalid';
}

/**
 * The database refusing a value the caller sent (a data exception) is a 400: the edge validation
 * should have caught it, and a 5xx would count a client's input against the service's error rate.
 */
function dataExceptionsAre400<R extends FastifyRequest>(handler: (req: R, reply: FastifyReply) => Promise<unknown>) {
  return async (req: R, reply: FastifyReply) => {
    try {
      return await handler(req, reply);
    } catch (err) {
      if (!isDataException(err)) throw err;
      req.log.warn({ sqlstate: err.code }, 'request refused: the database cannot store a value it holds');
      return fail(reply, 400, 'invalid_request', `The request holds a value PostgreSQL cannot store (SQLSTATE ${err.code}); text must be valid UTF-8 without NUL characters, within the documented lengths.`);
    }
  };
}

export async function verificationRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  app.post<{ Body: StartRequest }>('/verifications', {
    schema: { body: startRequestSchema },
    // Validation failures reach the handler, which answers in this service's error shape.
    attachValidation: true,
  }, dataExceptionsAre400(async (req: FastifyRequest<{ Body: StartRequest }>, reply) => {
    const key = req.headers[IDEMPOTENCY_HEADER];
    if (typeof key !== 'string' || !isValidIdempotencyKey(key)) {
      return fail(reply, 400, 'invalid_idempotency_key', `Header "Idempotency-Key" is required on this write: ${IDEMPOTENCY_KEY_FORM}.`);
    }
    if (req.validationError) {
      return fail(reply, 400, 'invalid_request', `Body: ${bodyProblem(req)}; expected {"subject": string (1-320), "method": "email" | "sms" | "document", "reference"?: string (1-128)}, text without NUL characters.`);
    }
    const out = await startVerification(deps.db, req.body, key, { keyTtlMs: deps.keyTtlMs });
    if (out.kind === 'key_reused') {
      return fail(reply, 422, 'idempotency_key_reused', 'This Idempotency-Key was used with a different request body; use a new key for a new request.');
    }
    if (out.kind === 'replayed') void reply.header('idempotent-replayed', 'true');
    return reply.code(out.status).header('location', `/verifications/${out.body.id}`).send(out.body);
  }));

  app.get<{ Params: { id: string } }>('/verifications/:id', dataExceptionsAre400(async (req: FastifyRequest<{ Params: { id: string } }>, reply) => {
    if (!UUID.test(req.params.id)) return fail(reply, 404, 'not_found', `No verification "${req.params.id}": ids are UUIDs.`);
    const v = await getVerification(deps.db, req.params.id);
    if (!v) return fail(reply, 404, 'not_found', `No verification "${req.params.id}".`);
    return v;
  }));
}
