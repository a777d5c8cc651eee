// persona's start command under gRPC load: SIGTERM turns grpc.health.v1 NOT_SERVING, the "load
// balancer" (this test) stops routing, calls in flight finish, 0 calls fail, and the process exits 0.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { freePort } from '../../../test/support/moto.js';
import { repoRoot } from '../../../test/support/harness.js';
import { LOADER_OPTIONS, loadPersonaProto } from '../src/app.js';
import { grpcShutdownUnderLoad, startServiceProcess, expectCleanShutdown } from '../../../test/support/services/shutdown-load.js';

type Unary = (req: unknown, cb: (err: grpc.ServiceError | null, res: Record<string, unknown>) => void) => void;
type Client = grpc.Client & Record<string, Unary>;
const call = (c: Client, m: string, req: unknown) =>
  new Promise<Record<string, unknown>>((resolve, reject) => c[m](req, (err, res) => (err ? reject(err) : resolve(res))));

describe('persona graceful shutdown', () => {
  it('SIGTERM under gRPC load: NOT_SERVING first, in-flight calls finish, 0 failed calls, exit 0', async () => {
    const [grpcPort, httpPort] = [await freePort(), await freePort()];
    // node with tsx's loader, not the tsx command: its signal relay re-sends SIGTERM, then SIGKILLs, a child busy for 30 ms.
    const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'services/persona/src/main.ts')], {
      cwd: repoRoot,
      env: { ...process.env, PORT: String(grpcPort), HTTP_PORT: String(httpPort), HOST: '127.0.0.1', SHUTDOWN_DRAIN_DELAY: '3s', HEALTH_CHECK_INTERVAL: '100ms' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const addr = `127.0.0.1:${grpcPort}`;
    const proto = loadPersonaProto() as unknown as { persona: { v1: { PersonaService: new (a: string, c: grpc.ChannelCredentials) => Client } } };
    const persona = new proto.persona.v1.PersonaService(addr, grpc.credentials.createInsecure());
    const healthPkg = grpc.loadPackageDefinition(protoLoader.loadSync(healthProtoPath, LOADER_OPTIONS)) as unknown as {
      grpc: { health: { v1: { Health: new (a: string, c: grpc.ChannelCredentials) => Client } } };
    };
    const health = new healthPkg.grpc.health.v1.Health(addr, grpc.credentials.createInsecure());
    try {
      const deadline = Date.now() + 30_000;
      let status = '';
      while (status !== 'SERVING' && Date.now() < deadline && child.exitCode === null) {
        status = await call(health, 'Check', { service: '' }).then((r) => r.status as string, () => '');
        if (status !== 'SERVING') await new Promise((r) => setTimeout(r, 100));
      }
      expect(status, out).toBe('SERVING');
      const { id } = (await call(persona, 'CreatePersona', { displayName: 'load', bio: 'Loves long walks and good coffee.' })).persona as { id: string };

      // The load balancer's part: route while health says SERVING; SHUTDOWN_DRAIN_DELAY (3 s) covers this detection.
      let routing = true;
      let termAt = 0;
      let noticedAfterMs = -1;
      const poller = (async () => {
        while (routing) {
          const s = await call(health, 'Check', { service: 'persona.v1.PersonaService' }).then((r) => r.status, () => 'DOWN');
          if (s !== 'SERVING') {
            routing = false;
            noticedAfterMs = Date.now() - termAt;
          }
          await new Promise((r) => setTimeout(r, 50));
        }
      })();
      let ok = 0;
      const failures: string[] = [];
      const stopAt = Date.now() + 15_000;
      const worker = async () => {
        while (routing && Date.now() < stopAt) {
          await call(persona, 'AnalysePersona', { id }).then(() => ok++, (e: grpc.ServiceError) => failures.push(`${e.code} ${e.details}`));
        }
      };
      const workers = Array.from({ length: 8 }, worker);
      while (ok < 200 && Date.now() < stopAt - 10_000) await new Promise((r) => setTimeout(r, 20));
      const okBeforeTerm = ok;
      termAt = Date.now();
      child.kill('SIGTERM');
      await Promise.all([...workers, poller]);
      expect(failures, `routing stopped ${noticedAfterMs} ms after SIGTERM`).toEqual([]);
      expect(okBeforeTerm).toBeGreaterThanOrEqual(200);
      expect(ok).toBeGreaterThan(okBeforeTerm);
      expect(await exited).toBe(0);
      expect(out).toContain('"message":"shutdown: complete"');
    } finally {
      persona.close();
      health.close();
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('SIGTERM at saturation, load kept on through the close: calls in flight finish, 0 failed calls, 0 resets, exit 0', async () => {
    // No load balancer here: the workers call on through the drain, the listener's close and the
    // GOAWAY, and each stops only when a new connection is refused.
    const httpPort = await freePort();
    const proc = await startServiceProcess('persona', { HTTP_PORT: String(httpPort), SHUTDOWN_DRAIN_DELAY: '1s', HEALTH_CHECK_INTERVAL: '100ms' },
      async () => (await fetch(`http://127.0.0.1:${httpPort}/ready`)).status === 200);
    const proto = loadPersonaProto() as unknown as { persona: { v1: { PersonaService: new (a: string, c: grpc.ChannelCredentials) => Client } } };
    const persona = new proto.persona.v1.PersonaService(`127.0.0.1:${proc.port}`, grpc.credentials.createInsecure());
    try {
      const { id } = (await call(persona, 'CreatePersona', { displayName: 'load', bio: 'Loves long walks and good coffee.' })).persona as { id: string };
      const f = await grpcShutdownUnderLoad('persona', proc, persona, 'AnalysePersona', { id });
      expectCleanShutdown(f, 1000, '"message":"shutdown: complete"');
    } finally {
      persona.close();
      if (proc.child.exitCode === null) proc.child.kill('SIGKILL');
    }
  }, 120_000);
});
