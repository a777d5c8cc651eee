/**
 * What vc-start's consumers rely on, as JSON Schema: the HTTP resource and the events it publishes.
 * The service validates requests against these, and the contract tests hold responses and events
 * to them, so a breaking change fails a test before it reaches a consumer.
 */
export const EVENT_SOURCE = 'mesh.vc-start';
export const METHODS = ['email', 'sms', 'document'] as const;
export type Method = (typeof METHODS)[number];
export const STATUSES = ['pending', 'started'] as const;
export type Status = (typeof STATUSES)[number];

export const DETAIL_TYPES = { requested: 'VerificationRequested', started: 'VerificationStarted' } as const;
export type DetailType = (typeof DETAIL_TYPES)[keyof typeof DETAIL_TYPES];

const uuid = { type: 'string', format: 'uuid' } as const;

/**
 * Text PostgreSQL can store: no NUL (text refuses \u0000) and no unpaired UTF-16 surrogate (it has no
 * UTF-8 form, so it would be stored as U+FFFD: silently another value). Ajv compiles patterns with the
 * `u` flag, under which the class matches only unpaired surrogates.
 */
export const STORABLE_TEXT_PATTERN = '^[^\\u0000\\uD800-\\uDFFF]*$';
const storableText = (minLength: number, maxLength: number) => ({ type: 'string', minLength, maxLength, pattern: STORABLE_TEXT_PATTERN }) as const;
const timestamp = { type: 'string', format: 'date-time' } as const;

export const startRequestSchema = {
  $id: 'vc-start/start-request',
  type: 'object',
  additionalProperties: false,
  required: ['subject', 'method'],
  properties: {
    subject: storableText(1, 320),
    method: { type: 'string', enum: [...METHODS] },
    reference: storableText(1, 128),
  },
} as const;

export const verificationSchema = {
  $id: 'vc-start/verification',
  type: 'object',
  additionalProperties: false,
  required: ['id', 'subject', 'method', 'reference', 'status', 'created_at', 'updated_at', 'started_at'],
  properties: {
    id: uuid,
    subject: { type: 'string' },
    method: { type: 'string', enum: [...METHODS] },
    reference: { type: ['string', 'null'] },
    status: { type: 'string', enum: [...STATUSES] },
    created_at: timestamp,
    updated_at: timestamp,
    started_at: { anyOf: [timestamp, { type: 'null' }] },
  },
} as const;

export const errorSchema = {
  $id: 'vc-start/error',
  type: 'object',
  additionalProperties: false,
  required: ['error', 'message'],
  properties: {
    error: { type: 'string', pattern: '^[a-z_]+$' },
    message: { type: 'string', minLength: 1 },
  },
} as const;

/** The `detail` of every vc-start event. No subject (personal data) travels in events: consumers read it by id. */
export const eventDetailSchema = {
  $id: 'vc-start/event-detail',
  type: 'object',
  additionalProperties: false,
  required: ['schema_version', 'event_id', 'verification_id', 'method', 'status', 'reference', 'occurred_at'],
  properties: {
    schema_version: { const: 1 },
    event_id: uuid,
    verification_id: uuid,
    method: { type: 'string', enum: [...METHODS] },
    status: { type: 'string', enum: [...STATUSES] },
    reference: { type: ['string', 'null'] },
    occurred_at: timestamp,
  },
} as const;

/** The EventBridge envelope as an SQS target receives it. */
export const eventEnvelopeSchema = {
  $id: 'vc-start/event-envelope',
  type: 'object',
  required: ['id', 'source', 'detail-type', 'detail'],
  properties: {
    id: { type: 'string' },
    source: { type: 'string' },
    'detail-type': { type: 'string' },
    detail: { type: 'object' },
  },
} as const;

export interface Verification {
  id: string;
  subject: string;
  method: Method;
  reference: string | null;
  status: Status;
  created_at: string;
  updated_at: string;
  started_at: string | null;
}

export interface EventDetail {
  schema_version: 1;
  event_id: string;
  verification_id: string;
  method: Method;
  status: Status;
  reference: string | null;
  occurred_at: string;
}

export interface StartRequest {
  subject: string;
  method: Method;
  reference?: string;
}
