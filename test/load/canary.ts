// k6 load aimed at a canary: a constant arrival rate through the load balancer's listener (the path
// real traffic takes, so the canary gets its weighted share), gated on the same SLO canary-ramp
// judges (p95 and error rate). Arrival rate, not VUs: a slow canary cannot lower the load it gets.
// Run: k6 run -e LISTENER_URL=https://listener.example -e REQUEST_PATH=/verifications/… -e RATE=50 -e DURATION=10m test/load/canary.ts
import http from 'k6/http';
import { check } from 'k6';
import { Rate } from 'k6/metrics';
import type { Options } from 'k6/options';
import { MAX_FAILED_RATE, P95_MS, constantArrivalOptions, listenerUrl } from './thresholds.ts';

const LISTENER = listenerUrl('http://127.0.0.1:8080');
const PATH = __ENV.REQUEST_PATH ?? '/health';
const failed = new Rate('canary_failed');

export const options: Options = constantArrivalOptions({
  http_req_duration: [`p(95)<${P95_MS}`],
  http_req_failed: [`rate<${MAX_FAILED_RATE}`],
  canary_failed: [`rate<${MAX_FAILED_RATE}`],
});

export default function (): void {
  const res = http.get(`${LISTENER}${PATH}`, { tags: { route: `GET ${PATH}` }, timeout: '5s' });
  failed.add(!check(res, { 'status 2xx': (r) => r.status >= 200 && r.status < 300 }));
}
