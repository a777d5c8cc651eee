// k6 load test for persona (gRPC): create once per VU, then get + analyse. Run:
// k6 run -e GRPC_ADDR=persona.internal:50051 [-e TOKEN=<bearer for audience persona>] test/load/persona.ts
import grpc from 'k6/net/grpc';
import { check } from 'k6';
import { Rate, Trend } from 'k6/metrics';
import type { Options } from 'k6/options';
import { MAX_FAILED_RATE, P95_MS, rampingOptions } from './thresholds.ts';

const ADDR = __ENV.GRPC_ADDR ?? '127.0.0.1:50051';
const client = new grpc.Client();
client.load([__ENV.PROTO_ROOT ?? '../../services/persona/proto'], 'persona/v1/persona.proto');
const failed = new Rate('persona_failed');
const analyseMs = new Trend('persona_analyse_ms', true);

export const options: Options = rampingOptions({
  grpc_req_duration: [`p(95)<${P95_MS}`],
  persona_failed: [`rate<${MAX_FAILED_RATE}`],
});

const metadata = (): Record<string, string> => (__ENV.TOKEN ? { authorization: `Bearer ${__ENV.TOKEN}` } : {});
let personaId = '';

export default function (): void {
  if (__ITER === 0) client.connect(ADDR, { plaintext: __ENV.TLS !== 'true', timeout: '5s' });
  if (!personaId) {
    const created = client.invoke('persona.v1.PersonaService/CreatePersona', {
      display_name: `load-${__VU}`,
      bio: 'A curious engineer who loves distributed systems and good coffee. Enjoys climbing on weekends.',
      interests: ['systems', 'coffee'],
      request_id: `k6-${__VU}`,
    }, { metadata: metadata() });
    const ok = check(created, { 'create OK': (r) => r !== null && r.status === grpc.StatusOK });
    failed.add(!ok);
    if (!ok) return;
    personaId = (created.message as { persona: { id: string } }).persona.id;
  }
  const got = client.invoke('persona.v1.PersonaService/GetPersona', { id: personaId }, { metadata: metadata() });
  failed.add(!check(got, { 'get OK': (r) => r !== null && r.status === grpc.StatusOK }));
  const started = Date.now();
  const analysed = client.invoke('persona.v1.PersonaService/AnalysePersona', { id: personaId }, { metadata: metadata() });
  analyseMs.add(Date.now() - started);
  failed.add(!check(analysed, { 'analyse OK': (r) => r !== null && r.status === grpc.StatusOK }));
}

export function teardown(): void {
  client.close();
}
