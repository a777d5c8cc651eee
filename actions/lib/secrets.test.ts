// The shared masking helper: which forms of a credential reach the runner as ::add-mask::, in which
// order, and what is left of a server's answer once it is redacted and cut.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { maskBasicAuth, maskBearerToken, maskSecret, maskUrlCredentials, redactSecrets, redactServerText, SERVER_TEXT_LIMIT } from './secrets.js';
import { captureStdout, type CapturedStdout } from '../../test/support/stdout.js';

const b64 = (text: string) => Buffer.from(text).toString('base64');
let out: CapturedStdout;
/** The values registered, as the runner reads them (workflow commands escape %, CR and LF). */
const masks = () => out.lines().filter((l) => l.startsWith('::add-mask::')).map((l) => l.slice('::add-mask::'.length).replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%'));

beforeEach(() => {
  out = captureStdout();
});
afterEach(() => out.restore());

describe('masking a credential in every form it travels in', () => {
  it('a secret: itself first, then base64 (padded and not), URL- and form-encoded, JSON-escaped', () => {
    const secret = 'p@ss w/"quote"';
    maskSecret(secret);
    expect(masks()).toEqual([
      secret,
      b64(secret),
      b64(secret).replace(/=+$/, ''),
      encodeURIComponent(secret),
      'p%40ss+w%2F%22quote%22',
      'p@ss w/\\"quote\\"',
    ].filter((v, i, all) => all.indexOf(v) === i));
  });

  it('registers each form once, however often it is masked', () => {
    maskSecret('once-only-secret');
    maskSecret('once-only-secret');
    expect(masks()).toEqual(['once-only-secret', b64('once-only-secret'), b64('once-only-secret').replace(/=+$/, '')]);
  });

  it('Basic auth: the password, base64 of user:password, and the header value', () => {
    maskBasicAuth('reader', 'Basic-Secret-1');
    const pair = b64('reader:Basic-Secret-1');
    expect(masks()[0]).toBe('Basic-Secret-1');
    expect(masks()).toEqual(expect.arrayContaining([b64('Basic-Secret-1'), pair, pair.replace(/=+$/, ''), `Basic ${pair}`]));
    // The username alone is no secret.
    expect(masks()).not.toContain('reader');
  });

  it('a bearer token and its header value', () => {
    maskBearerToken('tok.en-123');
    expect(masks()).toEqual(expect.arrayContaining(['tok.en-123', b64('tok.en-123'), 'Bearer tok.en-123']));
  });

  it('URL credentials: as written (percent-encoded) and decoded, and as Basic auth sends them', () => {
    maskUrlCredentials('http://reader:s%3Acret%21@prometheus.test:9090/');
    expect(masks()[0]).toBe('s%3Acret%21');
    expect(masks()).toEqual(expect.arrayContaining(['s:cret!', `Basic ${b64('reader:s:cret!')}`]));
  });

  it('URL credentials that do not percent-decode are masked as written; a URL without a password masks nothing', () => {
    maskUrlCredentials('http://reader:bad%zzpass@prometheus.test/');
    expect(masks()).toEqual(expect.arrayContaining(['bad%zzpass', `Basic ${b64('reader:bad%zzpass')}`]));
    const before = masks().length;
    maskUrlCredentials('http://prometheus.test:9090/');
    maskUrlCredentials('http://user-only@prometheus.test/');
    maskUrlCredentials('not a url');
    expect(masks()).toHaveLength(before);
  });
});

describe('redacting what a server sends back', () => {
  it('replaces every registered form, longest first, and any Basic/Bearer header value', () => {
    maskBasicAuth('svc', 'Redact-Me-7');
    const pair = b64('svc:Redact-Me-7');
    const body = `denied: authorization="Basic ${pair}" password=Redact-Me-7 b64=${b64('Redact-Me-7')} other="Bearer abcdefgh12345678"`;
    const clean = redactSecrets(body);
    for (const form of ['Redact-Me-7', pair, b64('Redact-Me-7'), 'abcdefgh12345678']) expect(clean).not.toContain(form);
    expect(clean).toBe('denied: authorization="***" password=*** b64=*** other="Bearer ***"');
  });

  it(`cuts to ${SERVER_TEXT_LIMIT} characters after redacting, so no secret is left half-cut`, () => {
    maskSecret('Cut-Boundary-Secret');
    const body = `${'x'.repeat(SERVER_TEXT_LIMIT - 5)}Cut-Boundary-Secret${'y'.repeat(1000)}`;
    const text = redactServerText(body);
    expect(text).toBe(`${'x'.repeat(SERVER_TEXT_LIMIT - 5)}***yy… (${body.length - 'Cut-Boundary-Secret'.length + 3 - SERVER_TEXT_LIMIT} more characters)`);
    expect(text).not.toContain('Cut-B');
    expect(redactServerText('short answer')).toBe('short answer');
  });
});
