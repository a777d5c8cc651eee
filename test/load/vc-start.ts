// k6 load test for vc-start: start a verification (idempotent write) and read it back. Run:
// k6 run -e BASE_URL=https://vc-start.example test/load/vc-start.ts
import http from 'k6/http';
import { check } from 'k6';
import { Rate } from 'k6/metrics';
import type { Options } from 'k6/options';
import { MAX_FAILED_RATE, P95_MS, baseUrl, rampingOptions } from './thresholds.ts';

const BASE = baseUrl('http://127.0.0.1:8080');
const failed = new Rate('vc_start_failed');

export const options: Options = rampingOptions({
  http_req_duration: [`p(95)<${P95_MS}`],
  http_req_failed: [`rate<${MAX_FAILED_RATE}`],
  vc_start_failed: [`rate<${MAX_FAILED_RATE}`],
});

export default function (): void {
  const key = `k6-${__VU}-${__ITER}-${Date.now()}`;
  const started = http.post(`${BASE}/verifications`, JSON.stringify({ subject: `user-${__VU}@example.com`, method: 'email', reference: key }), {
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    tags: { route: 'POST /verifications' },
  });
  const ok = check(started, { 'start 201': (r) => r.status === 201 });
  failed.add(!ok);
  if (!ok) return;
  const id = (started.json() as { id: string }).id;
  const got = http.get(`${BASE}/verifications/${id}`, { tags: { route: 'GET /verifications/:id' } });
  failed.add(!check(got, { 'get 200': (r) => r.status === 200 }));
}
