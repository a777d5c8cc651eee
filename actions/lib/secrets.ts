/**
 * One place that masks credentials. The runner hides only the exact strings it is given, and a
 * credential rarely travels as itself: HTTP Basic sends base64 of `user:password`, a URL holds it
 * percent-encoded, a JSON error body escapes it, a server may echo the whole Authorization header.
 * So every credential is registered with `core.setSecret` in each form it can take, before the first
 * call that uses it, and text that comes back from a server goes through `redactServerText` before
 * it reaches an error or a log line.
 */
import * as core from '@actions/core';

/** Every string registered so far, for redaction in this process (the runner masks the log). */
const known = new Set<string>();

/** How much of a server's answer an error may quote. */
export const SERVER_TEXT_LIMIT = 512;

const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

function register(value: string): void {
  if (!value || known.has(value)) return;
  known.add(value);
  core.setSecret(value);
}

/** The forms one secret value takes in transport: itself, base64 (padded and not), percent- and form-encoded, JSON-escaped. */
function encodings(secret: string): string[] {
  const b64 = base64(secret);
  return [
    secret,
    b64,
    b64.replace(/=+$/, ''),
    encodeURIComponent(secret),
    new URLSearchParams({ v: secret }).toString().slice(2),
    JSON.stringify(secret).slice(1, -1),
  ];
}

/** Masks a secret (password, token, parameter value) and its encodings. The secret itself is registered first. */
export function maskSecret(secret: string): void {
  for (const form of encodings(secret)) register(form);
}

/** Masks a username/password pair as HTTP Basic sends it: the password, base64 of `user:password`, and the header value. */
export function maskBasicAuth(username: string, password: string): void {
  maskSecret(password);
  const pair = base64(`${username}:${password}`);
  for (const form of [pair, pair.replace(/=+$/, ''), `Basic ${pair}`]) register(form);
}

/** Masks a bearer token and its Authorization header value. */
export function maskBearerToken(token: string): void {
  maskSecret(token);
  register(`Bearer ${token}`);
}

/** A URL's userinfo, percent-decoded; the text as written when it does not decode. */
export function decodeUserinfo(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Masks credentials written into a URL (`https://user:password@host`), as written and as Basic auth sends them. */
export function maskUrlCredentials(url: string): void {
  if (!URL.canParse(url)) return;
  const { username, password } = new URL(url);
  if (!password) return;
  // As written (percent-encoded in the URL) first: validation messages may quote the input as given.
  register(password);
  maskBasicAuth(decodeUserinfo(username), decodeUserinfo(password));
}

/** Authorization header values of any scheme, for credentials this process never saw (a server echoing another header). */
const AUTH_HEADER_VALUE = /\b(Basic|Bearer)\s+[A-Za-z0-9._~+/=-]{8,}/gi;

/** Text from a server (an error body, a tool's stderr) with every known secret form and any credential header value replaced by ***. */
export function redactSecrets(text: string): string {
  let out = text;
  // Longest first: a secret that contains another must go whole, not leave its remainder behind.
  for (const value of [...known].sort((a, b) => b.length - a.length)) out = out.replaceAll(value, '***');
  return out.replace(AUTH_HEADER_VALUE, '$1 ***');
}

/** A server's answer as an error may quote it: redacted, then cut to `limit` characters. */
export function redactServerText(text: string, limit = SERVER_TEXT_LIMIT): string {
  const clean = redactSecrets(text);
  return clean.length > limit ? `${clean.slice(0, limit)}… (${clean.length - limit} more characters)` : clean;
}
