/**
 * Property-based client input for the services' HTTP endpoints: whatever a caller sends (bodies,
 * headers, paths, methods), the answer is never a 5xx and the process does not fall over. The
 * arbitraries lean to what has broken services before: NUL characters, unpaired surrogates, over-long
 * strings, bytes that are not UTF-8, values of the wrong type, odd content types and encodings.
 */
import { Socket } from 'node:net';
import { validateHeaderValue } from 'node:http';
import fc from 'fast-check';
import type { FastifyInstance, InjectOptions } from 'fastify';

/** Characters PostgreSQL, JSON parsers and routers have trouble with, mixed with plain ones. */
const awkwardChar = fc.constantFrom('\u0000', '\ud800', '\udfff', '\ufffe', '\u2028', '😀', 'é', 'a', 'Z', '0', ' ', '"', '\\', '%', '/', '?', '#', '&', '=', '+', '\n', '\t', '\u001f', '\u007f');

/** Strings a caller may send: awkward characters, any code point, over-long, and special values. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: awkwardChar, maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme-ascii', maxLength: 40 }),
  // Past every documented length (320, 255, 128, 100 …) and past what an index row holds.
  fc.string({ unit: fc.constantFrom('a', 'é', '😀', '\u0000'), minLength: 300, maxLength: 9000 }),
  fc.constantFrom('', ' ', '\u0000', '\ud800', 'null', 'undefined', '-1', '0', '1e400', 'NaN', '__proto__', 'constructor', '{}', '[]', '%00', '%ff', '../..'),
);

/** Any JSON value built from those strings (nested a little). */
export const nastyJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    nastyString,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(nastyString, tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** A record shaped like a route's body (every field optional), each field a nasty value or one of `good`. */
export function shapedBody(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Record<string, unknown>> {
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, good] of Object.entries(fields)) model[name] = fc.oneof(good, good, nastyJson);
  return fc.tuple(fc.record(model, { requiredKeys: [] }), fc.dictionary(nastyString, nastyJson, { maxKeys: 2 }))
    .map(([shaped, extra]) => ({ ...extra, ...shaped }));
}

export const CONTENT_TYPES = [
  'application/json', 'application/json; charset=utf-8', 'application/json; charset=latin1', 'application/json; charset=utf-16',
  'application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x', 'application/octet-stream', '*/*', ';', 'application/json;;',
];

/** A header value Node would send (the raw-socket cases cover the ones it would not). */
const headerValue = nastyString.filter((v) => {
  try {
    validateHeaderValue('x', v);
    return true;
  } catch {
    return false;
  }
});

export interface FuzzRequest {
  method: InjectOptions['method'];
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
}

/** A body as the wire carries it: JSON of a shaped or nasty value, a form, or raw bytes (not always UTF-8). */
export function wireBody(shaped: fc.Arbitrary<unknown>): fc.Arbitrary<{ contentType: string; payload: string | Buffer }> {
  return fc.oneof(
    // JSON, the services' main format, most often.
    { weight: 4, arbitrary: fc.record({ contentType: fc.constantFrom('application/json', 'application/json; charset=utf-8'), payload: fc.oneof(shaped, shaped, nastyJson).map((v) => JSON.stringify(v) ?? 'null') }) },
    { weight: 1, arbitrary: fc.record({ contentType: fc.constantFrom('application/x-www-form-urlencoded'), payload: shaped.map((v) => formEncode(v)) }) },
    { weight: 1, arbitrary: fc.record({ contentType: fc.oneof(fc.constantFrom(...CONTENT_TYPES), headerValue), payload: fc.oneof(nastyString, fc.uint8Array({ maxLength: 600 }).map((b) => Buffer.from(b))) }) },
  );
}

function formEncode(v: unknown): string {
  if (!v || typeof v !== 'object') return String(v);
  const form = new URLSearchParams();
  for (const [k, val] of Object.entries(v)) form.append(k, typeof val === 'string' ? val : JSON.stringify(val) ?? '');
  return form.toString();
}

const pathSegment = fc.oneof(
  nastyString.map((s) => {
    // A lone surrogate cannot be encoded: it becomes an invalid UTF-8 byte (%ff), and everything
    // else stays percent-encoded (a raw backslash would make the path a host for the URL parser).
    return Array.from(s, (ch) => {
      try {
        return encodeURIComponent(ch);
      } catch {
        return '%ff';
      }
    }).join('');
  }),
  fc.constantFrom('%', '%zz', '%00', '%c0%af', '..', '.', '', ';', '%2f', '%uD800'),
);

/**
 * Requests to one endpoint: its method (mostly) and path template, with `:param` segments made
 * arbitrary; `headers` are sent on most requests (an Idempotency-Key, an Authorization).
 */
export function requestsTo(method: string, template: string, body: fc.Arbitrary<{ contentType: string; payload: string | Buffer }> | undefined, extraHeaders: Record<string, fc.Arbitrary<string>> = {}): fc.Arbitrary<FuzzRequest> {
  const params = template.split('/').map((part) => (part.startsWith(':') ? pathSegment : fc.constant(part)));
  const query = fc.oneof(fc.constant(''), pathSegment.map((q) => `?${q}`), fc.constant('?a=1&a=2&__proto__=x'));
  const headerArbs: Record<string, fc.Arbitrary<string>> = {
    'x-correlation-id': headerValue, traceparent: fc.oneof(headerValue, fc.constant('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')),
    'accept-encoding': fc.constantFrom('gzip', 'br', 'identity;q=0', '*', 'x'),
  };
  const mostly = Object.fromEntries(Object.entries(extraHeaders).map(([k, v]) => [k, fc.option(v, { nil: undefined, freq: 8 })]));
  return fc.record({
    method: fc.oneof(fc.constant(method), fc.constant(method), fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS')),
    path: fc.tuple(...params).map((parts) => parts.join('/')),
    query,
    headers: fc.tuple(fc.record(headerArbs, { requiredKeys: [] }), fc.record(mostly)).map(([a, b]) => ({ ...a, ...b })),
    body: body ? fc.option(body, { nil: undefined, freq: 5 }) : fc.constant(undefined),
  }).map(({ method: m, path, query: q, headers, body: b }) => ({
    method: m as InjectOptions['method'],
    url: `${path || '/'}${q}`,
    headers: Object.fromEntries(Object.entries(b ? { ...headers, 'content-type': b.contentType } : headers).filter((e): e is [string, string] => e[1] !== undefined)),
    payload: b?.payload,
  }));
}

/** Sends `runs` requests from `requests` through inject: every answer is below 500. Returns the statuses seen. */
export async function assertNo5xx(app: FastifyInstance, requests: fc.Arbitrary<FuzzRequest>, runs: number): Promise<Record<number, number>> {
  const statuses: Record<number, number> = {};
  await fc.assert(fc.asyncProperty(requests, async (r) => {
    const res = await app.inject({ method: r.method, url: r.url, headers: r.headers, payload: r.payload });
    statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
    if (res.statusCode >= 500) throw new Error(`${r.method} ${r.url} → ${res.statusCode} ${res.body.slice(0, 300)}`);
  }), { numRuns: runs });
  return statuses;
}

/**
 * Raw bytes over a real socket, for what an HTTP client library would not send (NUL or CR in a header,
 * bytes that are not UTF-8, broken framing). Resolves with the status line's code, or undefined when
 * the server closed the connection without an answer.
 */
export function rawRequest(port: number, bytes: Buffer | string, { halfClose = false, timeoutMs = 30_000 } = {}): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    let got = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer or close within ${timeoutMs} ms to ${JSON.stringify(String(bytes).slice(0, 120))}`));
    }, timeoutMs);
    socket.on('data', (d) => (got += d.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(got);
      resolve(m ? Number(m[1]) : undefined);
    });
    socket.connect(port, '127.0.0.1', () => {
      socket.write(bytes);
      // Half-close for a request the server would wait on forever (a short body): it must answer or
      // close. Not for the others: Node aborts a request whose client half-closed before the answer.
      if (halfClose) socket.end();
    });
  });
}

/** Requests no HTTP client library would write, each a case for `rawRequest` (and whether it needs the half-close). */
export function rawCases(path: string, jsonBody: string): Array<[string, Buffer | string, { halfClose?: boolean }?]> {
  const post = (headers: string, body: Buffer | string) => Buffer.concat([
    Buffer.from(`POST ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n${headers}content-length: ${Buffer.byteLength(body)}\r\n\r\n`, 'latin1'),
    Buffer.isBuffer(body) ? body : Buffer.from(body),
  ]);
  const json = 'content-type: application/json\r\n';
  return [
    ['a NUL byte inside a JSON string', post(json, Buffer.from(jsonBody.replace('"X"', '"a\u0000b"'), 'latin1'))],
    ['bytes that are not UTF-8 inside a JSON string', post(json, Buffer.concat([Buffer.from(jsonBody.split('"X"')[0] + '"'), Buffer.from([0xff, 0xfe, 0xc0, 0xaf, 0xed, 0xa0, 0x80]), Buffer.from('"' + jsonBody.split('"X"')[1])]))],
    ['an escaped NUL and an unpaired surrogate', post(json, jsonBody.replace('"X"', '"\\u0000\\ud800"'))],
    ['a NUL byte in a header value', `GET ${path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\nx-correlation-id: a\u0000b\r\n\r\n`],
    ['a bare CR in a header value', `GET ${path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\nx-correlation-id: a\rb\r\n\r\n`],
    ['a NUL in the request target', `GET ${path}\u0000 HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`],
    ['bytes that are not UTF-8 in the path', Buffer.concat([Buffer.from(`GET ${path}/`), Buffer.from([0xff, 0xc0, 0x80]), Buffer.from(' HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n')])],
    ['headers past the size limit', `GET ${path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`],
    ['a malformed request line', 'GARBAGE\r\n\r\n'],
    ['broken chunked encoding', `POST ${path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n${json}transfer-encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`],
    ['content-length and chunked together', `POST ${path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n${json}content-length: 2\r\ntransfer-encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n`],
    ['a body shorter than its content-length', `POST ${path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n${json}content-length: 100\r\n\r\n{"a":`, { halfClose: true }],
    ['a negative content-length', `POST ${path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n${json}content-length: -1\r\n\r\n`],
    ['a content-length past the body limit', post(json, `{"x":"${'a'.repeat(1_100_000)}"}`)],
    ['gzip declared, not gzip sent', post(`${json}content-encoding: gzip\r\n`, jsonBody)],
  ];
}
