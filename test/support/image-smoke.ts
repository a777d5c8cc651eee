/**
 * One service image, end to end as CI can do it without a registry: assemble the Node 24 base from
 * this machine's node, bundle the service, build its Dockerfile with buildah against that base
 * (pinned by digest), run the image as configured, and get 200 from /health; then SIGTERM must end
 * it cleanly.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { assembleBaseImage, defaultNodeBinary, NONROOT_UID, type BaseImage } from '../../services/images/base-image.js';
import { buildah, type BuildahOptions } from '../../services/images/buildah.js';
import { buildContext, repoRoot } from '../../services/images/bundle.js';
import { buildImage, imageConfig, runContainer, waitForHealthy, type RunningContainer } from '../../services/images/image.js';
import { serviceImage } from '../../services/images/services.js';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { freePort } from './moto.js';
import { commands, requires } from './requires.js';

/** grpc.health.v1 Check on a port: the overall status ("" service). */
async function grpcHealth(port: number): Promise<string> {
  const def = protoLoader.loadSync(healthProtoPath, { keepCase: true, enums: String });
  const pkg = grpc.loadPackageDefinition(def) as unknown as { grpc: { health: { v1: { Health: grpc.ServiceClientConstructor } } } };
  const client = new pkg.grpc.health.v1.Health(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  try {
    return await new Promise<string>((resolve, reject) =>
      client.check({ service: '' }, { deadline: Date.now() + 5000 }, (err: Error | null, res?: { status: string }) => (err ? reject(err) : resolve(res!.status))),
    );
  } finally {
    client.close();
  }
}

/** The service's main route answers as its image description says. */
async function expectSmokeRequest(port: number, r: NonNullable<ReturnType<typeof serviceImage>['smokeRequest']>): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${port}${r.path}`, {
    method: r.method, headers: r.headers, body: r.body === undefined ? undefined : JSON.stringify(r.body),
  });
  expect(res.status, await res.clone().text()).toBe(r.status);
}

/** The gRPC health status once SERVING, or the last one seen after 10 s: readiness may trail liveness by a health-check interval. */
async function grpcServing(port: number): Promise<string> {
  let status = '';
  for (let i = 0; i < 40 && status !== 'SERVING'; i++) {
    status = await grpcHealth(port).catch((e: Error) => e.message);
    if (status !== 'SERVING') await new Promise((r) => setTimeout(r, 250));
  }
  return status;
}

export function imageSmokeTest(name: string): void {
  const svc = serviceImage(name);
  const withBuildah = requires(`the ${name} image test`, commands('buildah'));

  withBuildah.describe(`${name} image`, () => {
    let work: string;
    let storage: BuildahOptions;
    let base: BaseImage;
    let entry: string;
    // Stopped in afterAll too: a test that times out must not leave the service running.
    let running: RunningContainer | undefined;
    const tag = `localhost/mesh/${name}:test`;

    beforeAll(async () => {
      work = mkdtempSync(join(tmpdir(), `img-${name}-`));
      storage = { root: join(work, 'storage'), runroot: join(work, 'run') };
      base = await assembleBaseImage({ ...storage, nodeBinary: defaultNodeBinary(repoRoot) });
      const ctx = await buildContext(svc, join(work, 'context'));
      entry = ctx.entry;
      await buildImage({ ...storage, dockerfile: svc.dockerfile, contextDir: ctx.dir, tag, nodeImage: base.ref, pull: 'never' });
    }, 180_000);

    afterAll(async () => {
      if (!work) return;
      await running?.stop(5000);
      await buildah(storage, ['rm', '--all'], { quiet: true }).catch(() => undefined);
      await buildah(storage, ['rmi', '--all', '--force'], { quiet: true }).catch(() => undefined);
      rmSync(work, { recursive: true, force: true });
    });

    it('is built on the local base pinned by digest and runs node as the non-root user', async () => {
      expect(base.ref).toMatch(/^localhost\/mesh\/node24-base@sha256:[0-9a-f]{64}$/);
      const cfg = await imageConfig(storage, tag);
      expect(cfg.User).toBe(`${NONROOT_UID}:${NONROOT_UID}`);
      expect(cfg.Entrypoint).toEqual(['/nodejs/bin/node']);
      expect(cfg.Cmd).toEqual([entry]);
    });

    it('has no shell, and none of the check stage\'s files', async () => {
      const probe = (await buildah(storage, ['from', '--pull=never', tag], { quiet: true })).trim();
      try {
        const root = (await buildah(storage, ['mount', probe], { quiet: true })).trim();
        expect(existsSync(join(root, 'bin/sh'))).toBe(false);
        expect(existsSync(join(root, 'usr/bin/sh'))).toBe(false);
        expect(existsSync(join(root, 'app/index.js'))).toBe(true);
        expect(existsSync(join(root, 'verify.cjs'))).toBe(false);
      } finally {
        await buildah(storage, ['rm', probe], { quiet: true });
      }
    });

    it('answers 200 on /health and on its main route, and SIGTERM ends it cleanly', async () => {
      const port = await freePort();
      const grpcPort = await freePort();
      const env: Record<string, string> = {
        PORT: String(grpcPort), ...svc.smokeEnv, [svc.healthPortEnv]: String(port), SHUTDOWN_DRAIN_DELAY: '0s', HOST: '127.0.0.1',
      };
      running = await runContainer(storage, tag, env);
      const container = running;
      let code: number | null = null;
      try {
        const health = await waitForHealthy(`http://127.0.0.1:${port}/health`, container, 60_000);
        expect(health.status).toBe(200);
        expect(JSON.parse(health.body)).toEqual({ status: 'ok' });
        if (svc.smokeRequest) await expectSmokeRequest(port, svc.smokeRequest);
        if (svc.grpcPortEnv) expect(await grpcServing(Number(env[svc.grpcPortEnv]))).toBe('SERVING');
      } finally {
        code = await container.stop(15_000);
      }
      expect(code, container.output()).toBe(0);
      expect(container.output()).toContain(`"service":"${name}"`);
      expect(container.output()).toContain('shutdown: complete');
    });
  });
}
