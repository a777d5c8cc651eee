/**
 * Personas in memory, bounded. Creation is idempotent on `requestId` so a client's retry after a lost
 * answer does not create a second persona.
 */
import { randomUUID } from 'node:crypto';

export interface Persona {
  id: string;
  displayName: string;
  bio: string;
  interests: string[];
  createdAtUnixMs: number;
}

export interface NewPersona {
  displayName: string;
  bio: string;
  interests: string[];
  requestId?: string;
}

export class StoreFullError extends Error {
  constructor(readonly capacity: number) {
    super(`the persona store is full (${capacity} personas)`);
    this.name = 'StoreFullError';
  }
}

export class PersonaStore {
  private readonly byId = new Map<string, Persona>();
  private readonly byRequest = new Map<string, string>();

  constructor(private readonly capacity: number, private readonly now: () => number = Date.now) {}

  /** `created` is false when `requestId` was seen before and the first persona is returned. */
  create(p: NewPersona): { persona: Persona; created: boolean } {
    const earlier = p.requestId ? this.byRequest.get(p.requestId) : undefined;
    if (earlier) return { persona: this.byId.get(earlier)!, created: false };
    if (this.byId.size >= this.capacity) throw new StoreFullError(this.capacity);
    const persona: Persona = { id: randomUUID(), displayName: p.displayName, bio: p.bio, interests: [...p.interests], createdAtUnixMs: this.now() };
    this.byId.set(persona.id, persona);
    if (p.requestId) this.byRequest.set(p.requestId, persona.id);
    return { persona, created: true };
  }

  get(id: string): Persona | undefined {
    return this.byId.get(id);
  }

  get size(): number {
    return this.byId.size;
  }
}
