/**
 * The release under test: the auth service's image bundle (services/images/bundle.ts, the very
 * context the image is built from) run with node, twice: stable, and a canary that may carry the
 * kit's fault injection. Both share one signing key, so a token verifies on either version.
 */
import { exportJWK, generateKeyPair } from 'jose';
import { join } from 'node:path';
import { SERVICES } from '../../services/images/services.js';
import { startProc, waitForHttp, type Proc } from './processes.js';

export interface Version {
  name: 'stable' | 'canary';
  version: string;
  port: number;
  url: string;
  proc: Proc;
}

/** A fixed ES256 key for this rehearsal only, handed to both versions as the JWK itself. */
export async function rehearsalSigningKey(): Promise<string> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  return JSON.stringify({ ...(await exportJWK(privateKey)), kid: 'rehearsal-1', alg: 'ES256' });
}

export async function startVersion(o: { node: string; context: string; name: Version['name']; version: string; port: number; signingKey: string; faults?: Record<string, string> }): Promise<Version> {
  const env = {
    PATH: process.env.PATH,
    PORT: String(o.port),
    HOST: '127.0.0.1',
    SERVICE_VERSION: o.version,
    AUTH_SIGNING_KEY: o.signingKey,
    // The image smoke test's client (its secret is a fixture): the rehearsal takes one token from it.
    AUTH_CLIENTS: SERVICES.auth.smokeEnv.AUTH_CLIENTS,
    LOG_LEVEL: 'warn',
    ACCESS_LOG: 'off',
    EMF_INTERVAL: '1h',
    SHUTDOWN_DRAIN_DELAY: '0s',
    SHUTDOWN_TIMEOUT: '5s',
    ...o.faults,
  };
  const proc = startProc(`auth ${o.version}`, o.node, [join(o.context, 'app/index.js')], { env, cwd: join(o.context, 'app') });
  const url = `http://127.0.0.1:${o.port}`;
  await waitForHttp(`${url}/ready`, proc);
  return { name: o.name, version: o.version, port: o.port, url, proc };
}

/** A token from the stable version (the image smoke test's request), for the load's POST /verify. */
export async function issueToken(url: string): Promise<string> {
  const smoke = SERVICES.auth.smokeRequest!;
  const res = await fetch(`${url}${smoke.path}`, { method: 'POST', headers: smoke.headers, body: JSON.stringify(smoke.body), signal: AbortSignal.timeout(10_000) });
  const body = (await res.json()) as { access_token?: string };
  if (res.status !== 200 || !body.access_token) throw new Error(`auth ${smoke.path} answered ${res.status}: ${JSON.stringify(body)}`);
  return body.access_token;
}

/** Requests the service itself counted (its RED counter over every route; probes are not counted). */
export function servedFromMetrics(text: string): number {
  let total = 0;
  for (const line of text.split('\n')) {
    const m = /^http_requests_total\{[^}]*\} (\d+(?:\.\d+)?(?:e[+-]?\d+)?)$/.exec(line);
    if (m) total += Number(m[1]);
  }
  return total;
}

export async function served(v: Version): Promise<number | null> {
  try {
    const res = await fetch(`${v.url}/metrics`, { signal: AbortSignal.timeout(2000) });
    return servedFromMetrics(await res.text());
  } catch {
    return null;
  }
}
