/** What a request carries through every await: its correlation id (trace ids live in the OTel context). */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

export interface RequestContext {
  correlationId: string;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();

export const CORRELATION_HEADER = 'x-correlation-id';

// A caller's id is kept only when it is short and plain, so logs cannot be forged or bloated through it.
const SAFE_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/** The caller's `x-correlation-id` when it is safe to log, else a fresh UUID. */
export function correlationIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && SAFE_ID.test(value) ? value : randomUUID();
}

export function currentCorrelationId(): string | undefined {
  return requestContext.getStore()?.correlationId;
}
