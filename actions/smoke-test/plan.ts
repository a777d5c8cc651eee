/** smoke-test's inputs, turned into a plan of checks by pure functions: a bad line fails before any request. */
import { InputError } from '../../common/errors.js';
import type { DurationRange } from '../../common/duration.js';
import { parseHeaderLines } from '../lib/headers.js';
import { getBool, getDuration, getLines, getNumber, getString, raw, type NumberRange } from '../lib/inputs.js';

export type StatusRule = { kind: 'codes'; codes: number[] } | { kind: 'class'; hundred: number };

export type Check =
  | { kind: 'http'; line: string; method: string; url: string; expect: StatusRule; contains?: string }
  | { kind: 'grpc'; line: string; target: string; service: string };

export interface SmokePlan {
  checks: Check[];
  headers: Record<string, string>;
  body: string;
  grpcTls: boolean;
  requestTimeoutMs: number;
  attempts: number;
  intervalMs: number;
  timeoutMs: number;
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
export const CHECK_FORM = '"<METHOD> <http(s) url> [-> <status|2xx|200,204>] [contains <text>]" or "grpc <host:port> [<service>]"';

function bad(line: string, why: string): InputError {
  return new InputError(`Input "checks": "${line}" ${why}; expected ${CHECK_FORM}.`);
}

export function parseStatus(text: string, line: string): StatusRule {
  const cls = /^([1-5])xx$/i.exec(text);
  if (cls) return { kind: 'class', hundred: Number(cls[1]) };
  const codes = text.split(',').map((c) => c.trim());
  if (codes.length && codes.every((c) => /^[1-5]\d\d$/.test(c))) return { kind: 'codes', codes: codes.map(Number) };
  throw bad(line, `has status "${text}", not a code from 100 to 599, a class like 2xx, or a list like 200,204`);
}

export function statusMatches(rule: StatusRule, status: number): boolean {
  return rule.kind === 'class' ? Math.floor(status / 100) === rule.hundred : rule.codes.includes(status);
}

export function describeStatus(rule: StatusRule): string {
  return rule.kind === 'class' ? `${rule.hundred}xx` : rule.codes.join(' or ');
}

export function parseCheck(line: string): Check {
  const grpc = /^grpc\s+(\S+)(?:\s+(\S+))?$/i.exec(line);
  if (grpc) {
    const [, target, service = ''] = grpc;
    if (!/^[A-Za-z0-9.-]+:\d{1,5}$/.test(target) || Number(target.split(':')[1]) > 65535) throw bad(line, `has target "${target}", not host:port`);
    return { kind: 'grpc', line, target, service };
  }
  const http = /^([A-Za-z]+)\s+(\S+)(?:\s+->\s+(\S+))?(?:\s+contains\s+(.+))?$/.exec(line);
  if (!http) throw bad(line, 'is not a check');
  const [, method, url, status, contains] = http;
  if (!METHODS.includes(method.toUpperCase())) throw bad(line, `has method "${method}", not one of ${METHODS.join(' ')}`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw bad(line, `has URL "${url}", which is not absolute`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw bad(line, `has URL "${url}", not http(s)`);
  return { kind: 'http', line, method: method.toUpperCase(), url: parsed.href, expect: status ? parseStatus(status, line) : { kind: 'class', hundred: 2 }, ...(contains ? { contains: contains.trim() } : {}) };
}

/** The accepted span of every numeric input (documented in action.yml and the README). */
export const SMOKE_RANGES = {
  'request-timeout': { min: 100, max: 60_000 },
  interval: { min: 0, max: 300_000 },
  timeout: { min: 1000, max: 3_600_000 },
  attempts: { min: 1, max: 100, integer: true },
} as const satisfies Record<string, DurationRange | NumberRange>;

export function readPlan(): SmokePlan {
  const checks = getLines('checks').map(parseCheck);
  if (!checks.length) throw new InputError(`Input "checks" is required: one check per line, ${CHECK_FORM}.`);
  const requestTimeoutMs = getDuration('request-timeout', '5s', SMOKE_RANGES['request-timeout']);
  const intervalMs = getDuration('interval', '5s', SMOKE_RANGES.interval);
  const timeoutMs = getDuration('timeout', '5m', SMOKE_RANGES.timeout);
  return {
    checks,
    headers: parseHeaderLines(raw('headers'), 'headers'),
    body: getString('body'),
    grpcTls: getBool('grpc-tls', false),
    requestTimeoutMs,
    attempts: getNumber('attempts', 10, SMOKE_RANGES.attempts),
    intervalMs,
    timeoutMs,
  };
}
