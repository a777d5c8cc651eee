/**
 * Image tooling. One command per step, so a pipeline can run them separately:
 *
 *   npx tsx services/images/cli.ts context <service> <dir>          bundle into a build context
 *   npx tsx services/images/cli.ts base                             assemble the local Node 24 base (prints name@sha256:…)
 *   npx tsx services/images/cli.ts build <service> <tag> [base-ref] context + buildah build (base: the Dockerfile's pinned default)
 *
 * buildah runs with vfs storage and chroot isolation; BUILDAH_ROOT / BUILDAH_RUNROOT choose its storage.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { assembleBaseImage, defaultNodeBinary } from './base-image.js';
import { buildContext, repoRoot } from './bundle.js';
import { buildImage } from './image.js';
import { serviceImage } from './services.js';

const USAGE = 'usage: cli.ts context <service> <dir> | base | build <service> <tag> [base-ref]';
const storage = { root: process.env.BUILDAH_ROOT, runroot: process.env.BUILDAH_RUNROOT };
const [cmd, ...args] = process.argv.slice(2);

async function main(): Promise<void> {
  switch (cmd) {
    case 'context': {
      const [name, dir] = args;
      if (!name || !dir) throw new Error(USAGE);
      const ctx = await buildContext(serviceImage(name), resolve(dir));
      console.log(ctx.dir);
      return;
    }
    case 'base': {
      const base = await assembleBaseImage({ ...storage, nodeBinary: defaultNodeBinary(repoRoot) });
      console.log(base.ref);
      return;
    }
    case 'build': {
      const [name, tag, nodeImage] = args;
      if (!name || !tag) throw new Error(USAGE);
      const svc = serviceImage(name);
      const dir = mkdtempSync(join(tmpdir(), `ctx-${name}-`));
      try {
        await buildContext(svc, dir);
        const img = await buildImage({ ...storage, dockerfile: svc.dockerfile, contextDir: dir, tag, nodeImage, pull: nodeImage ? 'never' : 'missing' });
        console.log(`${img.tag} ${img.id}`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      return;
    }
    default:
      throw new Error(USAGE);
  }
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exitCode = 1;
});
