/**
 * Request headers given as an input, one `Name: value` per line (smoke-test's `headers`,
 * canary-ramp's `load-headers`): parsed without ever repeating a value in an error, and the values
 * of credential-like names masked in every form they travel in.
 */
import { InputError } from '../../common/errors.js';
import { maskBasicAuth, maskBearerToken, maskSecret } from './secrets.js';

const HEADER_FORM = 'one "Name: value" per line';
/** RFC 9110 token characters. */
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
/** Header names that carry credentials: their values are masked before anything could print them. */
const CREDENTIAL_HEADER = /auth|token|secret|key|password|passwd|cookie|session|signature|credential/i;

/** `Name: value` lines of input `input`; a bad line is named by its number only, since its value may be a credential. */
export function parseHeaderLines(text: string, input: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  lines.forEach((line, i) => {
    if (!line || line.startsWith('#')) return;
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    if (!HEADER_NAME.test(name)) throw new InputError(`Input "${input}": line ${i + 1} is not a header; expected ${HEADER_FORM}.`);
    const value = line.slice(colon + 1).trim();
    // A header value cannot hold a line break (the lines are split on them) nor other control characters.
    if (/[\0-\x08\x0a-\x1f\x7f]/.test(value)) throw new InputError(`Input "${input}": the value of ${name} (line ${i + 1}) holds a control character; expected ${HEADER_FORM}.`);
    const existing = Object.keys(out).find((k) => k.toLowerCase() === name.toLowerCase());
    if (existing) throw new InputError(`Input "${input}": ${name} is given twice; expected ${HEADER_FORM}, each name once.`);
    out[name] = value;
  });
  return out;
}

/**
 * Masks the value of every credential-like header in `text`, as written and as it travels (a
 * Bearer token alone, Basic's user:password pair). Reads the raw lines, so it also covers values a
 * failed parse never reached.
 */
export function maskCredentialHeaders(text: string): void {
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0 || !CREDENTIAL_HEADER.test(line.slice(0, colon))) continue;
    const value = line.slice(colon + 1).trim();
    if (!value) continue;
    maskSecret(value);
    const scheme = /^(\S+)\s+(\S.*)$/.exec(value);
    if (!scheme) continue;
    if (/^bearer$/i.test(scheme[1])) maskBearerToken(scheme[2]);
    else if (/^basic$/i.test(scheme[1])) {
      const pair = Buffer.from(scheme[2], 'base64').toString('utf8');
      const sep = pair.indexOf(':');
      if (sep >= 0) maskBasicAuth(pair.slice(0, sep), pair.slice(sep + 1));
    } else maskSecret(scheme[2]);
  }
}
