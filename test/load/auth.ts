// k6 load test for auth: token issuance (rate limited per client, so a small share) and verification
// (the hot path other services call). Run: k6 run -e BASE_URL=https://auth.example -e CLIENT_ID=.. -e CLIENT_SECRET=.. test/load/auth.ts
import http from 'k6/http';
import { check, fail } from 'k6';
import { Rate } from 'k6/metrics';
import type { Options } from 'k6/options';
import { MAX_FAILED_RATE, P95_MS, baseUrl, rampingOptions } from './thresholds.ts';

const BASE = baseUrl('http://127.0.0.1:8080');
const failed = new Rate('auth_failed');

export const options: Options = rampingOptions({
  http_req_duration: [`p(95)<${P95_MS}`],
  http_req_failed: [`rate<${MAX_FAILED_RATE}`],
  auth_failed: [`rate<${MAX_FAILED_RATE}`],
});

interface Setup {
  token: string;
}

export function setup(): Setup {
  const res = http.post(`${BASE}/oauth/token`, {
    grant_type: 'client_credentials',
    client_id: __ENV.CLIENT_ID ?? 'load-test',
    client_secret: __ENV.CLIENT_SECRET ?? '',
    audience: __ENV.AUDIENCE ?? 'persona',
  });
  if (res.status !== 200) fail(`token request answered ${res.status}: set CLIENT_ID / CLIENT_SECRET of a client allowed AUDIENCE`);
  return { token: (res.json() as { access_token: string }).access_token };
}

export default function (data: Setup): void {
  const res = http.post(`${BASE}/verify`, JSON.stringify({ token: data.token, audience: __ENV.AUDIENCE ?? 'persona' }), {
    headers: { 'content-type': 'application/json' },
    tags: { route: 'POST /verify' },
  });
  const ok = check(res, {
    'verify 200': (r) => r.status === 200,
    'token active': (r) => (r.json() as { active?: boolean }).active === true,
  });
  failed.add(!ok);
  if (__ITER % 20 === 0) {
    const jwks = http.get(`${BASE}/.well-known/jwks.json`, { tags: { route: 'GET /.well-known/jwks.json' } });
    failed.add(!check(jwks, { 'jwks 200': (r) => r.status === 200 }));
  }
}
