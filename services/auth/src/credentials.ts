/**
 * Client credentials: each client's secret is stored only as an Argon2id PHC hash. Unknown clients
 * are checked against a dummy hash so the answer takes as long as for a known one (no enumeration).
 */
import { hash, verify } from '@node-rs/argon2';
import { InputError } from '../../../common/errors.js';

export interface Client {
  id: string;
  secretHash: string;
  /** Audiences this client may ask tokens for. */
  audiences: string[];
  scopes: string[];
}

export const CLIENTS_FORM =
  '{"clients":[{"id":"<client-id>","secretHash":"$argon2id$v=19$m=19456,t=2,p=1$...","audiences":["persona"],"scopes":["persona:read"]}]}';

// OWASP's minimum for Argon2id: 19 MiB, 2 passes, 1 lane.
export const ARGON2ID = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export function hashSecret(secret: string): Promise<string> {
  return hash(secret, ARGON2ID as never);
}

// OWASP's Argon2id configurations of equal strength (memory KiB, passes): a stored hash must be at
// least as costly as one of them, or a leaked hash would be cheap to crack.
const OWASP_MINIMUMS = [[47104, 1], [19456, 2], [12288, 3], [9216, 4], [7168, 5]] as const;
const PHC_ARGON2ID = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$[A-Za-z0-9+/]{11,}\$[A-Za-z0-9+/]{16,}$/;

export const SECRET_HASH_FORM =
  'an Argon2id PHC string ($argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<hash>, as hash-secret prints) costing at least m=19456,t=2 (or OWASP\'s equivalents m=47104,t=1 | m=12288,t=3 | m=9216,t=4 | m=7168,t=5)';

/** Whether `phc` is a well-formed Argon2id hash at least as costly as OWASP's minimum. */
export function isStrongArgon2idHash(phc: string): boolean {
  const m = PHC_ARGON2ID.exec(phc);
  if (!m) return false;
  const [memory, passes, lanes] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return lanes >= 1 && OWASP_MINIMUMS.some(([minMemory, minPasses]) => memory >= minMemory && passes >= minPasses);
}

export function parseClients(text: string | undefined, what: string): Map<string, Client> {
  const clients = new Map<string, Client>();
  if (!text) return clients;
  let doc: { clients?: unknown };
  try {
    doc = JSON.parse(text) as { clients?: unknown };
  } catch {
    throw new InputError(`${what}: the value is not JSON; expected ${CLIENTS_FORM}.`);
  }
  if (!Array.isArray(doc.clients)) throw new InputError(`${what}: no "clients" list; expected ${CLIENTS_FORM}.`);
  for (const [i, c] of (doc.clients as Partial<Client>[]).entries()) {
    const where = `${what}: clients[${i}]`;
    if (typeof c.id !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(c.id)) throw new InputError(`${where}: "id" must be 1–64 of A-Z a-z 0-9 . _ -.`);
    // Only Argon2id hashes of at least OWASP's cost: a weaker, malformed or plain secret must never be loaded.
    if (typeof c.secretHash !== 'string' || !isStrongArgon2idHash(c.secretHash)) {
      throw new InputError(`${where} (${c.id}): "secretHash" must be ${SECRET_HASH_FORM}.`);
    }
    const list = (v: unknown, field: string) => {
      if (v === undefined) return [];
      if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) throw new InputError(`${where} (${c.id}): "${field}" must be a list of strings.`);
      return v as string[];
    };
    clients.set(c.id, { id: c.id, secretHash: c.secretHash, audiences: list(c.audiences, 'audiences'), scopes: list(c.scopes, 'scopes') });
  }
  return clients;
}

let dummyHash: Promise<string> | undefined;

/** The client when the secret matches its hash; undefined otherwise, in about the same time either way. */
export async function authenticate(clients: Map<string, Client>, id: string, secret: string): Promise<Client | undefined> {
  const client = clients.get(id);
  dummyHash ??= hashSecret('not-a-real-client-secret');
  const stored = client?.secretHash ?? (await dummyHash);
  const ok = await verify(stored, secret).catch(() => false);
  return client && ok ? client : undefined;
}
