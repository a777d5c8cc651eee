/**
 * canary-ramp's synthetic load inputs (`load-*`), parsed by a pure function into a plan: for services
 * too quiet to be judged, requests sent to a URL that reaches the canary during every bake. They are
 * real traffic: the judge counts them like any other request. Off unless `load-url` is set.
 */
import { InputError } from '../../common/errors.js';
import { formatDuration, formatRange, parseDuration, type DurationRange } from '../../common/duration.js';
import { describeRange, parseNumber, raw, type NumberRange } from '../lib/inputs.js';
import { maskCredentialHeaders, parseHeaderLines } from '../lib/headers.js';
import { decodeUserinfo, maskBasicAuth, maskSecret, maskUrlCredentials } from '../lib/secrets.js';

const LOAD_TOOLS = ['autocannon', 'k6'] as const;
export type LoadTool = (typeof LOAD_TOOLS)[number];
const LOAD_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The accepted span of every numeric load input (documented in action.yml and the README). Rates are
 * whole requests per second (autocannon spreads a rate over its connections in whole requests); a
 * thousand a second is far beyond what a service needs to be judged and well within one runner.
 */
const LOAD_RANGES = {
  'load-rate': { min: 1, max: 1000, integer: true },
  'load-connections': { min: 1, max: 100, integer: true },
} as const satisfies Record<string, NumberRange>;
const LOAD_TIMEOUT_RANGE: DurationRange = { min: 1000, max: 60_000 };
const LOAD_DEFAULTS = { rate: 10, timeout: '10s', method: 'GET', tool: 'autocannon' } as const;

const LOAD_INPUTS = ['load-url', 'load-rate', 'load-connections', 'load-timeout', 'load-headers', 'load-method', 'load-body', 'load-tool'] as const;
/** The load inputs, as the runner passes them ('' when unset). */
export type LoadInputs = Partial<Record<(typeof LOAD_INPUTS)[number], string>>;

export interface LoadPlan {
  tool: LoadTool;
  /** Where requests go, without credentials (they travel as an Authorization header). */
  url: string;
  /** The URL as logs and the summary show it: no credentials, no query (it may carry a key). */
  display: string;
  method: (typeof LOAD_METHODS)[number];
  /** Request headers, an Authorization built from credentials in `load-url` included. */
  headers: Record<string, string>;
  body?: string;
  /** Requests per second over all connections. */
  rate: number;
  /** Concurrent connections (autocannon) or virtual users (k6). */
  connections: number;
  /** Each request's own timeout. */
  timeoutMs: number;
}

const LOAD_URL_FORM = 'an absolute http(s) URL that reaches the canary (a test listener, a header-routed rule, a Service Connect test endpoint)';

/** Enough connections that a response time of 200 ms does not hold the rate back: one per 5 requests/s. */
function defaultConnections(rate: number): number {
  return Math.min(LOAD_RANGES['load-connections'].max, Math.max(1, Math.ceil(rate / 5)));
}

/** The URL without userinfo, and the Basic credentials it held. Never repeats a value that may hold credentials. */
function parseUrl(text: string): { url: URL; basic?: { username: string; password: string } } {
  const url = URL.canParse(text) ? new URL(text) : null;
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) {
    const shown = text.includes('@') ? '' : ` "${text}"`;
    throw new InputError(`Input "load-url":${shown} is not valid; expected ${LOAD_URL_FORM}.`);
  }
  const basic = url.username || url.password ? { username: decodeUserinfo(url.username), password: decodeUserinfo(url.password) } : undefined;
  url.username = '';
  url.password = '';
  url.hash = '';
  return { url, ...(basic ? { basic } : {}) };
}

/**
 * The load plan from the inputs, or null when `load-url` is unset (no load). Every other load input is
 * validated either way, so a bad value fails the step whether or not the load is on.
 */
export function parseLoadPlan(inputs: LoadInputs): LoadPlan | null {
  const value = (name: keyof LoadInputs) => (inputs[name] ?? '').trim();
  const tool = value('load-tool') || LOAD_DEFAULTS.tool;
  if (!(LOAD_TOOLS as readonly string[]).includes(tool)) throw new InputError(`Input "load-tool": "${tool}" is not one of ${LOAD_TOOLS.join(' | ')}.`);
  const rateText = value('load-rate');
  const rate = rateText ? parseNumber(rateText, 'Input "load-rate"', LOAD_RANGES['load-rate']) : LOAD_DEFAULTS.rate;
  const connectionsText = value('load-connections');
  const connections = connectionsText ? parseNumber(connectionsText, 'Input "load-connections"', LOAD_RANGES['load-connections']) : defaultConnections(rate);
  const timeoutMs = parseDuration(value('load-timeout') || LOAD_DEFAULTS.timeout, 'Input "load-timeout"', LOAD_TIMEOUT_RANGE);
  const method = (value('load-method') || LOAD_DEFAULTS.method).toUpperCase();
  if (!(LOAD_METHODS as readonly string[]).includes(method)) throw new InputError(`Input "load-method": "${value('load-method')}" is not one of ${LOAD_METHODS.join(' | ')}.`);
  const body = inputs['load-body'] ?? '';
  if (body && !BODY_METHODS.has(method)) throw new InputError(`Input "load-body" needs input "load-method" ${[...BODY_METHODS].join(', ')}; got ${method}.`);
  const headers = parseHeaderLines(inputs['load-headers'] ?? '', 'load-headers');

  const urlText = value('load-url');
  if (!urlText) return null;
  const { url, basic } = parseUrl(urlText);
  if (basic) {
    if (Object.keys(headers).some((k) => k.toLowerCase() === 'authorization')) {
      throw new InputError('Inputs "load-url" and "load-headers" both carry credentials (user:password@ in the URL and an Authorization header); give one.');
    }
    headers.Authorization = `Basic ${Buffer.from(`${basic.username}:${basic.password}`, 'utf8').toString('base64')}`;
  }
  const display = `${url.origin}${url.pathname}${url.search ? '?…' : ''}`;
  return { tool: tool as LoadTool, url: url.href, display, method: method as LoadPlan['method'], headers, ...(body ? { body } : {}), rate, connections, timeoutMs };
}

/**
 * Masks every credential the load inputs hold (in the URL, in credential-like headers) in each form
 * it travels in, before anything could print them. Reads the raw text, so it also covers values a
 * failed parse never reached.
 */
function maskLoadCredentials(inputs: LoadInputs): void {
  const urlText = (inputs['load-url'] ?? '').trim();
  if (URL.canParse(urlText)) {
    const { username, password } = new URL(urlText);
    if (password) maskUrlCredentials(urlText);
    else if (username) {
      // A token written as the user name (https://TOKEN@host) is as secret as a password.
      maskSecret(username);
      maskBasicAuth(decodeUserinfo(username), '');
    }
  }
  maskCredentialHeaders(inputs['load-headers'] ?? '');
}

/** `load-*` from INPUT_* env: credentials masked first, then parsed. */
export function readLoadPlan(): LoadPlan | null {
  const inputs: LoadInputs = Object.fromEntries(LOAD_INPUTS.map((n) => [n, raw(n)]));
  maskLoadCredentials(inputs);
  return parseLoadPlan(inputs);
}

/** `autocannon GET https://test.example.com/health at 20 requests/s over 4 connections, 10s timeout per request`. */
export function describeLoad(plan: LoadPlan): string {
  const unit = plan.tool === 'k6' ? 'virtual users' : 'connections';
  return `${plan.tool} ${plan.method} ${plan.display} at ${plan.rate} request${plan.rate === 1 ? '' : 's'}/s over ${plan.connections} ${unit}, ${formatDuration(plan.timeoutMs)} timeout per request`;
}

/** For action.yml and the README: the documented ranges, from the same constants the parser uses. */
export const LOAD_RANGE_TEXT = {
  'load-rate': describeRange(LOAD_RANGES['load-rate']),
  'load-connections': describeRange(LOAD_RANGES['load-connections']),
  'load-timeout': `a duration ${formatRange(LOAD_TIMEOUT_RANGE)}`,
};
