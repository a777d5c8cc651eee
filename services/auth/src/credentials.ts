/**
 * Client credentials: each client's secret is stored only as an Argon2id PHC hash. Unknown clients
 * are checked against a dummy hash so the answer takes as long as for a known one (no enumeration).
 */
import { hash, verify } from '@node-rs/argon2';
import { InputError } from '../../../actions/lib/errors.js';

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
    // Only Argon2id hashes are accepted: a weaker or plain secret must never be loaded.
    if (typeof c.secretHash !== 'string' || !c.secretHash.startsWith('$argon2id$')) {
      throw new InputError(`${where} (${c.id}): "secretHash" must be an Argon2id PHC string ($argon2id$...).`);
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
